import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { costsOnBases } from '../../src/plan/bases.js';
import { parseDays, parseHours, seriesFromWeekly, weekDemandTps, windowHoursPerWeek } from '../../src/workload/calendar.js';
import { seriesFromProfile } from '../../src/workload/series.js';
import { decideTraffic } from '../../src/workload/traffic.js';
import { WorkloadSchema, type WorkloadInput } from '../../src/workload/schema.js';
import { runCli, tempDir } from '../helpers/cli.js';

const minute = (day: number, hh: number, mm = 0) => day * 1440 + hh * 60 + mm;

describe('calendar traffic: days and hours', () => {
  it('names, ranges, groups and a range across Sunday', () => {
    expect(parseDays('mon-fri')).toEqual({ days: [0, 1, 2, 3, 4] });
    expect(parseDays('weekend')).toEqual({ days: [5, 6] });
    expect(parseDays('Saturday, sun')).toEqual({ days: [5, 6] });
    expect(parseDays('fri-mon')).toEqual({ days: [0, 4, 5, 6] });
    expect(parseDays('weekdays,sat')).toEqual({ days: [0, 1, 2, 3, 4, 5] });
    expect(parseDays('mon-funday')).toHaveProperty('error');
  });

  it('hours are end-exclusive; an end at or before the start crosses midnight', () => {
    expect(parseHours('09:00-17:00')).toEqual({ startMinute: 540, minutes: 480 });
    expect(parseHours('22:00-02:00')).toEqual({ startMinute: 1320, minutes: 240 });
    expect(parseHours('00:00-24:00')).toEqual({ startMinute: 0, minutes: 1440 });
    for (const bad of ['9-17', '09:00-25:00', '24:00-01:00', '09:60-10:00', '10:00-10:00'])
      expect(parseHours(bad), bad).toHaveProperty('error');
  });

  it('a window across midnight, worked minute by minute (Friday night into Saturday; Sunday night into Monday)', () => {
    const week = weekDemandTps([{ days: 'fri,sun', hours: '22:00-02:00', tps: 50 }], 5);
    expect(week[minute(4, 21, 59)]).toBe(5);
    expect(week[minute(4, 22, 0)]).toBe(50);
    expect(week[minute(5, 1, 59)]).toBe(50); // Saturday 01:59 is still Friday's window
    expect(week[minute(5, 2, 0)]).toBe(5); // end exclusive
    expect(week[minute(6, 23, 0)]).toBe(50);
    expect(week[minute(0, 1, 59)]).toBe(50); // Sunday's window wraps into Monday: the week repeats
    expect(week[minute(0, 2, 0)]).toBe(5);
    // 2 windows × 4 h
    expect(windowHoursPerWeek([{ days: 'fri,sun', hours: '22:00-02:00', tps: 50 }])).toBe(8);
  });

  it('gives the very series a 168-value profile gives for the same hours', () => {
    const profile = Array.from({ length: 168 }, (_, h) => (h % 24 >= 9 && h % 24 < 17 && Math.floor(h / 24) < 5 ? 300 : 20));
    const calendar = seriesFromWeekly([{ days: 'weekdays', hours: '09:00-17:00', tps: 300 }], 20);
    const fromProfile = seriesFromProfile(profile);
    expect(calendar.kind).toBe(fromProfile.kind);
    expect(calendar.weekOffsetMinutes).toBe(fromProfile.weekOffsetMinutes);
    expect(calendar.monthScale).toBe(fromProfile.monthScale);
    expect(Array.from(calendar.demandTps)).toEqual(Array.from(fromProfile.demandTps));
  });
});

describe('calendar traffic: the expected cost of a weekday-only peak', () => {
  // Mon–Fri 09–17 at 300 TPS, 20 TPS otherwise; 4.2 TPS per unit × 0.8 = 3.36 usable:
  // Max = ceil(300 / 3.36) = 90, Min = ceil(20 / 3.36) = 6, $4 per unit-hour (us-east-1).
  const base: WorkloadInput = {
    version: 1,
    name: 'office',
    model: { task: 'classification', tps_per_unit: 4.2 },
    images: [{ share: 1, width: 1024, height: 768, size_mb: 0.4 }],
    traffic: { weekly: [{ days: 'mon-fri', hours: '09:00-17:00', tps: 300 }], baseline_tps: 20 },
  };
  const pair = { minUnits: 6, maxUnits: 90 };

  it('by the calendar: (90 × 40 h + 6 × 128 h) a week × 730 / 168 × $4 = $75,920', () => {
    const w = WorkloadSchema.parse(base);
    const { costs, derivation } = costsOnBases(decideTraffic(w, seriesFromWeekly(w.traffic.weekly!, 20)), pair, 4, undefined);
    // by hand: 3,600 + 768 = 4,368 unit-hours a week; 4,368 × 730 / 168 = 18,980 h; × $4 = $75,920
    expect(costs.expected).toBe(75920);
    expect(derivation.expected).toBe('(90 × 40 h + 6 × 128 h) a week × 730 / 168 = 18,980 h × $4 = $75,920.00');
  });

  it('peak_hours_per_day: 8 applies the peak to all seven days: $99,280, 31% more', () => {
    const w = WorkloadSchema.parse({ ...base, traffic: { peak_tps: 300, baseline_tps: 20, peak_hours_per_day: 8 } });
    const { costs } = costsOnBases(decideTraffic(w), pair, 4, undefined);
    // by hand: (90 × 8 + 6 × 16) × 7 × 730 / 168 = 816 × 30.4167 = 24,820 h; × $4 = $99,280
    expect(costs.expected).toBe(99280);
    expect(Math.round((99280 / 75920 - 1) * 100)).toBe(31);
  });

  it('plan, simulate and gate take the calendar', () => {
    const dir = tempDir();
    const file = join(dir, 'office.yaml');
    writeFileSync(file, yamlOf(base));
    const plan = runCli(['plan', file, '-f', 'json']);
    expect(plan.code, plan.stderr).toBe(0);
    const p = JSON.parse(plan.stdout).plans[0];
    expect([p.staticRule.minInferenceUnits, p.staticRule.maxInferenceUnits]).toEqual([6, 90]);
    expect(p.peakTps).toBe(300);
    expect(p.baselineTps).toBe(20);
    expect(p.costBasis).toBe('simulated');
    expect(p.search.trafficSource).toBe('traffic.weekly (1 window, UTC; baseline 20 TPS)');
    const sim = runCli(['simulate', file, '-f', 'json']);
    expect(sim.code, sim.stderr).toBe(0);
    const gate = runCli(['gate', file, '-f', 'json', '--max-monthly-cost', '1000000']);
    expect(gate.code, gate.stderr).toBe(0);
  });
});

function yamlOf(w: WorkloadInput): string {
  return JSON.stringify(w, null, 2);
}

describe('calendar traffic: bad windows exit 2 at their line', () => {
  const write = (windows: string) => {
    const dir = tempDir();
    const file = join(dir, 'w.yaml');
    writeFileSync(
      file,
      `version: 1\nname: t\nmodel:\n  task: classification\n  tps_per_unit: 10\nimages:\n  - {share: 1, width: 640, height: 480, size_mb: 0.2}\ntraffic:\n  weekly:\n${windows}`,
    );
    return file;
  };
  const cases: Array<[string, string, string]> = [
    [
      'overlap',
      '    - { days: mon-fri, hours: "09:00-17:00", tps: 30 }\n    - { days: fri, hours: "16:00-18:00", tps: 10 }\n',
      ':11:27: traffic.weekly[1].hours: weekly[1] overlaps weekly[0] at fri 16:00: windows must not overlap',
    ],
    [
      'unknown day',
      '    - { days: mon-fry, hours: "09:00-17:00", tps: 30 }\n',
      ":10:15: traffic.weekly[0].days: unknown day 'mon-fry': use mon..sun, a range like mon-fri, weekdays, weekend or daily",
    ],
    [
      'bad time',
      '    - days: weekend\n      hours: "9am-5pm"\n      tps: 30\n',
      ":11:14: traffic.weekly[0].hours: hours '9am-5pm' must be HH:MM-HH:MM (00:00 to 24:00, end exclusive)",
    ],
  ];
  for (const [what, windows, message] of cases) {
    it(what, () => {
      const file = write(windows);
      const r = runCli(['plan', file]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`capacity-plan: ${file}${message}\n`);
    });
  }

  it('an unknown time zone, at its line', () => {
    const file = write('    - { days: mon, hours: "09:00-10:00", tps: 30 }\n  timezone: Mars/Olympus\n');
    const r = runCli(['plan', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`capacity-plan: ${file}:11:13: traffic.timezone: must be an IANA time zone name such as Europe/Berlin\n`);
  });
});
