import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/contracts/plan.js';
import { planWorkload } from '../../src/plan/recommend.js';
import { checkImageLimits } from '../../src/workload/limits.js';
import { WorkloadSchema, type WorkloadInput } from '../../src/workload/schema.js';
import { resolveWorkload } from '../../src/workload/resolve.js';
import { decideTraffic, type WorkloadWithTraffic } from '../../src/workload/traffic.js';

// Random VALID workloads: every generated object passes the schema and the service limits
// (checked below), so the planner must handle all of them.

const side = fc.integer({ min: 64, max: 4096 });
const imageClass = fc
  .record({
    width: side,
    height: side,
    size_mb: fc.double({ min: 0.01, max: 3.99, noNaN: true }),
    objects: fc.integer({ min: 0, max: 50 }),
    weight: fc.integer({ min: 1, max: 100 }),
  })
  .filter((c) => Math.max(c.width, c.height) / Math.min(c.width, c.height) <= 20);

const workloadInput: fc.Arbitrary<WorkloadInput> = fc
  .record({
    classes: fc.array(imageClass, { minLength: 1, maxLength: 4 }),
    tps: fc.double({ min: 0.5, max: 200, noNaN: true }),
    calibration: fc.double({ min: 0.1, max: 3, noNaN: true }),
    peak: fc.double({ min: 0.01, max: 2000, noNaN: true }),
    baselineFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    hoursPerDay: fc.integer({ min: 1, max: 24 }),
    daysPerWeek: fc.integer({ min: 1, max: 7 }),
    peakHoursFraction: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    production: fc.boolean(),
    zones: fc.integer({ min: 1, max: 6 }),
    survive: fc.boolean(),
    utilization: fc.double({ min: 0.05, max: 1, noNaN: true }),
    autoscale: fc.boolean(),
  })
  .map((r) => {
    const total = r.classes.reduce((s, c) => s + c.weight, 0);
    return {
      version: 1 as const,
      name: 'prop',
      model: { task: 'detection' as const, tps_per_unit: r.tps, calibration: r.calibration },
      images: r.classes.map((c) => ({ share: c.weight / total, width: c.width, height: c.height, size_mb: c.size_mb, objects: c.objects })),
      traffic: {
        peak_tps: r.peak,
        baseline_tps: r.peak * r.baselineFraction,
        ...(r.peakHoursFraction !== null ? { peak_hours_per_day: r.hoursPerDay * r.peakHoursFraction } : {}),
      },
      schedule: { hours_per_day: r.hoursPerDay, days_per_week: r.daysPerWeek },
      availability: { production: r.production, zones: r.zones, survive_zone_outage: r.survive },
      scaling: { target_utilization: r.utilization, autoscale: r.autoscale },
    };
  });

function parse(input: WorkloadInput): WorkloadWithTraffic {
  const w = decideTraffic(WorkloadSchema.parse(input));
  for (const img of w.images)
    expect(checkImageLimits(w.service, { width: img.width!, height: img.height!, size_mb: img.size_mb!, source: img.source })).toEqual([]);
  return w;
}

function run(w: WorkloadWithTraffic, priceUsd = 4): Plan {
  return planWorkload(
    resolveWorkload(w, {
      tpsSource: { kind: 'constant', tpsPerUnit: w.model.tps_per_unit! },
      price: { pricePerUnitHourUsd: priceUsd, priceSource: 'test' },
    }),
  );
}

const withTraffic = (w: WorkloadWithTraffic, factor: number): WorkloadWithTraffic => ({
  ...w,
  traffic: { ...w.traffic, peak_tps: w.traffic.peak_tps * factor, baseline_tps: w.traffic.baseline_tps * factor },
});

// FC_RUNS=5000 for a deeper search; 300 keeps the default suite quick.
const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 300) };

describe('planner properties over random valid workloads', () => {
  it('never throws, and every figure is finite', () => {
    fc.assert(
      fc.property(workloadInput, (input) => {
        const p = run(parse(input));
        for (const x of [
          p.tpsPerUnit,
          p.minInferenceUnits,
          p.maxInferenceUnits,
          p.hoursPerMonth,
          p.costByBasis.min,
          p.costByBasis.max,
          p.monthlyCostUsd,
          p.zoneOutage.capacityLeftAtMaxTps,
        ]) {
          expect(Number.isFinite(x)).toBe(true);
        }
        expect(Number.isInteger(p.minInferenceUnits) && Number.isInteger(p.maxInferenceUnits)).toBe(true);
      }),
      RUNS,
    );
  });

  it('Min >= floor and Max >= Min; a fixed fleet has Min = Max', () => {
    fc.assert(
      fc.property(workloadInput, (input) => {
        const w = parse(input);
        const p = run(w);
        expect(p.minInferenceUnits).toBeGreaterThanOrEqual(w.availability.production ? 2 : 1);
        expect(p.maxInferenceUnits).toBeGreaterThanOrEqual(p.minInferenceUnits);
        if (!w.scaling.autoscale) expect(p.minInferenceUnits).toBe(p.maxInferenceUnits);
        if (p.staticRule.azFloorApplied) expect(p.minInferenceUnits).toBe(p.staticRule.azFloor);
      }),
      RUNS,
    );
  });

  it('Min and Max cover baseline and peak at the target utilization', () => {
    fc.assert(
      fc.property(workloadInput, (input) => {
        const w = parse(input);
        const p = run(w);
        // The cap the plan works on and prints (TPS per unit to 3 decimals); 1e-9 is the planner's float tolerance.
        const cap = p.capacityPerUnitTps;
        expect(p.minInferenceUnits * cap * (1 + 1e-9)).toBeGreaterThanOrEqual(p.baselineTps);
        expect(p.maxInferenceUnits * cap * (1 + 1e-9)).toBeGreaterThanOrEqual(p.peakTps);
      }),
      RUNS,
    );
  });

  it('more traffic never gives fewer units', () => {
    fc.assert(
      fc.property(workloadInput, fc.double({ min: 1, max: 10, noNaN: true }), (input, factor) => {
        const w = parse(input);
        const a = run(w);
        const b = run(withTraffic(w, factor));
        expect(b.minInferenceUnits).toBeGreaterThanOrEqual(a.minInferenceUnits);
        expect(b.maxInferenceUnits).toBeGreaterThanOrEqual(a.maxInferenceUnits);
      }),
      RUNS,
    );
  });

  it('a higher peak alone never gives fewer units', () => {
    fc.assert(
      fc.property(workloadInput, fc.double({ min: 1, max: 10, noNaN: true }), (input, factor) => {
        const w = parse(input);
        const higher = { ...w, traffic: { ...w.traffic, peak_tps: w.traffic.peak_tps * factor } };
        const a = run(w);
        const b = run(higher);
        expect(b.minInferenceUnits).toBeGreaterThanOrEqual(a.minInferenceUnits);
        expect(b.maxInferenceUnits).toBeGreaterThanOrEqual(a.maxInferenceUnits);
      }),
      RUNS,
    );
  });

  it('a higher price never gives a lower cost', () => {
    fc.assert(
      fc.property(
        workloadInput,
        fc.double({ min: 0.01, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (input, price, extra) => {
          const w = parse(input);
          const a = run(w, price);
          const b = run(w, price + extra);
          expect(b.costByBasis.min).toBeGreaterThanOrEqual(a.costByBasis.min);
          expect(b.costByBasis.max).toBeGreaterThanOrEqual(a.costByBasis.max);
          expect(b.monthlyCostUsd).toBeGreaterThanOrEqual(a.monthlyCostUsd);
          if (a.costByBasis.expected !== undefined) expect(b.costByBasis.expected!).toBeGreaterThanOrEqual(a.costByBasis.expected);
          if (a.costPer1000ImagesUsd !== null) expect(b.costPer1000ImagesUsd!).toBeGreaterThanOrEqual(a.costPer1000ImagesUsd);
        },
      ),
      RUNS,
    );
  });

  it('expected cost lies between the Min and Max costs', () => {
    fc.assert(
      fc.property(workloadInput, (input) => {
        const p = run(parse(input));
        if (p.costByBasis.expected === undefined) return;
        expect(p.costByBasis.expected).toBeGreaterThanOrEqual(p.costByBasis.min - 0.01);
        expect(p.costByBasis.expected).toBeLessThanOrEqual(p.costByBasis.max + 0.01);
      }),
      RUNS,
    );
  });

  it('survive_zone_outage over 2+ zones: what is left after losing the worst zone serves peak (at Max) and baseline (at Min)', () => {
    fc.assert(
      fc.property(workloadInput, (input) => {
        const w = parse({
          ...input,
          availability: { ...input.availability, survive_zone_outage: true, zones: Math.max(2, input.availability?.zones ?? 3) },
        });
        const p = run(w);
        expect(p.zoneOutage.servesPeak).toBe(true);
        // capacityLeftAtMaxTps is rounded to 3 decimals.
        expect(p.zoneOutage.capacityLeftAtMaxTps + 5e-4).toBeGreaterThanOrEqual(p.peakTps);
        const z = w.availability.zones;
        const tpsPerUnit = p.tpsPerUnit;
        const minLeft = (p.minInferenceUnits - Math.ceil(p.minInferenceUnits / z)) * tpsPerUnit;
        // The zone check forgives what ceil forgives: demand within 1e-9 of a unit's TPS (docs/planner.md).
        expect(minLeft * (1 + 1e-9) + 1e-9 * tpsPerUnit).toBeGreaterThanOrEqual(p.baselineTps);
      }),
      RUNS,
    );
  });
});
