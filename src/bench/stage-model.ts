import { absErrPct, fitLinear, leaveOneOutPredictions, spanOf, type Observation } from './least-squares.js';
import type { StageModel } from '../contracts/bench.js';
import { STAGE_FACTORS, STAGES, type StageFactor, type StageName } from '../contracts/bench-stages.js';
import { predictStages, type StageFeatures } from '../contracts/stage-predict.js';
import { mean } from './stats.js';

/**
 * The per-stage cost model: each stage fitted on what drives it, per-image ms = the sum.
 *
 * - decode: source pixels and encoded bytes (entropy decoding follows the bytes, colour
 *   conversion and the output buffer the pixels);
 * - preprocess: source pixels (the resize reads them) and model-input pixels (it writes them,
 *   and the tensor fill walks them);
 * - infer: the model-input tensor's pixels and their square (bigger tensors cost more per pixel),
 *   from the model's own resize rule: constant for a fixed-input model, stepwise for a detector
 *   that sizes its input by the image;
 * - postprocess: objects found, and model-input pixels (a dense output such as DBNet's
 *   probability map is as big as the input).
 *
 * One formula in source megapixels cannot hold a detector that caps its input at 960 px: above
 * the cap infer is flat while decode still grows, and below it infer follows a tensor that can be
 * bigger for a smaller image (1024x768 → 960x736, 1280x720 → 960x544).
 */

/** One measured condition as the stage model sees it. */
export interface StagePoint extends StageFeatures {
  stagesMs: Readonly<Record<StageName, number>>;
}

export { predictStages, stageDerivation, type StageFeatures } from '../contracts/stage-predict.js';

/** Fewest conditions to fit: two more than the largest stage's coefficients, so LOO has something to say. */
const MIN_CONDITIONS = 4;

function observations(points: readonly StagePoint[], stage: StageName): Observation<StageFactor>[] {
  return points.map((p) => ({
    x: {
      sourceMegapixels: p.sourceMegapixels,
      sizeMb: p.sizeMb,
      inputMegapixels: p.inputMegapixels,
      inputMegapixelsSquared: p.inputMegapixels ** 2,
      objects: p.objects,
    },
    y: p.stagesMs[stage],
  }));
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
