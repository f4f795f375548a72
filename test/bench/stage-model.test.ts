import { describe, expect, it } from 'vitest';
import { fitStageModel, predictStages, stageDerivation, type StageFeatures, type StagePoint } from '../../src/bench/stage-model.js';

/** A detector-like input rule (longest side capped at 960, no rounding): enough to make input pixels differ from source pixels. */
function inputMp(w: number, h: number): number {
  const r = Math.min(1, 960 / Math.max(w, h));
  return (Math.trunc(w * r) * Math.trunc(h * r)) / 1e6;
}

const TRUE = {
  decode: (x: StageFeatures) => 1.5 + 4 * x.sourceMegapixels + 9 * x.sizeMb,
  preprocess: (x: StageFeatures) => 0.8 + 2.5 * x.sourceMegapixels + 7 * x.inputMegapixels,
  infer: (x: StageFeatures) => 12 + 180 * x.inputMegapixels,
  postprocess: (x: StageFeatures) => 0.3 + 0.25 * x.objects + 5 * x.inputMegapixels,
};

function features(w: number, h: number, sizeMb: number, objects: number): StageFeatures {
  return { sourceMegapixels: (w * h) / 1e6, sizeMb, inputMegapixels: inputMp(w, h), objects };
}

function sweep(noise: () => number = () => 1): StagePoint[] {
  const pts: StagePoint[] = [];
  for (const [w, h, sizes] of [
    [640, 480, [0.05, 0.1, 0.2]],
    [1280, 720, [0.1, 0.2, 0.5]],
    [1920, 1080, [0.2, 0.5, 1]],
    [3840, 2160, [1, 2, 4]],
  ] as const) {
    for (const mb of sizes)
      for (const obj of [0, 5, 20]) {
        const x = features(w, h, mb, obj);
        pts.push({
          ...x,
          stagesMs: {
            decode: TRUE.decode(x) * noise(),
            preprocess: TRUE.preprocess(x) * noise(),
            infer: TRUE.infer(x) * noise(),
            postprocess: TRUE.postprocess(x) * noise(),
          },
        });
      }
  }
  return pts;
}

describe('per-stage cost model', () => {
  it('recovers known coefficients of every stage from exact synthetic timings', () => {
    const m = fitStageModel(sweep())!;
    const s = m.stages;
    expect(s.decode.interceptMs).toBeCloseTo(1.5, 6);
    expect(s.decode.slopes.sourceMegapixels).toBeCloseTo(4, 6);
    expect(s.decode.slopes.sizeMb).toBeCloseTo(9, 6);
    expect(s.preprocess.slopes.sourceMegapixels).toBeCloseTo(2.5, 6);
    expect(s.preprocess.slopes.inputMegapixels).toBeCloseTo(7, 6);
    expect(s.infer.interceptMs).toBeCloseTo(12, 6);
    expect(s.infer.slopes.inputMegapixels).toBeCloseTo(180, 6);
    expect(s.postprocess.slopes.objects).toBeCloseTo(0.25, 6);
    expect(s.postprocess.slopes.inputMegapixels).toBeCloseTo(5, 6);
    expect(m.r2).toBeCloseTo(1, 10);
    expect(m.looMaxAbsErrPct).toBeLessThan(1e-6);
    // 640x480 as is; every larger 16:9 image capped to 960x540 = 0.5184 MP.
    expect(m.range.inputMegapixels).toEqual([0.3072, 0.5184]);
    expect(m.range.sourceMegapixels).toEqual([0.3072, 8.2944]);
  });

  it('predicts an image it never saw as the sum of the stages (1024x768: a bigger input tensor than 1280x720)', () => {
    const m = fitStageModel(sweep())!;
    const x = features(1024, 768, 0.3, 10);
    const want = TRUE.decode(x) + TRUE.preprocess(x) + TRUE.infer(x) + TRUE.postprocess(x);
    expect(predictStages(m.stages, x).totalMs).toBeCloseTo(want, 6);
    // Worked by hand: input 960x720 = 0.6912 MP; infer 12 + 180 × 0.6912 = 136.416 ms.
    expect(predictStages(m.stages, x).stagesMs.infer).toBeCloseTo(136.416, 6);
    expect(predictStages(m.stages, x).stagesMs.infer).toBeGreaterThan(predictStages(m.stages, features(1280, 720, 0.3, 10)).stagesMs.infer);
    const text = stageDerivation(m.stages, x);
    expect(text).toContain('infer 12.00 + 180.00×0.691 input MP = 136.42');
    expect(text).toMatch(/ms = [\d.]+ \+ [\d.]+ \+ 136\.42 \+ [\d.]+ = [\d.]+ ms$/);
  });

  it('stays close with 3% multiplicative noise, and its LOO error says how close', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 2;
    const m = fitStageModel(sweep(() => 1 + 0.03 * rand()))!;
    expect(m.stages.infer.slopes.inputMegapixels).toBeGreaterThan(160);
    expect(m.stages.infer.slopes.inputMegapixels).toBeLessThan(200);
    expect(m.looMeanAbsErrPct).toBeGreaterThan(0);
    expect(m.looMeanAbsErrPct).toBeLessThan(3);
    expect(m.r2).toBeLessThan(1);
  });

  it('a fixed-input model: infer has no input factor to fit (constant column dropped), only its mean', () => {
    const pts = sweep().map((p) => ({ ...p, inputMegapixels: 0.009216, stagesMs: { ...p.stagesMs, infer: 4.2, postprocess: 0.1 } }));
    const m = fitStageModel(pts)!;
    expect(m.stages.infer.dropped).toEqual(['inputMegapixels', 'inputMegapixelsSquared']);
    expect(m.stages.infer.interceptMs).toBeCloseTo(4.2, 9);
    expect(m.stages.preprocess.dropped).toEqual(['inputMegapixels']);
  });

  it('keeps slopes non-negative: a stage that noise makes fall with size is flat instead', () => {
    const pts = sweep().map((p, i) => ({ ...p, stagesMs: { ...p.stagesMs, postprocess: 2 - 0.01 * p.objects + (i % 2) * 0.05 } }));
    const m = fitStageModel(pts)!;
    expect(m.stages.postprocess.clamped).toContain('objects');
    expect(m.stages.postprocess.slopes.objects).toBe(0);
  });

  it('needs at least 4 conditions', () => {
    expect(fitStageModel(sweep().slice(0, 3))).toBeNull();
  });
});

describe("the bench file tells the planner each model's input size (resize rule recorded with the model)", () => {
  it('gives the exact model-input size for the built-ins and each user resize mode, from the recorded input spec', async () => {
    const { modelInputSizeOf } = await import('../../src/contracts/model-input.js');
    const { BUILTIN_SPECS } = await import('../../src/bench/models/builtins.js');
    const model = (input: Record<string, unknown>) =>
      ({ input: { ...input, output: 'db' } }) as unknown as Parameters<typeof modelInputSizeOf>[0];
    const det = model(BUILTIN_SPECS['ocr-det'].input);
    // Longest side 960, sides to the nearest multiple of 32, half to even: 1024x768 → 960x720 → 960x704 (22.5 → 22).
    expect(modelInputSizeOf(det, 1024, 768)).toEqual({ width: 960, height: 704 });
    expect(modelInputSizeOf(det, 1280, 720)).toEqual({ width: 960, height: 544 });
    expect(modelInputSizeOf(det, 3840, 2160)).toEqual({ width: 960, height: 544 });
    expect(modelInputSizeOf(det, 640, 480)).toEqual({ width: 640, height: 480 });
    expect(modelInputSizeOf(det, 800, 600)).toEqual({ width: 800, height: 608 });
    // Fixed-input models: the declared size whatever the image.
    const cls = model(BUILTIN_SPECS['ocr-cls'].input);
    expect(modelInputSizeOf(cls, 3000, 2000)).toEqual({ width: 192, height: 48 });
    for (const resize of ['stretch', 'letterbox', 'pad-right']) {
      expect(modelInputSizeOf(model({ width: 640, height: 640, resize }), 1920, 1080)).toEqual({ width: 640, height: 640 });
    }
    // A file that did not record a parseable spec: no size, and the planner falls back to the whole-pipeline model.
    expect(modelInputSizeOf(model({ size: 960, resize: 'long side to 960' }), 1024, 768)).toBeNull();
  });
});
