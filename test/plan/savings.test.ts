import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/contracts/plan.js';
import { roundUsd } from '../../src/core/money.js';
import { planWorkload } from '../../src/plan/recommend.js';
import { searchPair } from '../../src/plan/search-pair.js';
import { seriesFromWeekly } from '../../src/workload/calendar.js';
import { checkImageLimits } from '../../src/workload/limits.js';
import { resolveWorkload } from '../../src/workload/resolve.js';
import { WorkloadSchema, type WorkloadInput } from '../../src/workload/schema.js';
import { runCli, tempDir } from '../helpers/cli.js';

const planOf = (file: string): Plan => {
  const r = runCli(['plan', file, '-f', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).plans[0];
};
const n = (s: string) => Number(s.replace(/[$,]/g, ''));

describe('stop-schedule: a weekday office with no demand outside its windows', () => {
  const p = planOf('examples/workloads/office-hours.yaml');
  const stop = p.savings.find((s) => s.kind === 'stop-schedule')!;

  it('stops each weeknight and the weekend, started 15 minutes before 08:00', () => {
    // Mon–Thu 18:00 → next day 07:45 = 13 h 45 min = 825 min (×4); Fri 18:00 → Mon 07:45 = 61 h 45 min = 3,705 min.
    expect(stop.stops!.windows).toEqual([
      { stop: 'Mon 18:00', start: 'Tue 07:45', stoppedMinutes: 825 },
      { stop: 'Tue 18:00', start: 'Wed 07:45', stoppedMinutes: 825 },
      { stop: 'Wed 18:00', start: 'Thu 07:45', stoppedMinutes: 825 },
      { stop: 'Thu 18:00', start: 'Fri 07:45', stoppedMinutes: 825 },
      { stop: 'Fri 18:00', start: 'Mon 07:45', stoppedMinutes: 3705 },
    ]);
    expect(stop.stops!.stoppedHoursPerWeek).toBe(116.75);
    expect(stop.stops!.failedRequestsPerMonth).toBe(0);
    expect(stop.stops!.timezone).toBe('Europe/Berlin');
  });

  it('its figure recomputes by hand from its derivation', () => {
    // 4 units × 7,005 min / 60 = 467 unit-hours a week; × 730 / 168 = 2,029.23 h; × $4 = $8,116.90
    const m = /^(\d+) units × \((\d+) × (\d+) \+ (\d+)\) min a week \/ 60 × 730 \/ 168 × \$(\d+) = (\$[0-9,.]+);/.exec(stop.derivation)!;
    expect(m, stop.derivation).not.toBeNull();
    const [units, count, each, rest, price, usd] = m.slice(1).map(n);
    expect(roundUsd((units! * (count! * each! + rest!) * 730 * price!) / (60 * 168))).toBe(usd);
    expect(stop.monthlySavingUsd).toBe(8116.9);
    expect(stop.monthlyCostUsd).toBe(roundUsd(p.monthlyCostUsd - 8116.9));
    expect(p.savings[0]).toBe(stop);
  });

  it('gives the commands, region from the ARN, and an EventBridge schedule in the workload time zone', () => {
    const arn = 'arn:aws:rekognition:us-east-1:123456789012:project/invoices/version/invoices.2026-11-01/1730000000000';
    expect(stop.commands![0]).toBe(`aws rekognition stop-project-version --region us-east-1 --project-version-arn ${arn}`);
    expect(stop.commands![1]).toBe(
      `aws rekognition start-project-version --region us-east-1 --project-version-arn ${arn} --min-inference-units ${p.minInferenceUnits}` +
        (p.maxInferenceUnits > p.minInferenceUnits ? ` --max-inference-units ${p.maxInferenceUnits}` : ''),
    );
    expect(stop.commands![2]).toContain('--schedule-expression "cron(0 18 ? * MON-FRI *)" --schedule-expression-timezone Europe/Berlin');
    expect(stop.commands![2]).toContain('aws-sdk:rekognition:stopProjectVersion');
    expect(stop.commands![3]).toContain('--schedule-expression "cron(45 7 ? * MON-FRI *)"');
    expect(stop.commands![3]).toContain('aws-sdk:rekognition:startProjectVersion');
  });

  it('the answer block says what is available', () => {
    const r = runCli(['plan', 'examples/workloads/office-hours.yaml']);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('savings available: $8,116.90/month, see above');
  });
});

describe('throttle-tradeoff and image-size', () => {
  it('the answer searched again at 0, 0.01, 0.1 and 1%: information, never a saving', () => {
    const p = planOf('examples/workloads/storefront-trace.yaml');
    const t = p.savings.find((s) => s.kind === 'throttle-tradeoff')!;
    expect(t.monthlySavingUsd).toBe(0);
    expect(t.tradeoff!.map((x) => x.maxThrottledPct)).toEqual([0, 0.01, 0.1, 1]);
    const atLimit = t.tradeoff!.find((x) => x.maxThrottledPct === 0.1)!;
    expect([atLimit.minInferenceUnits, atLimit.maxInferenceUnits, atLimit.monthlyCostUsd]).toEqual([
      p.minInferenceUnits,
      p.maxInferenceUnits,
      p.monthlyCostUsd,
    ]);
    // A looser limit never costs more.
    for (let i = 1; i < t.tradeoff!.length; i++)
      expect(t.tradeoff![i]!.monthlyCostUsd).toBeLessThanOrEqual(t.tradeoff![i - 1]!.monthlyCostUsd);
  });

  it('parcel-labels: the 4K class sent at 1920x1080, worked by hand from the bench cost model', () => {
    const p = planOf('examples/workloads/parcel-labels.yaml');
    const s = p.savings.find((x) => x.kind === 'image-size')!;
    // 3840×2160 → 1920×1080 (half each side): 3.5 MB × 1/4 = 0.875 MB.
    // ms = 60 + 20 × 2.0736 + 10 × 0.875 + 2 × 40 = 190.222 → 1000 / 190.222 = 5.257 TPS
    expect(s.imageSize!.classes).toEqual([
      { index: 1, from: '3840x2160, 3.5 MB', to: '1920x1080, 0.875 MB', tpsBefore: 2.934, tpsAfter: 5.257 },
    ]);
    // 0.8 / (0.75 / 7.606 + 0.25 / 5.257) = 5.473
    expect(s.imageSize!.tpsPerUnit).toBeCloseTo(0.8 / (0.75 / 7.606 + 0.25 / 5.257), 3);
    expect(s.monthlySavingUsd).toBe(roundUsd(p.monthlyCostUsd - s.monthlyCostUsd));
    expect(s.derivation).toContain(`$${p.monthlyCostUsd.toLocaleString('en-US', { minimumFractionDigits: 2 })} − `);
    expect(s.imageSize!.caveat).toMatch(/stand-in/);
  });
});

describe('batch workloads: a fleet that starts, processes and stops', () => {
  const write = (batch: string, production = true) => {
    const dir = tempDir();
    const file = join(dir, 'batch.yaml');
    writeFileSync(
      file,
      `version: 1\nname: archive\nmodel:\n  task: classification\n  tps_per_unit: 10\nimages:\n  - {share: 1, width: 1024, height: 768, size_mb: 0.4}\ntraffic:\n  batch: ${batch}\navailability:\n  production: ${production}\n`,
    );
    return file;
  };

  it('1,000,000 images a week within 12 hours', () => {
    const p = planOf(write('{ images: 1000000, every: week, deadline_hours: 12 }'));
    // usable 10 × 0.8 = 8 TPS = 480 images a minute per unit; 12 h − 15 min start = 705 min:
    // ceil(1,000,000 / (480 × 705)) = ceil(2.955) = 3 units; ceil(1,000,000 / (3 × 480)) = 695 min + 15 = 710 min ≤ 720.
    expect(p.batch).toMatchObject({ units: 3, runHoursPerBatch: 11.83, meetsDeadline: true });
    expect([p.minInferenceUnits, p.maxInferenceUnits]).toEqual([3, 3]);
    // 3 × 710 / 60 × 730 / 168 × $4 = $617.02
    expect(p.monthlyCostUsd).toBe(617.02);
    expect(p.costBasis).toBe('batch');
    expect(p.headline).toBe(
      'archive: run MinInferenceUnits 3 / MaxInferenceUnits 3 — $617.02/month for the batch fleet (started, run and stopped each batch); 11.83 h per batch of 1,000,000 images every week, within the 12 h deadline',
    );
    expect(p.batch!.commands[0]).toBe(
      'aws rekognition start-project-version --region us-east-1 --project-version-arn <project-version-arn> --min-inference-units 3',
    );
  });

  it('the availability-zone floor in production, one unit otherwise', () => {
    expect(planOf(write('{ images: 1000, every: day, deadline_hours: 2 }')).batch!.units).toBe(2);
    expect(planOf(write('{ images: 1000, every: day, deadline_hours: 2 }', false)).batch!.units).toBe(1);
  });

  it('a deadline inside the start time: exit 2 at its line', () => {
    const file = write('{ images: 1000, every: day, deadline_hours: 0.2 }');
    const r = runCli(['plan', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /batch\.yaml:9:\d+: traffic\.batch\.deadline_hours: deadline_hours \(0\.2\) leaves no time after scaling\.start_minutes \(15 min\)\n$/,
    );
  });
});

describe('property: no saving breaks max_throttled_pct, the zone promise or a service limit', () => {
  const workloadArb = fc.record({
    tpsPerUnit: fc.constantFrom(4.2, 10, 12.5, 25),
    peakTps: fc.integer({ min: 5, max: 200 }),
    baselineTps: fc.constantFrom(0, 0, 1, 3),
    startHour: fc.integer({ min: 0, max: 20 }),
    hours: fc.integer({ min: 1, max: 12 }),
    days: fc.constantFrom('mon-fri', 'weekdays,sat', 'daily', 'tue,thu'),
    limitPct: fc.constantFrom(0, 0.1, 1),
    survive: fc.boolean(),
    stopBelow: fc.constantFrom(0, 0, 2),
  });

  it('holds on random calendar workloads', () => {
    fc.assert(
      fc.property(workloadArb, (a) => {
        const end = (a.startHour + a.hours) % 24;
        const input: WorkloadInput = {
          version: 1,
          name: 'random',
          model: { task: 'classification', tps_per_unit: a.tpsPerUnit },
          images: [{ share: 1, width: 1024, height: 768, size_mb: 0.4 }],
          traffic: {
            weekly: [
              { days: a.days, hours: `${String(a.startHour).padStart(2, '0')}:00-${String(end).padStart(2, '0')}:00`, tps: a.peakTps },
            ],
            baseline_tps: a.baselineTps,
          },
          availability: { production: true, zones: 3, survive_zone_outage: a.survive },
          scaling: { max_throttled_pct: a.limitPct, stop_below_tps: a.stopBelow },
        };
        const w = WorkloadSchema.parse(input);
        const series = seriesFromWeekly(w.traffic.weekly!, a.baselineTps);
        const r = resolveWorkload(w, { tpsSource: { kind: 'constant', tpsPerUnit: a.tpsPerUnit }, overTime: { series, source: 'weekly' } });
        const p = planWorkload(r, searchPair);
        for (const s of p.savings) {
          expect(s.monthlySavingUsd).toBeGreaterThanOrEqual(0);
          expect(s.monthlyCostUsd).toBe(roundUsd(p.monthlyCostUsd - s.monthlySavingUsd));
          if (s.stops) {
            expect(s.stops.throttledPct).toBeLessThanOrEqual(a.limitPct + 1e-9);
            // The promised outage's minutes are never stopped while they have demand above stop_below_tps.
            const o = p.zoneOutage.outage;
            if (o && p.zoneOutage.holds) {
              const stopped = new Set<number>();
              for (const x of s.stops.windows) {
                const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(x.stop.slice(0, 3));
                const [hh, mm] = x.stop.slice(4).split(':').map(Number);
                const first = day * 1440 + hh! * 60 + mm!;
                for (let k = 0; k < x.stoppedMinutes; k++) stopped.add((first + k) % 10080);
              }
              for (let m = o.startMinute; m < o.startMinute + o.durationMinutes; m++)
                if (series.demandTps[m]! > a.stopBelow) expect(stopped.has(m % 10080)).toBe(false);
            }
          }
          if (s.kind === 'throttle-tradeoff') expect(s.monthlySavingUsd).toBe(0);
          if (s.imageSize)
            for (const c of s.imageSize.classes)
              expect(
                checkImageLimits('rekognition-custom-labels', {
                  width: Number(c.to.split('x')[0]),
                  height: Number(c.to.split('x')[1]!.split(',')[0]),
                  size_mb: Number(c.to.split(', ')[1]!.split(' ')[0]),
                  source: 'bytes',
                }),
              ).toEqual([]);
        }
        // Savings come largest first.
        for (let i = 1; i < p.savings.length; i++)
          expect(p.savings[i]!.monthlySavingUsd).toBeLessThanOrEqual(p.savings[i - 1]!.monthlySavingUsd);
      }),
      { numRuns: 12, seed: 20 },
    );
  });
});

describe('docs/savings.md: the worked examples are real output', () => {
  it("each kind's figure appears as plan prints it", async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync('docs/savings.md', 'utf8');
    const kinds: Array<[string, 'stop-schedule' | 'throttle-tradeoff' | 'image-size', 'derivation' | 'title']> = [
      ['examples/workloads/office-hours.yaml', 'stop-schedule', 'derivation'],
      ['examples/workloads/storefront-trace.yaml', 'throttle-tradeoff', 'title'],
      ['examples/workloads/parcel-labels.yaml', 'image-size', 'title'],
    ];
    for (const [file, kind, field] of kinds) expect(doc).toContain(planOf(file).savings.find((s) => s.kind === kind)![field]);
  });
});
