import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelInputSizeOf } from '../../src/contracts/model-input.js';
import { readBenchResult } from '../../src/contracts/read-result.js';
import { planWorkload } from '../../src/plan/recommend.js';
import { totalPlans } from '../../src/plan/totals.js';
import type { TpsSource } from '../../src/workload/tps.js';
import { WorkloadSchema, type WorkloadInput } from '../../src/workload/schema.js';
import { resolveWorkload } from '../../src/workload/resolve.js';
import { ROOT } from '../helpers/cli.js';

// Every expected figure below is worked out by hand in the comment next to it; the planner
// must agree to the cent / to the unit.

const PRICE = { pricePerUnitHourUsd: 4, priceSource: 'test' };

function base(over: Partial<WorkloadInput> = {}): WorkloadInput {
  return {
    version: 1,
    name: 't',
    model: { task: 'detection', tps_per_unit: 10 },
    images: [{ share: 1, width: 1920, height: 1080, size_mb: 1 }],
    traffic: { peak_tps: 30, baseline_tps: 5 },
    ...over,
  };
}

function plan(over: Partial<WorkloadInput> = {}, tpsSource?: TpsSource) {
  const workload = WorkloadSchema.parse(base(over));
  const source: TpsSource = tpsSource ?? { kind: 'constant', tpsPerUnit: workload.model.tps_per_unit! };
  return planWorkload(resolveWorkload(workload, { tpsSource: source, price: PRICE }));
}

const codes = (p: { warnings: Array<{ code: string }> }) => p.warnings.map((w) => w.code);

describe('planWorkload without traffic over time: the peak/baseline rule is the answer', () => {
  it('applies the AZ floor in production', () => {
    // cap = 10 × 0.8 = 8 TPS. Min = max(2, ceil(5/8) = 1) = 2 (floor). Max = max(2, ceil(12/8) = 2) = 2.
    const p = plan({ traffic: { peak_tps: 12, baseline_tps: 5 } });
    expect(p.capacityPerUnitTps).toBe(8);
    expect(p.minInferenceUnits).toBe(2);
    expect(p.maxInferenceUnits).toBe(2);
    expect(p.staticRule.azFloor).toBe(2);
    expect(p.staticRule.azFloorApplied).toBe(true);
    expect(p.pairSource).toBe('static-rule');
    // Not required to survive an outage, but reported: 2 units over 3 zones, worst zone holds
    // ceil(2/3) = 1, left (2-1) × 10 = 10 TPS < 12 peak → throttles, with a warning.
    expect(p.zoneOutage).toMatchObject({ zones: 3, required: false, unitsLostWorstCase: 1, capacityLeftAtMaxTps: 10, servesPeak: false });
    expect(codes(p)).toContain('zone-outage-throttles');
  });

  it('does not claim the floor was applied when traffic alone needs more units', () => {
    // Min = max(2, ceil(20/8) = 3) = 3: the floor changed nothing.
    const p = plan({ traffic: { peak_tps: 30, baseline_tps: 20 } });
    expect(p.minInferenceUnits).toBe(3);
    expect(p.staticRule.azFloorApplied).toBe(false);
  });

  it('production: false has a floor of 1 and warns about no zone redundancy', () => {
    // Min = max(1, ceil(5/8) = 1) = 1. Max = max(1, ceil(12/8) = 2) = 2.
    const p = plan({ traffic: { peak_tps: 12, baseline_tps: 5 }, availability: { production: false } });
    expect(p.staticRule.azFloor).toBe(1);
    expect(p.minInferenceUnits).toBe(1);
    expect(p.maxInferenceUnits).toBe(2);
    expect(p.staticRule.azFloorApplied).toBe(false);
    expect(codes(p)).toContain('no-zone-redundancy');
  });

  it('zone-outage sizing raises both Min and Max', () => {
    // cap = 8. Min from traffic: ceil(25/8 = 3.125) = 4; losing the worst zone of 4 over 3 zones
    // (ceil(4/3) = 2 units) leaves 2 × 10 = 20 < 25, so 5: 5 - 2 = 3 units × 10 = 30 >= 25. Min = 5 (+1).
    // Max from traffic: ceil(40/8) = 5; 5 leaves 30 < 40; 6 - ceil(6/3) = 4 units × 10 = 40 >= 40. Max = 6 (+1).
    const p = plan({ traffic: { peak_tps: 40, baseline_tps: 25 }, availability: { survive_zone_outage: true } });
    expect(p.minInferenceUnits).toBe(5);
    expect(p.maxInferenceUnits).toBe(6);
    expect(p.zoneOutage).toMatchObject({
      required: true,
      check: 'static',
      holds: true,
      unitsLostWorstCase: 2,
      capacityLeftAtMaxTps: 40,
      servesPeak: true,
    });
    expect(p.staticRule.unitsAddedForOutage).toEqual({ min: 1, max: 1 });
    expect(p.derivation.maxInferenceUnits).toBe('max(4, ceil(40 / 8) = 5) + 1 for a zone outage = 6');
    expect(p.headline).toContain('survives losing a zone at peak');
    expect(codes(p)).not.toContain('zone-outage-throttles');
  });

  it('zone-outage sizing over 2 zones needs twice the traffic units', () => {
    // 2 zones: the worst zone holds ceil(N/2). Peak 30 at full 10 TPS/unit needs 3 units left,
    // so N - ceil(N/2) >= 3 → N = 6 (6 - 3 = 3). Baseline 5 needs 1 left → N = 2 (2 - 1 = 1), = floor.
    const p = plan({ availability: { zones: 2, survive_zone_outage: true } });
    expect(p.minInferenceUnits).toBe(2);
    expect(p.maxInferenceUnits).toBe(6);
    expect(p.zoneOutage.capacityLeftAtMaxTps).toBe(30);
  });

  it('a fixed fleet (autoscale: false) runs Max all the time', () => {
    // Min would be 2 (floor), Max = ceil(30/8 = 3.75) = 4; fixed fleet: Min = Max = 4.
    // Expected hours with a 4 h peak = Max all day: (4 × 4 + 4 × 20) × 7 × 730/168 = 2920 h = 4 × 730.
    const p = plan({ traffic: { peak_tps: 30, baseline_tps: 5, peak_hours_per_day: 4 }, scaling: { autoscale: false } });
    expect(p.minInferenceUnits).toBe(4);
    expect(p.maxInferenceUnits).toBe(4);
    expect(p.staticRule.azFloorApplied).toBe(false);
    expect(p.costByBasis).toEqual({ min: 11680, max: 11680, expected: 11680 });
    expect([p.costBasis, p.monthlyCostUsd]).toEqual(['expected', 11680]);
    expect(p.derivation.minInferenceUnits).toContain('fixed fleet');
  });

  it('a fixed fleet held up by the floor reports the floor as applied', () => {
    // Max from traffic = ceil(6/8) = 1, raised to Min = 2 by the floor; fixed: both 2.
    const p = plan({ traffic: { peak_tps: 6, baseline_tps: 1 }, scaling: { autoscale: false } });
    expect([p.minInferenceUnits, p.maxInferenceUnits, p.staticRule.azFloorApplied]).toEqual([2, 2, true]);
  });

  it('forgives floating-point noise in ceil', () => {
    // cap = 1 × 0.3 = 0.3 TPS; 2.1 / 0.3 is 7 exactly, but in binary floating point 7.000000000000001,
    // which a plain Math.ceil would make 8.
    expect(Math.ceil(2.1 / (1 * 0.3))).toBe(8);
    const p = plan({ model: { task: 'detection', tps_per_unit: 1 }, traffic: { peak_tps: 2.1 }, scaling: { target_utilization: 0.3 } });
    expect(p.maxInferenceUnits).toBe(7);
    expect(p.minInferenceUnits).toBe(7); // baseline defaults to peak
  });

  it('baseline defaults to peak', () => {
    // Min = max(2, ceil(30/8)) = 4 = Max.
    const p = plan({ traffic: { peak_tps: 30 } });
    expect(p.baselineTps).toBe(30);
    expect([p.minInferenceUnits, p.maxInferenceUnits]).toEqual([4, 4]);
  });
});

describe('planWorkload: hours and money on each basis', () => {
  it('24 × 7 is the 730-hour month', () => {
    // 24 × 7 × 730/168 = 730 h. Min 2 → 1460 h → $5840; Max ceil(30/8) = 4 → 2920 h → $11680.
    const p = plan();
    expect(p.hoursPerMonth).toBe(730);
    expect(p.costByBasis).toEqual({ min: 5840, max: 11680 });
    // No traffic over time and no peak hours: the answer is quoted at Max all month.
    expect([p.costBasis, p.monthlyCostUsd]).toEqual(['max', 11680]);
    expect(p.derivation.monthlyCost.max).toBe('4 × 730 h × $4 = $11,680.00');
  });

  it('a 10 h × 5 d schedule', () => {
    // 10 × 5 × 730 / 168 = 36500 / 168 = 217.2619 h a month.
    // Min 2 → 434.5238 h → × $4 = $1738.095 → $1738.10. Max 4 → 869.0476 h → $3476.19.
    const p = plan({ schedule: { hours_per_day: 10, days_per_week: 5 } });
    expect(p.hoursPerMonth).toBe(217.26);
    expect(p.costByBasis).toEqual({ min: 1738.1, max: 3476.19 });
    expect(p.derivation.monthlyCost.min).toBe('2 × (10 × 5 × 730 / 168) h × $4 = $1,738.10');
  });

  it('expected cost from peak_hours_per_day: Max during peak hours, Min otherwise', () => {
    // Min 2, Max 4. 10 h × 5 d with 3 peak hours: (4 × 3 + 2 × 7) = 26 unit-hours a day,
    // × 5 d × 730/168 = 130 × 4.345238 = 564.881 h → × $4 = $2259.52.
    const p = plan({
      traffic: { peak_tps: 30, baseline_tps: 5, peak_hours_per_day: 3 },
      schedule: { hours_per_day: 10, days_per_week: 5 },
    });
    expect(p.costByBasis.expected).toBe(2259.52);
    expect([p.costBasis, p.monthlyCostUsd]).toEqual(['expected', 2259.52]);
    expect(p.costByBasis.min).toBeLessThan(p.costByBasis.expected!);
    expect(p.costByBasis.expected!).toBeLessThan(p.costByBasis.max);
  });

  it('no expected figure without peak_hours_per_day', () => {
    const p = plan();
    expect(p.costByBasis.expected).toBeUndefined();
  });

  it('cost per 1000 images at baseline', () => {
    // Min 2 units × $4 = $8 an hour for 5 TPS × 3600 = 18000 images an hour: $8 / 18 = $0.4444 per 1000.
    expect(plan().costPer1000ImagesUsd).toBe(0.4444);
    // No baseline traffic: no images to divide by.
    expect(plan({ traffic: { peak_tps: 30, baseline_tps: 0 } }).costPer1000ImagesUsd).toBeNull();
  });

  it('uses the given price', () => {
    // 2 × 730 h × $1.25 = $1825.
    const p = planWorkload(
      resolveWorkload(WorkloadSchema.parse(base()), {
        tpsSource: { kind: 'constant', tpsPerUnit: 10 },
        price: { pricePerUnitHourUsd: 1.25, priceSource: 'x' },
      }),
    );
    expect(p.costByBasis.min).toBe(1825);
  });

  it('totals several plans: the sum of the headlines shown, each on its own basis', () => {
    // A: 10 h × 5 d, Max 4 all month → $3476.19; B: 24 × 7 with 3 peak hours, expected
    // (4 × 3 + 2 × 21) × 7 × 730 / 168 = 1642.5 h × $4 = $6570. Total 3476.19 + 6570 = 10046.19.
    const a = plan({ schedule: { hours_per_day: 10, days_per_week: 5 } });
    const b = plan({ traffic: { peak_tps: 30, baseline_tps: 5, peak_hours_per_day: 3 } });
    expect(b.monthlyCostUsd).toBe(6570);
    const t = totalPlans([a, b]);
    expect(t.minInferenceUnits).toBe(4);
    expect(t.maxInferenceUnits).toBe(8);
    expect(t.monthlyCostUsd).toBe(10046.19);
    expect(t.bases).toEqual({ simulated: 0, expected: 1, max: 1, min: 0 });
  });
});

describe('planWorkload: TPS for an image mix', () => {
  it('every class gets tps_per_unit; calibration scales it', () => {
    // calibration 0.5: tpsPerUnit = 0.5 / (1/10) = 5; cap = 4; Max = ceil(30/4 = 7.5) = 8.
    const p = plan({ model: { task: 'detection', tps_per_unit: 10, calibration: 0.5 } });
    expect(p.tpsPerUnit).toBe(5);
    expect(p.calibration).toBe(0.5);
    expect(p.maxInferenceUnits).toBe(8);
  });

  it('several image classes with different TPS from a bench file with a cost model', async () => {
    const bench = await readBenchResult(resolve(ROOT, 'examples/workloads/example-bench.json'));
    const model = bench.models.find((m) => m.name === 'ocr-det')!;
    // Example cost model: ms = 60 + 20 × MP + 10 × MB + 2 × objects.
    // Class 0: 1000×1000 = 1 MP, 1 MB, 5 obj → 60 + 20 + 10 + 10 = 100 ms → 10 TPS.
    // Class 1: 2000×2000 = 4 MP, 2 MB, 20 obj → 60 + 80 + 20 + 40 = 200 ms → 5 TPS.
    // Mix 0.75 / 0.25: 0.75/10 + 0.25/5 = 0.125 s a request → 8 TPS; × calibration 0.5 = 4 TPS.
    // cap = 4 × 0.8 = 3.2 (in floats 3.2000000000000002). Max = ceil(16 / 3.2) = 5, Min = max(2, ceil(4/3.2 = 1.25)) = 2.
    // Outage at Max: 5 - ceil(5/3) = 3 units × 4 = 12 TPS < 16.
    const p = plan(
      {
        model: { task: 'detection', bench: 'example.json', bench_model: 'ocr-det', calibration: 0.5 },
        images: [
          { share: 0.75, width: 1000, height: 1000, size_mb: 1, objects: 5 },
          { share: 0.25, width: 2000, height: 2000, size_mb: 2, objects: 20 },
        ],
        traffic: { peak_tps: 16, baseline_tps: 4 },
      },
      { kind: 'bench', file: 'example.json', model, inputSizeOf: (w, h) => modelInputSizeOf(model, w, h) },
    );
    expect(p.classes.map((c) => [c.msPerImage, c.tps])).toEqual([
      [100, 10],
      [200, 5],
    ]);
    expect(p.tpsPerUnit).toBe(4);
    expect([p.minInferenceUnits, p.maxInferenceUnits]).toEqual([2, 5]);
    expect(p.zoneOutage).toMatchObject({ capacityLeftAtMaxTps: 12, servesPeak: false });
    expect(p.derivation.tpsPerUnit).toBe('0.5 / (0.75/10 + 0.25/5) = 4 TPS');
    expect(p.tpsSource).toBe('bench file example.json, model ocr-det');
    expect(codes(p)).not.toContain('uncalibrated');
    expect(codes(p)).not.toContain('outside-measured-range');
  });

  it('warns when a bench plan is uncalibrated or extrapolates the cost model', async () => {
    const bench = await readBenchResult(resolve(ROOT, 'examples/workloads/example-bench.json'));
    const model = bench.models.find((m) => m.name === 'ocr-det')!;
    // 4096 × 4096 = 16.8 MP is beyond the measured 8.29 MP.
    const p = plan(
      { model: { task: 'detection', bench: 'example.json' }, images: [{ share: 1, width: 4096, height: 4096, size_mb: 3, objects: 5 }] },
      { kind: 'bench', file: 'example.json', model, inputSizeOf: (w, h) => modelInputSizeOf(model, w, h) },
    );
    expect(codes(p)).toEqual(expect.arrayContaining(['uncalibrated', 'outside-measured-range']));
  });

  it('warns about Lookout for Vision end of support', () => {
    expect(codes(plan({ service: 'lookout-for-vision' }))).toContain('end-of-support');
  });
});
