import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitCostModel } from '../../src/bench/cost-model.js';
import { BUILTIN_SPECS } from '../../src/bench/models/builtins.js';
import { modelInputSize } from '../../src/bench/models/index.js';
import { ModelInputSchema } from '../../src/bench/models/spec.js';
import { stageModelFor } from '../../src/bench/run.js';
import { modelInputSizeOf } from '../../src/contracts/model-input.js';
import { readBenchResult } from '../../src/contracts/read-result.js';
import type { BenchCondition, BenchModel } from '../../src/contracts/bench.js';
import type { LoadtestResult } from '../../src/contracts/loadtest.js';
import { planWorkload as computePlan } from '../../src/plan/recommend.js';
import { resolveWorkload } from '../../src/workload/resolve.js';
import { WorkloadSchema, type WorkloadInput } from '../../src/workload/schema.js';
import { ROOT } from '../helpers/cli.js';
import { loadtestResult } from '../helpers/loadtest-result.js';

const PRICE = { pricePerUnitHourUsd: 4, priceSource: 'test' };
const ANCHOR = { width: 1000, height: 1000, size_mb: 1, objects: 5 };

function workload(over: Partial<WorkloadInput['model']> = {}, images?: WorkloadInput['images']): WorkloadInput {
  return {
    version: 1,
    name: 't',
    model: { task: 'detection', bench: 'b.json', calibration: { tps: 5.2, image: ANCHOR }, ...over },
    images: images ?? [
      { share: 0.5, width: 1000, height: 1000, size_mb: 1, objects: 5 },
      { share: 0.5, width: 2000, height: 2000, size_mb: 2, objects: 20 },
    ],
    traffic: { peak_tps: 16, baseline_tps: 4 },
  };
}

/** The TPS source a workload naming model.bench: b.json gets (what bench-binding.ts makes of the file). */
const benchSource = (model: BenchModel) => ({
  kind: 'bench' as const,
  file: 'b.json',
  model,
  inputSizeOf: (w: number, h: number) => modelInputSizeOf(model, w, h),
});

function resolved(model: BenchModel, input: WorkloadInput) {
  return resolveWorkload(WorkloadSchema.parse(input), { tpsSource: benchSource(model), price: PRICE });
}

/** A detector whose time follows a known formula, measured on a grid, every time × `speed`; both cost models fitted. */
function measuredModel(speed: number): BenchModel {
  const input = ModelInputSchema.parse(BUILTIN_SPECS['ocr-det'].input);
  const conditions: BenchCondition[] = [];
  for (const [w, h] of [
    [640, 480],
    [1280, 720],
    [1920, 1080],
    [3840, 2160],
  ] as const)
    for (const mb of [0.1, 0.5, 2])
      for (const obj of [0, 5, 20]) {
        const mp = (w * h) / 1e6;
        // Not exactly linear (a small curvature in mp), so the fit has residuals: they must scale too.
        const ms = (40 + 18 * mp + 0.4 * mp * mp + 9 * mb + 1.5 * obj) * speed;
        const size = modelInputSize(input, w, h);
        const inMp = (size.width * size.height) / 1e6;
        const stagesMs = {
          decode: (2 + 3 * mp + 8 * mb) * speed,
          preprocess: (1 + 2 * mp + 5 * inMp) * speed,
          infer: (10 + 200 * inMp + 3 * inMp * inMp) * speed,
          postprocess: (0.5 + 0.3 * obj) * speed,
        };
        conditions.push({
          inputWidth: size.width,
          inputHeight: size.height,
          id: `${w}x${h}-${mb}-${obj}`,
          width: w,
          height: h,
          format: 'jpeg',
          sizeMb: mb,
          objects: obj,
          detected: obj,
          samples: 10,
          tps: 1000 / ms,
          latencyMs: { mean: ms, p50: ms, p90: ms, p99: ms },
          stagesMs,
          rsePct: 1,
          stable: true,
          warnings: [],
        });
      }
  const costModel = fitCostModel(
    conditions.map((c) => ({ megapixels: (c.width * c.height) / 1e6, sizeMb: c.sizeMb, objects: c.objects, ms: 1000 / c.tps })),
  );
  const stageModel = stageModelFor(conditions);
  return {
    name: 'det',
    task: 'detection',
    source: 'test',
    sha256: 'x',
    sizeBytes: 1,
    parameterCount: 1,
    input: { ...input, output: 'db' },
    sessionCreateMs: 0,
    firstRunMs: 0,
    costModel,
    stageModel,
    conditions,
    warnings: [],
  };
}

describe('calibration anchored to a measured image', () => {
  it('is the real TPS over the local TPS predicted for that image (worked by hand)', async () => {
    const bench = await readBenchResult(resolve(ROOT, 'examples/workloads/example-bench.json'));
    const model = bench.models.find((m) => m.name === 'ocr-det')!;
    // Example cost model: ms = 60 + 20 × MP + 10 × MB + 2 × objects.
    // Anchor 1000×1000, 1 MB, 5 obj → 60 + 20 + 10 + 10 = 100 ms → 10 local TPS; factor 5.2 / 10 = 0.52.
    // Classes: 10 TPS and (2000×2000, 2 MB, 20 obj → 200 ms) 5 TPS; 0.52 / (0.5/10 + 0.5/5) = 3.4667 TPS.
    const r = resolved(model, workload());
    expect(r.calibration.factor).toBeCloseTo(0.52, 12);
    expect(r.calibration.anchored).toBe(true);
    // To 3 decimals, as the plan prints and works on it.
    expect(r.tpsPerUnit).toBe(3.467);
    const p = computePlan(r);
    expect(p.calibration).toBe(0.52);
    expect(p.derivation.calibration).toBe(
      'calibration = 5.2 real TPS / 10.00 local TPS predicted for 1000x1000, 1 MB, 5 obj (ms = 60.00 + 20.00×1.000 MP + 10.00×1 MB + 2.000×5 obj = 100.00 ms → 10.00 TPS) = 0.5200',
    );
    expect(p.warnings.map((w) => w.code)).not.toContain('uncalibrated');
  });

  it("cancels a uniform change of the machine's speed: every measured time × 1.1 gives identical calibrated TPS", () => {
    const a = resolved(
      measuredModel(1),
      workload({ calibration: { tps: 5.2, image: { width: 1600, height: 1200, size_mb: 0.4, objects: 3 } } }),
    );
    const b = resolved(
      measuredModel(1.1),
      workload({ calibration: { tps: 5.2, image: { width: 1600, height: 1200, size_mb: 0.4, objects: 3 } } }),
    );
    // The per-stage model prices both (its derivation names the model input), and the whole-pipeline one would too.
    expect(a.calibration.derivation).toContain('model input 960x704');
    expect(a.classes[1]!.derivation).toContain('model input 960x960');
    // Uncalibrated, the slower machine's classes are 1.1 × slower (TPS to 3 decimals)...
    a.classes.forEach((c, i) => expect(c.tps / b.classes[i]!.tps).toBeCloseTo(1.1, 3));
    // ...calibrated, not at all (to the 4-decimal factor and 3-decimal TPS the plan works on).
    a.classes.forEach((c, i) => expect(c.tps * a.calibration.factor).toBeCloseTo(b.classes[i]!.tps * b.calibration.factor, 2));
    expect(a.tpsPerUnit).toBeCloseTo(b.tpsPerUnit, 2);
    const [pa, pb] = [computePlan(a), computePlan(b)];
    expect([pa.minInferenceUnits, pa.maxInferenceUnits]).toEqual([pb.minInferenceUnits, pb.maxInferenceUnits]);
    // A plain number does not cancel it.
    const c = resolved(measuredModel(1), workload({ calibration: 0.6 }));
    const d = resolved(measuredModel(1.1), workload({ calibration: 0.6 }));
    expect(c.tpsPerUnit / d.tpsPerUnit).toBeCloseTo(1.1, 3);
  });

  it('warns when the calibration image lies outside the measured range', () => {
    const r = resolved(
      measuredModel(1),
      workload({ calibration: { tps: 5, image: { width: 4096, height: 4096, size_mb: 1, objects: 5 } } }),
    );
    expect(r.warnings.map((w) => w.code)).toContain('calibration-outside-measured-range');
    expect(r.warnings.find((w) => w.code === 'calibration-outside-measured-range')!.message).toContain(
      'megapixels 16.777 MP outside measured 0.307-8.294 MP',
    );
  });
});

describe('calibration anchored to the image mix ({tps} without image)', () => {
  it("makes the plan's TPS per unit the measured mix TPS, with the bench file apportioning time between classes", async () => {
    const bench = await readBenchResult(resolve(ROOT, 'examples/workloads/example-bench.json'));
    const model = bench.models.find((m) => m.name === 'ocr-det')!;
    // Classes at 10 and 5 local TPS, half each: the local mix is 1 / (0.5/10 + 0.5/5) = 6.6667 TPS.
    // A real unit served 12 TPS on this mix: factor 12 / 6.6667 = 1.8, and TPS per unit is 12 exactly.
    const r = resolved(model, workload({ calibration: { tps: 12 } }));
    expect(r.calibration.factor).toBe(1.8);
    expect(r.tpsPerUnit).toBe(12);
    expect(r.tpsPerUnitLow).toBe(12);
    const p = computePlan(r);
    expect(p.derivation.tpsPerUnit).toBe('12 TPS measured by a real unit on this image mix (model.calibration.tps)');
    expect(p.derivation.calibration).toBe('calibration = 12 real TPS on this image mix / 6.67 local TPS for the mix = 1.8000');
    expect(p.warnings.map((w) => w.code)).not.toContain('tps-uncertain');
  });

  it('plans the same pair on a machine that ran every condition 1.1 × slower', () => {
    const a = computePlan(resolved(measuredModel(1), workload({ calibration: { tps: 7 } })));
    const b = computePlan(resolved(measuredModel(1.1), workload({ calibration: { tps: 7 } })));
    expect([a.tpsPerUnit, a.minInferenceUnits, a.maxInferenceUnits, a.monthlyCostUsd]).toEqual([
      b.tpsPerUnit,
      b.minInferenceUnits,
      b.maxInferenceUnits,
      b.monthlyCostUsd,
    ]);
  });
});

describe('drift in the interval', () => {
  const withRecheck = (model: BenchModel, changePct: number, significant: boolean): BenchModel => ({
    ...model,
    recheck: { conditionId: model.conditions[0]!.id, tps: 10, samples: 30, rsePct: 1, changePct, significant },
  });

  it('a drift the bench called noise does not widen the interval; one it called a change does', () => {
    const quiet = resolved(withRecheck(measuredModel(1), 62.7, false), workload({ calibration: 0.5 }));
    const moved = resolved(withRecheck(measuredModel(1), 12, true), workload({ calibration: 0.5 }));
    expect(quiet.classes[0]!.uncertainty).not.toContain('drift');
    expect(moved.classes[0]!.uncertainty).toContain('drift check 12.0%');
    expect(moved.classes[0]!.uncertaintyPct).toBeGreaterThan(quiet.classes[0]!.uncertaintyPct);
  });

  it("an anchored calibration removes the drift term: the machine's speed cancels out", () => {
    const anchored = resolved(
      withRecheck(measuredModel(1), 12, true),
      workload({ calibration: { tps: 5.2, image: { width: 1600, height: 1200, size_mb: 0.4, objects: 3 } } }),
    );
    expect(anchored.classes.every((c) => !c.uncertainty.includes('drift'))).toBe(true);
  });
});

describe('uncertainty carried into the plan', () => {
  it('warns tps-uncertain with the unit count the low end needs, and not when it needs none more', async () => {
    const bench = await readBenchResult(resolve(ROOT, 'examples/workloads/example-bench.json'));
    const model = bench.models.find((m) => m.name === 'ocr-det')!;
    const loo = model.costModel!.looMeanAbsErrPct;
    // One class at 10 local TPS × 0.52 = 5.2 TPS, cap 4.16 per unit. Peak 16.5: ceil(16.5 / 4.16 = 3.966) = 4 units;
    // The example's LOO error is 2.1%: low end 5.2 × 0.979 = 5.0908 TPS, cap 4.07264, ceil(16.5 / 4.07264 = 4.05) = 5.
    const one = [{ share: 1, width: 1000, height: 1000, size_mb: 1, objects: 5 }];
    const tight = computePlan(resolved(model, { ...workload({}, one), traffic: { peak_tps: 16.5, baseline_tps: 4 } }));
    expect(tight.maxInferenceUnits).toBe(4);
    expect(tight.classes[0]!.uncertaintyPct).toBeCloseTo(loo, 2);
    expect(tight.tpsPerUnitLow).toBeCloseTo(5.2 * (1 - loo / 100), 3);
    expect(loo).toBe(2.1);
    expect(tight.unitsIfTpsLow.max).toBe(5);
    const w = tight.warnings.find((x) => x.code === 'tps-uncertain')!;
    expect(w.message).toBe('peak/baseline rule Max 4; 5 if TPS is 2.1% lower than measured (images[0]: cost model LOO error 2.1%)');
    // Peak 12: 12 / 4.16 = 2.88 → 3 units, and 3 still carry it 20% lower: no warning.
    const loose = computePlan(resolved(model, { ...workload({}, one), traffic: { peak_tps: 12, baseline_tps: 4 } }));
    expect(loose.warnings.map((x) => x.code)).not.toContain('tps-uncertain');
    expect(loose.unitsIfTpsLow).toEqual({ min: loose.minInferenceUnits, max: loose.maxInferenceUnits });
  });
});

describe('calibration from a load test file', () => {
  const fromLoadtest = (model: BenchModel, lt: LoadtestResult, images?: WorkloadInput['images']) =>
    resolveWorkload(WorkloadSchema.parse(workload({ calibration: { loadtest: 'lt.json' } }, images)), {
      tpsSource: benchSource(model),
      price: PRICE,
      loadtest: { named: 'lt.json', result: lt },
    });

  it("is the load test's TPS per unit over the local TPS predicted for the image class it sent (worked by hand)", async () => {
    const bench = await readBenchResult(resolve(ROOT, 'examples/workloads/example-bench.json'));
    const model = bench.models.find((m) => m.name === 'ocr-det')!;
    // 10.4 highest clean TPS on 2 units = 5.2 per unit, on a mean image of 1000x1000, 1 MB, 5 boxes:
    // the same anchor as {tps: 5.2, image} above, so the same factor 0.52 and 3.4667 TPS for the mix.
    const r = fromLoadtest(model, loadtestResult());
    expect(r.calibration.factor).toBeCloseTo(0.52, 12);
    // To 3 decimals, as the plan prints and works on it.
    expect(r.tpsPerUnit).toBe(3.467);
    expect(r.calibration.derivation).toBe(
      'calibration = 5.20 TPS per unit from the load test lt.json (10.40 highest clean TPS / 2 units in service, 2026-11-02) / 10.00 local TPS predicted for 1000x1000, 1 MB, 5 obj (ms = 60.00 + 20.00×1.000 MP + 10.00×1 MB + 2.000×5 obj = 100.00 ms → 10.00 TPS) = 0.5200',
    );
    const p = computePlan(r);
    expect(p.derivation.calibration).toBe(r.calibration.derivation);
    expect(p.warnings.map((w) => w.code)).toEqual(
      expect.not.arrayContaining(['uncalibrated', 'calibration-loadtest-incomplete', 'calibration-not-aws']),
    );
  });

  it("prices a class equal to the image sent at exactly the load test's TPS per unit, rounding the mean to whole pixels", () => {
    const lt = loadtestResult({ tpsPerUnit: 7.5, image: { width: 1599.6, height: 1200.4, sizeMb: 0.4, objects: 3 } });
    const r = fromLoadtest(measuredModel(1.3), lt, [{ share: 1, width: 1600, height: 1200, size_mb: 0.4, objects: 3 }]);
    expect(r.tpsPerUnit).toBeCloseTo(7.5, 10);
    expect(r.calibration.derivation).toContain('predicted for 1600x1200, 0.4 MB, 3 obj (model input 960x704');
  });

  it('warns when the load test did not converge or measured an endpoint other than AWS', () => {
    const model = measuredModel(1);
    const cut = fromLoadtest(model, loadtestResult({ complete: false, stoppedBy: 'interrupted' }));
    expect(cut.warnings.find((w) => w.code === 'calibration-loadtest-incomplete')!.message).toBe(
      'model.calibration.loadtest lt.json: the load test stopped (interrupted) before its search converged: its 5.20 TPS per unit is a lower bound',
    );
    const local = fromLoadtest(model, loadtestResult({ kind: 'endpoint' }));
    expect(local.warnings.find((w) => w.code === 'calibration-not-aws')!.message).toContain(
      "measured 'http://127.0.0.1:8400', not a model on AWS",
    );
  });

  it('refuses a load test with no clean step, or S3 images it never measured the pixels of', () => {
    const model = measuredModel(1);
    expect(() => fromLoadtest(model, loadtestResult({ tpsPerUnit: null, stoppedBy: 'throttled-at-start', complete: false }))).toThrow(
      'lt.json: the load test found no step without throttling (stopped by throttled-at-start), so it has no TPS per unit to calibrate from',
    );
    expect(() => fromLoadtest(model, loadtestResult({ image: { width: null, height: null, sizeMb: 1.2, objects: 4 } }))).toThrow(
      'give calibration as {tps: 5.20, image: {width, height, size_mb, objects, source: s3}} instead',
    );
  });
});
