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
let cap = 0;
let runStart = new Int32Array(0);
let runEnd = new Int32Array(0);
let runRow = new Int32Array(0);
let parent = new Int32Array(0);
let minX = new Int32Array(0);
let maxX = new Int32Array(0);
let minY = new Int32Array(0);
let maxY = new Int32Array(0);

function ensure(runs: number): void {
  if (runs <= cap) return;
  cap = runs;
  runStart = new Int32Array(cap);
  runEnd = new Int32Array(cap);
  runRow = new Int32Array(cap);
  parent = new Int32Array(cap);
  minX = new Int32Array(cap);
  maxX = new Int32Array(cap);
  minY = new Int32Array(cap);
  maxY = new Int32Array(cap);
}

function find(r: number): number {
  while (parent[r] !== r) {
    parent[r] = parent[parent[r]!]!; // path halving
    r = parent[r]!;
  }
  return r;
}

/**
 * 8-connected components of (prob > threshold), labelled run by run: one pass over the map that
 * only compares, then a union-find over horizontal runs (the earliest run is a region's root, so
 * regions come out in raster order, as a flood fill would find them). Written here because the npm
 * options (opencv.js, ~10 MB of wasm, or image libraries that label into one object per pixel)
 * cost more than these 60 lines; nothing is allocated per pixel or per run.
 */
export function dbBoxes(prob: Float32Array, mapWidth: number, mapHeight: number, opts: DbOptions = DB_DEFAULTS): DbBox[] {
  const W = mapWidth;
  const H = mapHeight;
  ensure(((W + 1) >> 1) * H + 1);
  const t = opts.binaryThreshold;
  let runs = 0;
  let prevFirst = 0; // runs of the previous row: [prevFirst, prevEnd)
  let prevEnd = 0;
  for (let y = 0; y < H; y++) {
    const row = y * W;
    const rowFirst = runs;
    let j = prevFirst;
    let x = 0;
    while (x < W) {
      if (!(prob[row + x]! > t)) {
        x++;
        continue;
      }
      const start = x;
      while (x < W && prob[row + x]! > t) x++;
      const end = x - 1;
      const r = runs++;
      runStart[r] = start;
      runEnd[r] = end;
      runRow[r] = y;
      parent[r] = r;
      // Previous-row runs touching [start-1, end+1] (8-connectivity) join this run's region.
      while (j < prevEnd && runEnd[j]! < start - 1) j++;
      for (let k = j; k < prevEnd && runStart[k]! <= end + 1; k++) {
        const a = find(k);
        const b = find(r);
        if (a !== b) {
          if (a < b) parent[b] = a;
          else parent[a] = b;
        }
      }
    }
    prevFirst = rowFirst;
    prevEnd = runs;
  }

  // Bounding box per region, kept at its root run.
  for (let r = 0; r < runs; r++) {
    const root = find(r);
    if (root === r) {
      minX[r] = runStart[r]!;
      maxX[r] = runEnd[r]!;
      minY[r] = maxY[r] = runRow[r]!;
      continue;
    }
    if (runStart[r]! < minX[root]!) minX[root] = runStart[r]!;
    if (runEnd[r]! > maxX[root]!) maxX[root] = runEnd[r]!;
    if (runRow[r]! > maxY[root]!) maxY[root] = runRow[r]!;
  }

  const out: DbBox[] = [];
  let candidates = 0;
  for (let r = 0; r < runs && candidates < opts.maxCandidates; r++) {
    if (parent[r] !== r) continue;
    candidates++;
    const x1 = minX[r]!,
      x2 = maxX[r]!,
      y1 = minY[r]!,
      y2 = maxY[r]!;
    const w = x2 - x1;
    const h = y2 - y1;
    if (Math.min(w, h) < opts.minSize) continue;
    // score_mode "fast": mean probability inside the box.
    let sum = 0;
    for (let yy = y1; yy <= y2; yy++) {
      const row = yy * W;
      for (let xx = x1; xx <= x2; xx++) sum += prob[row + xx]!;
    }
    const score = sum / ((w + 1) * (h + 1));
    if (score < opts.boxThreshold) continue;
    // Unclip: pyclipper offsets the polygon by area × ratio / perimeter.
    const d = (w * h * opts.unclipRatio) / (2 * (w + h));
    if (Math.min(w, h) + 2 * d < opts.minSize + 2) continue;
    out.push({ box: [x1 - d, y1 - d, x2 + d, y2 + d], score });
  }
  return out;
}
