import { absErrPct, fitLinear, leaveOneOutPredictions, spanOf, type Observation } from './least-squares.js';
import type { CostModel } from '../contracts/bench.js';
import { mean } from './stats.js';

/** One measured condition as the cost model sees it. */
export interface CostPoint {
  megapixels: number;
  sizeMb: number;
  objects: number;
  /** Mean per-image time of the whole pipeline, ms. */
  ms: number;
}

type Factor = 'megapixels' | 'objects' | 'sizeMb';
/** Order matters: a factor that is a linear combination of earlier ones is dropped (sizeMb last: it tends to follow megapixels). */
const FACTORS: readonly Factor[] = ['megapixels', 'objects', 'sizeMb'];

export interface FittedCostModel extends CostModel {
  dropped: string[];
  clamped: string[];
}

/**
 * The whole-pipeline model: per-image ms ~ 1 + megapixels + sizeMb + objects, with R² and
 * leave-one-out error (each condition predicted by a fit that never saw it). Null when there are
 * not more conditions than coefficients, because then R² and LOO say nothing. The per-stage
 * model (stage-model.ts) is what plans use when a bench file has it; this one stays for files
 * without it and as a one-line summary.
 */
export function fitCostModel(points: readonly CostPoint[]): FittedCostModel | null {
  if (points.length < 2) return null;
  const obs: Observation<Factor>[] = points.map((p) => ({
    x: { megapixels: p.megapixels, sizeMb: p.sizeMb, objects: p.objects },
    y: p.ms,
  }));
  const fit = fitLinear(obs, FACTORS);
  const k = fit.kept.length + fit.clamped.length + 1;
  if (points.length < k + 1) return null;
  const loo = leaveOneOutPredictions(obs, fit.kept);
  const looErrPct = points.map((p, i) => absErrPct(loo[i]!, p.ms));
  return {
    interceptMs: fit.interceptMs,
    msPerMegapixel: fit.slopes.megapixels,
    msPerMb: fit.slopes.sizeMb,
    msPerObject: fit.slopes.objects,
    r2: fit.r2,
    looMeanAbsErrPct: mean(looErrPct),
    looMaxAbsErrPct: Math.max(...looErrPct),
    conditions: points.length,
    range: { megapixels: spanOf(obs, 'megapixels'), sizeMb: spanOf(obs, 'sizeMb'), objects: spanOf(obs, 'objects') },
    dropped: fit.dropped,
    clamped: fit.clamped,
  };
}
