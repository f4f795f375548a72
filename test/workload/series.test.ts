import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { parseDuration, parseStart, parseZoneOutage } from '../../src/simulate/scenario.js';
import { busiestWindow, MINUTES_PER_MONTH, minuteLabel, seriesFromProfile, seriesFromTrace } from '../../src/workload/series.js';
import { pickScheduleWindow, scheduleMask } from '../../src/simulate/strategies.js';

const day = [2, 2, 2, 2, 2, 3, 5, 9, 14, 18, 20, 22, 24, 22, 20, 18, 16, 14, 10, 7, 5, 4, 3, 2];

describe('demand series', () => {
  it('repeats a day profile over exactly one 730-hour month, each hour held 60 minutes', () => {
    const s = seriesFromProfile(day);
    expect(s.demandTps.length).toBe(MINUTES_PER_MONTH);
    expect(s.monthScale).toBe(1);
    expect(s.demandTps[12 * 60]).toBe(24);
    expect(s.demandTps[12 * 60 + 59]).toBe(24);
    expect(s.demandTps[13 * 60]).toBe(22);
    expect(s.demandTps[1440 + 12 * 60]).toBe(24); // day 2
    expect(s.kind).toBe('profile-day');
  });

  it('a week profile starts on Monday 00:00', () => {
    const week = Array.from({ length: 168 }, (_, h) => (h === 2 * 24 + 9 ? 50 : 1)); // Wed 09:00
    const s = seriesFromProfile(week);
    const hour = busiestWindow(s, 60);
    expect(hour.startMinute).toBe((2 * 24 + 9) * 60);
    expect(minuteLabel(s, hour.startMinute)).toBe('Wed 09:00');
    expect(hour.requests).toBe(50 * 3600);
  });

  it('scales a trace to a month and labels minutes by UTC time', () => {
    const start = Date.UTC(2025, 2, 5, 10, 0); // Wednesday 10:00
    const s = seriesFromTrace(new Float64Array(1440), start);
    expect(s.monthScale).toBeCloseTo(43800 / 1440, 12);
    expect(s.weekOffsetMinutes).toBe(2 * 1440 + 600);
    expect(minuteLabel(s, 90)).toBe('2025-03-05T11:30Z');
  });

  it('busiest day is aligned to midnight of the series clock', () => {
    const d = new Float64Array(3 * 1440).fill(1);
    d.fill(9, 1440 + 600, 1440 + 700); // day 2 (from 10:00 start: the day starting at minute 840)
    const s = seriesFromTrace(d, Date.UTC(2025, 2, 3, 10, 0));
    const b = busiestWindow(s, 1440);
    expect(b.startMinute).toBe(840);
    expect(minuteLabel(s, b.startMinute)).toBe('2025-03-04T00:00Z');
  });
});

describe('scenario START/DURATION', () => {
  const s = seriesFromProfile(day);
  it('reads minutes, times of day, weekday times and durations', () => {
    expect(parseStart('540', s, '--x')).toBe(540);
    expect(parseStart('09:00', s, '--x')).toBe(540);
    expect(parseStart('mon 09:00', s, '--x')).toBe(540);
    expect(parseStart('wed-14:30', s, '--x')).toBe(2 * 1440 + 870);
    expect(parseStart('Friday 00:05', s, '--x')).toBe(4 * 1440 + 5);
    expect(parseDuration('120', '--x')).toBe(120);
    expect(parseDuration('90m', '--x')).toBe(90);
    expect(parseDuration('2h', '--x')).toBe(120);
    expect(parseDuration('1h30m', '--x')).toBe(90);
    expect(parseDuration('1d', '--x')).toBe(1440);
    expect(parseZoneOutage('mon 09:00/2h', s)).toEqual({ startMinute: 540, durationMinutes: 120 });
  });

  it('finds the first matching time on or after a trace start', () => {
    const t = seriesFromTrace(new Float64Array(7 * 1440), Date.UTC(2025, 2, 5, 10, 0)); // Wed 10:00
    expect(parseStart('09:00', t, '--x')).toBe(1440 - 60); // Thu 09:00
    expect(parseStart('wed 11:00', t, '--x')).toBe(60);
    expect(parseStart('2025-03-06T09:00Z', t, '--x')).toBe(1380);
  });

  it('rejects bad values as user errors naming the flag', () => {
    const bad: Array<() => unknown> = [
      () => parseZoneOutage('09:00', s),
      () => parseZoneOutage('09:00/soon', s),
      () => parseZoneOutage('25:00/1h', s),
      () => parseZoneOutage('xyz 09:00/1h', s),
      () => parseZoneOutage('99999999/1h', s),
      () => parseZoneOutage('09:00/0', s),
      () => parseStart('noon', s, '--unit-failure'),
    ];
    for (const f of bad) expect(f).toThrow(UserError);
    expect(() => parseZoneOutage('09:00/soon', s)).toThrow(/--zone-outage: cannot read DURATION 'soon'/);
  });
});

describe('schedule window', () => {
  it('puts the hours where the traffic is and leaves 24 × 7 always on', () => {
    const s = seriesFromProfile(day);
    expect(pickScheduleWindow(s, 24, 7)).toBeNull();
    const w = pickScheduleWindow(s, 8, 5)!;
    // 8 busiest consecutive hours of the day profile: 09:00-17:00 (18+20+22+24+22+20+18+16 = 160).
    expect(w.startMinuteOfDay).toBe(9 * 60);
    expect(w.days).toEqual([0, 1, 2, 3, 4]); // all days equal: Monday first
    const mask = scheduleMask(s, w);
    expect(mask[9 * 60]).toBe(1);
    expect(mask[17 * 60]).toBe(0);
    expect(mask[5 * 1440 + 10 * 60]).toBe(0); // Saturday
    let on = 0;
    for (let i = 0; i < 7 * 1440; i++) on += mask[i]!;
    expect(on).toBe(5 * 8 * 60);
  });
});
