import { Matrix, pseudoInverse } from 'ml-matrix';
import { featureRows, type DesignPoint } from './design.js';

/**
 * How precisely each condition of a block must be known, from what the cost model does with it:
 * a plan predicts images the bench never measured, so what matters is each condition's share of
 * the error of those predictions, not its own RSE. Pure: the block's conditions in, an RSE target
 * per condition out.
 *
 * With least squares over the conditions' features (design.ts), a prediction at an unseen image x
 * is Σ_c w_c(x) · y_c: the weights say how much each condition's error reaches it. The unseen
 * images stand in as the points between every two conditions (their features' midpoints) and the
 * conditions themselves. Condition c's relative share at x is a_c(x) = (w_c(x) · y_c / ŷ(x))², and
 * a prediction's relative variance is Σ_c a_c(x) · r_c² for relative errors r_c. Each condition
 * gets r_c = k · target / √(max_x a_c(x)), k as large as keeps every prediction within the target:
 * a condition with little pull on any prediction may stop sooner, up to LOOSEST × the target; none
 * is asked for more than the target itself, which is what the suite promises for a condition's own figure.
 */

/** A condition with little pull on any prediction may stop at up to this many times the suite's RSE target. */
export const LOOSEST = 3;

/**
 * Per condition, the RSE target (%) that keeps every prediction within `targetPct`; `ms` are the
 * conditions' estimated times (the warm-up's). Uniform when the block has too few conditions to
 * fit anything (fewer than the features give coefficients) or the estimates are unusable.
 */
export function stopTargets(points: readonly DesignPoint[], ms: readonly number[], targetPct: number): number[] {
  const n = points.length;
  const uniform = points.map(() => targetPct);
  if (n < 2 || ms.some((y) => !(y > 0) || !Number.isFinite(y))) return uniform;
  const rows = featureRows(points);
  if (n <= rows[0]!.length) return uniform;
  const x = new Matrix(rows);
  const hat = pseudoInverse(x); // p × n: β = hat · y
  const probes: number[][] = [...rows];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) probes.push(rows[i]!.map((v, k) => (v + rows[j]![k]!) / 2));
  const w = new Matrix(probes).mmul(hat); // probes × n
  const y = Matrix.columnVector([...ms]);
  const predicted = w.mmul(y).getColumn(0);
  // a[p][c]: condition c's relative share at probe p (see above); A[c] its largest.
  const a = predicted.map((yHat, p) => points.map((_, c) => (yHat > 0 ? ((w.get(p, c) * ms[c]!) / yHat) ** 2 : 0)));
  const most = points.map((_, c) => Math.max(...a.map((row) => row[c]!)));
  // r_c = k · target / √A_c, with the largest k that keeps Σ_c a[p][c] · r_c² ≤ target² at every probe.
  const load = Math.max(...a.map((row) => row.reduce((sum, x, c) => sum + (most[c]! > 0 ? x / most[c]! : 0), 0)));
  if (!(load > 0)) return uniform;
  const k = 1 / Math.sqrt(load);
  return most.map((m) =>
    m > 0 ? Math.min(LOOSEST * targetPct, Math.max(targetPct, (k * targetPct) / Math.sqrt(m))) : LOOSEST * targetPct,
  );
}
