import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/contracts/plan.js';
import { roundUsd } from '../../src/core/money.js';
import { exactProduct, roundTps } from '../../src/core/numbers.js';
import { planWorkload } from '../../src/plan/recommend.js';
import { ceilTolerant } from '../../src/sizing/units.js';
import { resolveWorkload } from '../../src/workload/resolve.js';
import { WorkloadSchema, type WorkloadInput } from '../../src/workload/schema.js';

/**
 * Every printed step, worked again from the printed numbers alone, gives the printed result: a
 * reader who redoes a derivation by hand must land on the same figure. The workloads are random,
 * with TPS figures chosen near rounding edges (4.999, 12.4995) where a rounded display once
 * contradicted its own result.
 */

const n = (text: string) => Number(text.replace(/[,$]/g, ''));
const NUM = '([0-9][0-9,]*(?:\\.[0-9]+)?)';

function match(text: string, pattern: string): string[] {
  const m = new RegExp(`^${pattern}$`).exec(text);
  expect(m, `'${text}' does not read as ${pattern}`).not.toBeNull();
  return m!.slice(1);
}

/** Redoes each step of a plan's derivation from its printed text. */
function checkDerivation(p: Plan): void {
  const d = p.derivation;
  const [cal, terms, tps] = match(d.tpsPerUnit, `${NUM} / \\((.+)\\) = ${NUM} TPS`);
  const seconds = terms!.split(' + ').reduce((s, t) => {
    const [share, classTps] = t.split('/');
    return s + Number(share) / n(classTps!);
  }, 0);
  expect(roundTps(n(cal!) / seconds)).toBe(n(tps!));

  const [a, util, cap] = match(d.capacityPerUnitTps, `${NUM} × ${NUM} = ${NUM} TPS`);
  expect(exactProduct(n(a!), n(util!))).toBe(n(cap!));

  const [floor, base, cap2, minX, addedMin, fixed, min] = match(
    d.minInferenceUnits,
    `max\\(floor (\\d+), ceil\\(${NUM} / ${NUM}\\) = (\\d+)\\)(?: \\+ (\\d+) for a zone outage)?(, fixed fleet: = Max)? = (\\d+)`,
  );
  expect(ceilTolerant(n(base!) / n(cap2!))).toBe(n(minX!));
  const [minBefore, peak, cap3, maxX, addedMax, max] = match(
    d.maxInferenceUnits,
    `max\\((\\d+), ceil\\(${NUM} / ${NUM}\\) = (\\d+)\\)(?: \\+ (\\d+) for a zone outage)? = (\\d+)`,
  );
  expect(ceilTolerant(n(peak!) / n(cap3!))).toBe(n(maxX!));
  // Max starts from Min before any zone-outage units, as printed.
  expect(n(minBefore!)).toBe(Math.max(n(floor!), n(minX!)));
  const ruleMin = Math.max(n(floor!), n(minX!)) + n(addedMin ?? '0');
  expect(n(max!)).toBe(Math.max(n(minBefore!), n(maxX!)) + n(addedMax ?? '0'));
  expect(n(min!)).toBe(fixed ? n(max!) : ruleMin);

  const [hpd, dpw, hpm] = match(d.hoursPerMonth, `${NUM} h × ${NUM} d × 730 / 168 = ${NUM} h`);
  expect(Math.round(((n(hpd!) * n(dpw!) * 730) / 168) * 100) / 100).toBe(n(hpm!));
  const hoursOf = (text: string) =>
    text.startsWith('(')
      ? (() => {
          const [h, dd] = match(text, `\\(${NUM} × ${NUM} × 730 / 168\\)`);
          return (n(h!) * n(dd!) * 730) / 168;
        })()
      : n(text);
  for (const basis of ['max', 'min'] as const) {
    const [units, hours, price, usd] = match(d.monthlyCost[basis], `(\\d+) × (.+) h × \\$${NUM} = \\$${NUM}`);
    expect(roundUsd(n(units!) * hoursOf(hours!) * n(price!))).toBe(n(usd!));
    expect(n(usd!)).toBe(p.costByBasis[basis]);
  }
  if (d.monthlyCost.expected !== undefined) {
    const [mx, ph, mn, rest, days, hours, price, usd] = match(
      d.monthlyCost.expected,
      `\\((\\d+) × ${NUM} h \\+ (\\d+) × ${NUM} h\\) × ${NUM} d × 730 / 168(?: = ${NUM} h)? × \\$${NUM} = \\$${NUM}`,
    );
    const h = ((n(mx!) * n(ph!) + n(mn!) * n(rest!)) * n(days!) * 730) / 168;
    if (hours !== undefined) expect(Math.round(h * 100) / 100).toBe(n(hours));
    expect(roundUsd(h * n(price!))).toBe(n(usd!));
  }

  const [mz, mz2, zones, left, t, leftTps, sign, peakZ] = match(
    d.zoneOutage,
    `\\((\\d+) − ceil\\((\\d+) / (\\d+)\\) = (\\d+)\\) × ${NUM} = ${NUM} TPS (≥|<) peak ${NUM}`,
  );
  expect(mz).toBe(mz2);
  expect(n(mz!) - Math.ceil(n(mz!) / n(zones!))).toBe(n(left!));
  expect(exactProduct(n(left!), n(t!))).toBe(n(leftTps!));
  expect(n(left!) >= ceilTolerant(n(peakZ!) / n(t!))).toBe(sign === '≥');

  if (d.costPer1000Images !== undefined) {
    const [units, price, baseTps, usd] = match(d.costPer1000Images, `(\\d+) × \\$${NUM} / \\(${NUM} × 3600\\) × 1000 = \\$${NUM}`);
    expect((((n(units!) * n(price!)) / (n(baseTps!) * 3600)) * 1000).toFixed(4)).toBe(usd);
  }
}

// TPS figures near rounding edges, and plain ones.
const tpsArb = fc.oneof(fc.constantFrom(4.999, 12.4995, 9.9999, 0.8125, 3.3333, 7.0005), fc.double({ min: 0.5, max: 300, noNaN: true }));

const workloadArb: fc.Arbitrary<WorkloadInput> = fc
  .record({
    tps: tpsArb,
    calibration: fc.oneof(fc.constant(1), fc.double({ min: 0.2, max: 3, noNaN: true })),
    shares: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
    peak: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.double({ min: 0.5, max: 500, noNaN: true })),
    baselineFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    hoursPerDay: fc.integer({ min: 1, max: 24 }),
    daysPerWeek: fc.integer({ min: 1, max: 7 }),
    peakHours: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    zones: fc.integer({ min: 1, max: 4 }),
    survive: fc.boolean(),
    utilization: fc.constantFrom(0.5, 0.75, 0.8, 0.85, 1),
    autoscale: fc.boolean(),
    production: fc.boolean(),
  })
  .map((r) => {
    const total = r.shares.reduce((s, x) => s + x, 0);
    return {
      version: 1 as const,
      name: 'derivation',
      price_per_unit_hour: 4,
      model: { task: 'detection' as const, tps_per_unit: r.tps, calibration: r.calibration },
      images: r.shares.map((x) => ({ share: x / total, width: 1280, height: 720, size_mb: 0.5 })),
      traffic: {
        peak_tps: r.peak,
        baseline_tps: r.peak * r.baselineFraction,
        ...(r.peakHours !== null ? { peak_hours_per_day: r.hoursPerDay * r.peakHours } : {}),
      },
      schedule: { hours_per_day: r.hoursPerDay, days_per_week: r.daysPerWeek },
      availability: { production: r.production, zones: r.zones, survive_zone_outage: r.survive },
      scaling: { target_utilization: r.utilization, autoscale: r.autoscale },
    };
  });

function planOf(input: WorkloadInput): Plan {
  const w = WorkloadSchema.parse(input);
  return planWorkload(
    resolveWorkload(w, {
      tpsSource: { kind: 'constant', tpsPerUnit: w.model.tps_per_unit! },
      price: { pricePerUnitHourUsd: 4, priceSource: 'test' },
    }),
  );
}

describe('derivations reproduce their results from the printed numbers', () => {
  it('tps_per_unit 4.999 at 0.8: 4.999 × 0.8 = 3.9992, ceil(20 / 3.9992) = 6, ceil(300 / 3.9992) = 76', () => {
    const p = planOf({
      version: 1,
      name: 'edge',
      model: { task: 'detection', tps_per_unit: 4.999 },
      images: [{ share: 1, width: 640, height: 480, size_mb: 0.2 }],
      traffic: { peak_tps: 300, baseline_tps: 20 },
    });
    expect(p.derivation.capacityPerUnitTps).toBe('4.999 × 0.8 = 3.9992 TPS');
    expect(p.derivation.minInferenceUnits).toBe('max(floor 2, ceil(20 / 3.9992) = 6) = 6');
    expect(p.derivation.maxInferenceUnits).toBe('max(6, ceil(300 / 3.9992) = 76) = 76');
    checkDerivation(p);
  });

  it('property: every step of random workloads recomputes to its printed result', () => {
    fc.assert(
      fc.property(workloadArb, (input) => checkDerivation(planOf(input))),
      { numRuns: Number(process.env.FC_RUNS ?? 400) },
    );
  });
});
