import { Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import { mean } from './stats.js';

/**
 * Linear least squares with an intercept, for the cost models: ml-matrix does the algebra; what
 * is ours is which factors take part. A factor the data cannot identify is dropped, a slope that
 * came out negative is fixed at 0, and every point is predicted once by a fit that never saw it.
 */

/** One observation: the factors' values and the measured time, ms. */
export interface Observation<F extends string> {
  x: Readonly<Record<F, number>>;
  y: number;
}

export interface LinearFit<F extends string> {
  interceptMs: number;
  /** ms per unit of each factor; 0 for a dropped or clamped one. */
  slopes: Record<F, number>;
  /** Factors with a fitted slope. */
  kept: F[];
  /** Factors the observations could not identify (constant, or a linear combination of earlier ones). */
  dropped: F[];
  /** Factors whose least-squares slope came out negative, fixed at 0. */
  clamped: F[];
  r2: number;
}

function rank(m: Matrix): number {
  return new SingularValueDecomposition(m, { autoTranspose: true }).rank;
}

function design<F extends string>(points: readonly Observation<F>[], factors: readonly F[]): Matrix {
  return new Matrix(points.map((p) => [1, ...factors.map((f) => p.x[f])]));
}

/**
 * Factors the data can identify, in the order given: a constant column (e.g. objects for a
 * classifier, always 0) or one that is a linear combination of earlier ones carries no
 * information; its coefficient is fixed at 0 instead of letting least squares split the effect
 * arbitrarily. Order matters: list the factor more likely to be redundant last.
 */
function identifiableFactors<F extends string>(points: readonly Observation<F>[], factors: readonly F[]): { kept: F[]; dropped: F[] } {
  const kept: F[] = [];
  const dropped: F[] = [];
  for (const f of factors) {
    const trial = [...kept, f];
    if (rank(design(points, trial)) === trial.length + 1) kept.push(f);
    else dropped.push(f);
  }
  return { kept, dropped };
}

function solve<F extends string>(points: readonly Observation<F>[], factors: readonly F[]): number[] {
  const x = design(points, factors);
  const y = Matrix.columnVector(points.map((p) => p.y));
  const qr = new QrDecomposition(x);
  // QR least squares when the design has full column rank; SVD pseudo-inverse (minimum norm) otherwise.
  const beta = qr.isFullRank() ? qr.solve(y) : new SingularValueDecomposition(x, { autoTranspose: true }).solve(y);
  return beta.getColumn(0);
}

/**
 * Fits y ~ 1 + factors. A bigger, heavier or busier image never takes less time: a negative
 * slope is measurement noise, and extrapolating it could predict absurdly small times. The most
 * negative slope is fixed at 0 and the rest refitted until none is left (a small active-set
 * non-negative least squares on the slopes; the intercept stays free).
 */
export function fitLinear<F extends string>(points: readonly Observation<F>[], factors: readonly F[]): LinearFit<F> {
  if (points.length === 0) throw new Error('fitLinear needs at least one observation');
  const { kept, dropped } = identifiableFactors(points, factors);
  const clamped: F[] = [];
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
  const slopes = Object.fromEntries(factors.map((f) => [f, 0])) as Record<F, number>;
  kept.forEach((f, i) => (slopes[f] = beta[i + 1]!));
  const fit = { interceptMs: beta[0]!, slopes, kept, dropped, clamped, r2: 0 };
  const ys = points.map((p) => p.y);
  const yMean = mean(ys);
  const ssTot = ys.reduce((s, y) => s + (y - yMean) ** 2, 0);
  const ssRes = points.reduce((s, p) => s + (p.y - predictLinear(fit, p.x)) ** 2, 0);
  fit.r2 = ssTot === 0 ? (ssRes < 1e-12 ? 1 : 0) : 1 - ssRes / ssTot;
  return fit;
}

function predictLinear<F extends string>(fit: Pick<LinearFit<F>, 'interceptMs' | 'slopes'>, x: Readonly<Record<F, number>>): number {
  let ms = fit.interceptMs;
  for (const f of Object.keys(fit.slopes) as F[]) ms += fit.slopes[f] * x[f];
  return ms;
}

/**
 * Leave-one-out predictions: point i predicted by a fit on every other point with the same
 * factors (the full fit's kept set, so a held-out point cannot change which factors exist).
 */
export function leaveOneOutPredictions<F extends string>(points: readonly Observation<F>[], kept: readonly F[]): number[] {
  return points.map((p, i) => {
    const rest = points.filter((_, j) => j !== i);
    const beta = solve(rest, kept);
    return kept.reduce((s, f, k) => s + beta[k + 1]! * p.x[f], beta[0]!);
  });
}

/** |predicted − measured| / measured, %. */
export function absErrPct(predicted: number, measured: number): number {
  return (Math.abs(predicted - measured) / measured) * 100;
}

/** [min, max] of one factor over the observations. */
export function spanOf<F extends string>(points: readonly Observation<F>[], f: F): [number, number] {
  return [Math.min(...points.map((p) => p.x[f])), Math.max(...points.map((p) => p.x[f]))];
}
