import { Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import type { CostModel } from './result-schema.js';
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
const COEF_KEY: Record<Factor, 'msPerMegapixel' | 'msPerObject' | 'msPerMb'> = { megapixels: 'msPerMegapixel', objects: 'msPerObject', sizeMb: 'msPerMb' };

function rank(m: Matrix): number {
  return new SingularValueDecomposition(m, { autoTranspose: true }).rank;
}

function design(points: readonly CostPoint[], factors: readonly Factor[]): Matrix {
  return new Matrix(points.map((p) => [1, ...factors.map((f) => p[f])]));
}

/**
 * Factors the data can identify: a constant column (e.g. objects for a classifier, always 0)
 * or one that is a linear combination of the others carries no information; its coefficient
 * is fixed at 0 instead of letting least squares split the effect arbitrarily.
 */
export function identifiableFactors(points: readonly CostPoint[]): { kept: Factor[]; dropped: Factor[] } {
  const kept: Factor[] = [];
  const dropped: Factor[] = [];
  for (const f of FACTORS) {
    const trial = [...kept, f];
    if (rank(design(points, trial)) === trial.length + 1) kept.push(f);
    else dropped.push(f);
  }
  return { kept, dropped };
}

function solve(points: readonly CostPoint[], factors: readonly Factor[]): number[] {
  const x = design(points, factors);
  const y = Matrix.columnVector(points.map((p) => p.ms));
  const qr = new QrDecomposition(x);
  // QR least squares when the design has full column rank; SVD pseudo-inverse (minimum norm) otherwise.
  const beta = qr.isFullRank() ? qr.solve(y) : new SingularValueDecomposition(x, { autoTranspose: true }).solve(y);
  return beta.getColumn(0);
}

function predict(beta: readonly number[], factors: readonly Factor[], p: CostPoint): number {
  return factors.reduce((s, f, i) => s + beta[i + 1]! * p[f], beta[0]!);
}

export interface FittedCostModel extends CostModel {
  dropped: string[];
  clamped: string[];
}

/**
 * Least squares: per-image ms ~ 1 + megapixels + sizeMb + objects, with R² and leave-one-out
 * error (each condition predicted by a fit that never saw it). Null when there are not more
 * conditions than coefficients, because then R² and LOO say nothing.
 */
export function fitCostModel(points: readonly CostPoint[]): FittedCostModel | null {
  if (points.length < 2) return null;
  const { kept, dropped } = identifiableFactors(points);
  const k = kept.length + 1;
  if (points.length < k + 1) return null;
  // A bigger, heavier or busier image never takes less time: a negative slope is measurement noise,
  // and extrapolating it could predict absurdly small times. Fix the most negative one at 0 and refit
  // until none is left (a small active-set non-negative least squares).
  const clamped: Factor[] = [];
  let beta = solve(points, kept);
  for (;;) {
    let worst = -1;
    kept.forEach((_, i) => {
      if (beta[i + 1]! < 0 && (worst < 0 || beta[i + 1]! < beta[worst + 1]!)) worst = i;
    });
    if (worst < 0) break;
    clamped.push(...kept.splice(worst, 1));
    beta = solve(points, kept);
  }
  const ys = points.map((p) => p.ms);
  const yMean = mean(ys);
  const ssTot = ys.reduce((s, y) => s + (y - yMean) ** 2, 0);
  const ssRes = points.reduce((s, p) => s + (p.ms - predict(beta, kept, p)) ** 2, 0);
  const r2 = ssTot === 0 ? (ssRes < 1e-12 ? 1 : 0) : 1 - ssRes / ssTot;

  const looErrPct = points.map((p, i) => {
    const rest = points.filter((_, j) => j !== i);
    const b = solve(rest, kept);
    return (Math.abs(predict(b, kept, p) - p.ms) / p.ms) * 100;
  });

  const coef = { msPerMegapixel: 0, msPerObject: 0, msPerMb: 0 };
  kept.forEach((f, i) => (coef[COEF_KEY[f]] = beta[i + 1]!));
  const span = (f: Factor): [number, number] => [Math.min(...points.map((p) => p[f])), Math.max(...points.map((p) => p[f]))];
  return {
    interceptMs: beta[0]!,
    ...coef,
    r2,
    looMeanAbsErrPct: mean(looErrPct),
    looMaxAbsErrPct: Math.max(...looErrPct),
    conditions: points.length,
    range: { megapixels: span('megapixels'), sizeMb: span('sizeMb'), objects: span('objects') },
    dropped,
    clamped,
  };
}
