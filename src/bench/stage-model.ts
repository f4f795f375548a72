import { absErrPct, fitLinear, leaveOneOutPredictions, spanOf, type Observation } from './least-squares.js';
import { STAGE_FACTORS, STAGES, type StageFactor, type StageModel, type StageName } from './result-schema.js';
import { mean } from './stats.js';

/**
 * The per-stage cost model: each stage fitted on what drives it, per-image ms = the sum.
 *
 * - decode: source pixels and encoded bytes (entropy decoding follows the bytes, colour
 *   conversion and the output buffer the pixels);
 * - preprocess: source pixels (the resize reads them) and model-input pixels (it writes them,
 *   and the tensor fill walks them);
 * - infer: the model-input tensor's pixels, from the model's own resize rule: constant for a
 *   fixed-input model, stepwise for a detector that sizes its input by the image;
 * - postprocess: objects found, and model-input pixels (a dense output such as DBNet's
 *   probability map is as big as the input).
 *
 * One formula in source megapixels cannot hold a detector that caps its input at 960 px: above
 * the cap infer is flat while decode still grows, and below it infer follows a tensor that can be
 * bigger for a smaller image (1024x768 → 960x736, 1280x720 → 960x544).
 */

/** One measured condition as the stage model sees it. */
export interface StagePoint {
  sourceMegapixels: number;
  sizeMb: number;
  /** The model-input tensor's spatial size in megapixels (width × height / 10^6). */
  inputMegapixels: number;
  objects: number;
  stagesMs: Readonly<Record<StageName, number>>;
}

export type StageFeatures = Omit<StagePoint, 'stagesMs'>;

/** Fewest conditions to fit: two more than the largest stage's coefficients, so LOO has something to say. */
const MIN_CONDITIONS = 4;

function observations(points: readonly StagePoint[], stage: StageName): Observation<StageFactor>[] {
  return points.map((p) => ({ x: { sourceMegapixels: p.sourceMegapixels, sizeMb: p.sizeMb, inputMegapixels: p.inputMegapixels, objects: p.objects }, y: p.stagesMs[stage] }));
}

/**
 * Fits every stage; null with fewer than MIN_CONDITIONS conditions. The whole pipeline's
 * leave-one-out error predicts each held-out condition's total as the sum of four stage fits
 * that never saw it.
 */
export function fitStageModel(points: readonly StagePoint[]): StageModel | null {
  if (points.length < MIN_CONDITIONS) return null;
  const looTotals = points.map(() => 0);
  const stages = {} as StageModel['stages'];
  for (const stage of STAGES) {
    const obs = observations(points, stage);
    const fit = fitLinear(obs, STAGE_FACTORS[stage]);
    const loo = leaveOneOutPredictions(obs, fit.kept);
    loo.forEach((ms, i) => (looTotals[i]! += ms));
    // A stage that takes no time at all (e.g. no post-processing) has no relative error to speak of.
    const errs = obs.flatMap((o, i) => (o.y > 0 ? [absErrPct(loo[i]!, o.y)] : []));
    stages[stage] = {
      interceptMs: fit.interceptMs,
      slopes: fit.slopes,
      r2: fit.r2,
      looMeanAbsErrPct: errs.length ? mean(errs) : 0,
      looMaxAbsErrPct: errs.length ? Math.max(...errs) : 0,
      dropped: fit.dropped,
      clamped: fit.clamped,
    };
  }
  const totals = points.map((p) => STAGES.reduce((s, st) => s + p.stagesMs[st], 0));
  const fitted = points.map((p) => predictStages(stages, p).totalMs);
  const totalMean = mean(totals);
  const ssTot = totals.reduce((s, y) => s + (y - totalMean) ** 2, 0);
  const ssRes = totals.reduce((s, y, i) => s + (y - fitted[i]!) ** 2, 0);
  const looErr = totals.map((y, i) => absErrPct(looTotals[i]!, y));
  const all = observations(points, 'infer');
  return {
    stages,
    r2: ssTot === 0 ? (ssRes < 1e-12 ? 1 : 0) : 1 - ssRes / ssTot,
    looMeanAbsErrPct: mean(looErr),
    looMaxAbsErrPct: Math.max(...looErr),
    conditions: points.length,
    range: {
      sourceMegapixels: spanOf(all, 'sourceMegapixels'),
      sizeMb: spanOf(all, 'sizeMb'),
      inputMegapixels: spanOf(all, 'inputMegapixels'),
      objects: spanOf(all, 'objects'),
    },
  };
}

export interface StagePrediction {
  stagesMs: Record<StageName, number>;
  totalMs: number;
}

/** Per-stage ms for an image, and their sum. A stage is never predicted below 0 ms. */
export function predictStages(stages: StageModel['stages'], x: StageFeatures): StagePrediction {
  const stagesMs = {} as Record<StageName, number>;
  let totalMs = 0;
  for (const stage of STAGES) {
    const fit = stages[stage];
    let ms = fit.interceptMs;
    for (const f of STAGE_FACTORS[stage]) ms += (fit.slopes[f] ?? 0) * x[f];
    stagesMs[stage] = Math.max(0, ms);
    totalMs += stagesMs[stage];
  }
  return { stagesMs, totalMs };
}

const FACTOR_LABEL: Record<StageFactor, (x: StageFeatures) => string> = {
  sourceMegapixels: (x) => `${x.sourceMegapixels.toFixed(3)} MP`,
  sizeMb: (x) => `${+x.sizeMb.toFixed(3)} MB`,
  inputMegapixels: (x) => `${x.inputMegapixels.toFixed(3)} input MP`,
  objects: (x) => `${x.objects} obj`,
};

/**
 * The prediction written out: each stage's formula with the numbers in it, then the sum,
 * e.g. "decode 2.10 + 4.30×2.074 MP + 6.00×0.5 MB = 14.02; infer 31.2 + 161.5×0.522 input MP = 115.5; … = 140.1 ms".
 */
export function stageDerivation(stages: StageModel['stages'], x: StageFeatures): string {
  const p = predictStages(stages, x);
  const parts = STAGES.map((stage) => {
    const fit = stages[stage];
    const terms = STAGE_FACTORS[stage].filter((f) => (fit.slopes[f] ?? 0) !== 0).map((f) => `${fit.slopes[f]!.toFixed(2)}×${FACTOR_LABEL[f](x)}`);
    return `${stage} ${[fit.interceptMs.toFixed(2), ...terms].join(' + ')} = ${p.stagesMs[stage].toFixed(2)}`;
  });
  return `${parts.join('; ')}; ms = ${STAGES.map((s) => p.stagesMs[s].toFixed(2)).join(' + ')} = ${p.totalMs.toFixed(2)} ms`;
}
