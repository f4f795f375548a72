/**
 * DB (Differentiable Binarization) post-processing, after PaddleOCR's DBPostProcess with its
 * inference defaults: threshold 0.3, box_thresh 0.6, unclip_ratio 1.5, min_size 3, score_mode fast,
 * max_candidates 1000. Differences, on purpose:
 * - regions are 8-connected components instead of cv2.findContours outer contours (same regions
 *   for solid blobs; a hole inside a region does not start a new one);
 * - each box is the region's axis-aligned box, not its minimum-area rotated rectangle; for the
 *   horizontal text lines we measure they coincide, and it keeps per-region work a few loops.
 * The work per region (its labelling, its box score over its box) is what makes post-processing
 * cost grow with the number of objects.
 */

export interface DbOptions {
  binaryThreshold: number;
  boxThreshold: number;
  unclipRatio: number;
  minSize: number;
  maxCandidates: number;
}

export const DB_DEFAULTS: DbOptions = { binaryThreshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSize: 3, maxCandidates: 1000 };

export interface DbBox {
  /** x1, y1, x2, y2 in probability-map pixels (pixel centres, as cv2 contour points), after unclipping. */
  box: [number, number, number, number];
  score: number;
}

// Scratch buffers reused across calls (the map size rarely changes within a condition); the
// labelling is synchronous, so one set per process is safe.
let stateBuf = new Uint8Array(0);
let stackBuf = new Int32Array(0);

/**
 * Connected-component labelling by iterative flood fill on a Uint8Array, written here because the
 * npm options (opencv.js ~10 MB wasm, or image libraries that label into objects per pixel) cost
 * more than the 40 lines; this one allocates nothing per pixel.
 */
export function dbBoxes(prob: Float32Array, mapWidth: number, mapHeight: number, opts: DbOptions = DB_DEFAULTS): DbBox[] {
  const n = mapWidth * mapHeight;
  if (stateBuf.length < n) {
    stateBuf = new Uint8Array(n);
    stackBuf = new Int32Array(n);
  }
  const state = stateBuf; // 1 = foreground not yet visited, 0 = background or visited
  const stack = stackBuf;
  const t = opts.binaryThreshold;
  for (let i = 0; i < n; i++) state[i] = prob[i]! > t ? 1 : 0;

  const out: DbBox[] = [];
  let candidates = 0;
  const W = mapWidth;
  const H = mapHeight;
  for (let start = 0; start < n && candidates < opts.maxCandidates; start++) {
    if (state[start] !== 1) continue;
    candidates++;
    state[start] = 0;
    let top = 0;
    stack[top++] = start;
    let minX = W, minY = H, maxX = -1, maxY = -1;
    while (top > 0) {
      const p = stack[--top]!;
      const y = (p / W) | 0;
      const x = p - y * W;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      const y0 = y > 0 ? y - 1 : y, y1 = y < H - 1 ? y + 1 : y;
      const x0 = x > 0 ? x - 1 : x, x1 = x < W - 1 ? x + 1 : x;
      for (let yy = y0; yy <= y1; yy++) {
        for (let xx = x0, q = yy * W + x0; xx <= x1; xx++, q++) {
          if (state[q] === 1) {
            state[q] = 0;
            stack[top++] = q;
          }
        }
      }
    }
    const w = maxX - minX;
    const h = maxY - minY;
    if (Math.min(w, h) < opts.minSize) continue;
    // score_mode "fast": mean probability inside the box.
    let sum = 0;
    for (let yy = minY; yy <= maxY; yy++) {
      const row = yy * W;
      for (let xx = minX; xx <= maxX; xx++) sum += prob[row + xx]!;
    }
    const score = sum / ((w + 1) * (h + 1));
    if (score < opts.boxThreshold) continue;
    // Unclip: pyclipper offsets the polygon by area × ratio / perimeter.
    const d = (w * h * opts.unclipRatio) / (2 * (w + h));
    if (Math.min(w, h) + 2 * d < opts.minSize + 2) continue;
    out.push({ box: [minX - d, minY - d, maxX + d, maxY + d], score });
  }
  return out;
}
