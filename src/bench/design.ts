import { Matrix, inverse } from 'ml-matrix';

/**
 * Which conditions to measure, chosen for what the per-stage cost model has to learn: a greedy
 * D-optimal design (Fedorov/Wynn's sequential rule). Each step adds the candidate whose
 * prediction the conditions chosen so far know least (largest xᵀ M⁻¹ x, M the information
 * matrix), which is the step that grows det M the most. Pure: features in, chosen indices out.
 *
 * The features are the union of what the stage fits use (stages.ts): source megapixels, file
 * size, model-input megapixels and its square (the infer term's curvature), and objects, plus the
 * source megapixels' square, each scaled to [0, 1] over the candidates. The fits are straight in
 * source pixels, but a design for a straight line measures only the two ends and could never show
 * that it bends; the square makes the design measure between them too. A feature that is the same for every candidate (a
 * classifier's fixed input, its 0 objects) carries no information and is left out, so the design
 * spends its conditions on what the model can tell apart.
 */

/** One candidate condition as the design sees it. */
export interface DesignPoint {
  sourceMegapixels: number;
  sizeMb: number;
  inputMegapixels: number;
  objects: number;
}

/** A tiny ridge so the first steps (fewer points than features) have an inverse; it does not steer the choice. */
const RIDGE = 1e-6;

/** Rows [1, features...] of the informative features, each scaled to [0, 1] over the points. */
export function featureRows(points: readonly DesignPoint[]): number[][] {
  const raw = points.map((p) => [
    p.sourceMegapixels,
    p.sourceMegapixels ** 2,
    p.sizeMb,
    p.inputMegapixels,
    p.inputMegapixels ** 2,
    p.objects,
  ]);
  const columns = raw[0]!.map((_, j) => raw.map((r) => r[j]!));
  const informative = columns.flatMap((col, j) => {
    const lo = Math.min(...col);
    const hi = Math.max(...col);
    return hi - lo > 1e-9 * Math.max(1, Math.abs(hi)) ? [{ j, lo, hi }] : [];
  });
  return raw.map((r) => [1, ...informative.map(({ j, lo, hi }) => (r[j]! - lo) / (hi - lo))]);
}

/**
 * Indices of distinct candidates, in the order chosen: `count` of them, but no more than
 * `perFeature` × the number of coefficients the features give (intercept included), nor more than
 * there are. Ties go to the earlier candidate, so the same candidates always give the same design.
 */
export function chooseDesign(candidates: readonly DesignPoint[], count: number, perFeature = Infinity): number[] {
  if (candidates.length === 0) return [];
  const rows = featureRows(candidates);
  const p = rows[0]!.length;
  count = Math.min(count, perFeature * p);
  if (candidates.length <= count) return candidates.map((_, i) => i);
  let info = Matrix.eye(p, p).mul(RIDGE);
  const chosen: number[] = [];
  while (chosen.length < count) {
    const inv = inverse(info, true);
    let best = -1;
    let bestVar = -Infinity;
    rows.forEach((x, i) => {
      if (chosen.includes(i)) return;
      const v = Matrix.rowVector(x).mmul(inv).mmul(Matrix.columnVector(x)).get(0, 0);
      if (v > bestVar * (1 + 1e-9)) {
        best = i;
        bestVar = v;
      }
    });
    chosen.push(best);
    const x = Matrix.columnVector(rows[best]!);
    info = info.add(x.mmul(x.transpose()));
  }
  return chosen;
}
