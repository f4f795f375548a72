/**
 * Candidate boxes collected by a detection decoder, kept as flat number arrays (no object per
 * anchor): x1,y1,x2,y2 per box in `boxes`, one score and class per box.
 */
export interface Candidates {
  boxes: number[];
  scores: number[];
  classes: number[];
}

export function emptyCandidates(): Candidates {
  return { boxes: [], scores: [], classes: [] };
}

function iou(b: readonly number[], i: number, j: number): number {
  const ix1 = Math.max(b[i * 4]!, b[j * 4]!);
  const iy1 = Math.max(b[i * 4 + 1]!, b[j * 4 + 1]!);
  const ix2 = Math.min(b[i * 4 + 2]!, b[j * 4 + 2]!);
  const iy2 = Math.min(b[i * 4 + 3]!, b[j * 4 + 3]!);
  const inter = Math.max(0, ix2 - ix1) * Math.max(0, iy2 - iy1);
  if (inter === 0) return 0;
  const areaI = (b[i * 4 + 2]! - b[i * 4]!) * (b[i * 4 + 3]! - b[i * 4 + 1]!);
  const areaJ = (b[j * 4 + 2]! - b[j * 4]!) * (b[j * 4 + 3]! - b[j * 4 + 1]!);
  return inter / (areaI + areaJ - inter);
}

/**
 * Greedy per-class non-maximum suppression: best score first, a box is dropped when it overlaps an
 * already kept box OF THE SAME CLASS by more than `iouThreshold`. Returns kept indices, best first.
 * Written here (30 lines) because the npm NMS packages either pull in tfjs or take one object per box.
 */
export function nmsPerClass(c: Candidates, iouThreshold: number, maxDetections: number): number[] {
  const order = c.scores.map((_, i) => i).sort((a, b) => c.scores[b]! - c.scores[a]!);
  const kept: number[] = [];
  for (const i of order) {
    if (kept.length >= maxDetections) break;
    let suppressed = false;
    for (const k of kept) {
      if (c.classes[k] === c.classes[i] && iou(c.boxes, k, i) > iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push(i);
  }
  return kept;
}
