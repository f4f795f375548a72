import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { dbBoxes, DB_DEFAULTS, type DbBox, type DbOptions } from '../../../src/bench/models/db.js';
import { nmsPerClass } from '../../../src/bench/models/nms.js';

/** The run-based labelling against a plain flood fill written the obvious way. */
function reference(prob: Float32Array, W: number, H: number, o: DbOptions): DbBox[] {
  const seen = new Uint8Array(W * H);
  const out: DbBox[] = [];
  for (let s = 0; s < W * H; s++) {
    if (seen[s] || !(prob[s]! > o.binaryThreshold)) continue;
    const stack = [s];
    seen[s] = 1;
    let x1 = W,
      y1 = H,
      x2 = -1,
      y2 = -1;
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % W,
        y = Math.floor(p / W);
      x1 = Math.min(x1, x);
      x2 = Math.max(x2, x);
      y1 = Math.min(y1, y);
      y2 = Math.max(y2, y);
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx,
            ny = y + dy,
            q = ny * W + nx;
          if (nx >= 0 && ny >= 0 && nx < W && ny < H && !seen[q] && prob[q]! > o.binaryThreshold) {
            seen[q] = 1;
            stack.push(q);
          }
        }
    }
    const w = x2 - x1,
      h = y2 - y1;
    if (Math.min(w, h) < o.minSize) continue;
    let sum = 0;
    for (let y = y1; y <= y2; y++) for (let x = x1; x <= x2; x++) sum += prob[y * W + x]!;
    const score = sum / ((w + 1) * (h + 1));
    if (score < o.boxThreshold) continue;
    const d = (w * h * o.unclipRatio) / (2 * (w + h));
    if (Math.min(w, h) + 2 * d < o.minSize + 2) continue;
    out.push({ box: [x1 - d, y1 - d, x2 + d, y2 + d], score });
  }
  return out;
}

const map = (rows: string[]) => {
  const W = rows[0]!.length;
  return { W, H: rows.length, prob: Float32Array.from(rows.join('').split(''), (c) => (c === '#' ? 0.9 : 0)) };
};

describe('dbBoxes', () => {
  test('a U shape is one region (branches merge later), diagonal neighbours connect', () => {
    const { W, H, prob } = map([
      '#.....#.......',
      '#.....#.......',
      '#.....#.......',
      '#######.......',
      '........#.....',
      '.........#....',
      '..........#...',
      '...........#..',
    ]);
    const opts = { ...DB_DEFAULTS, minSize: 1, boxThreshold: 0 };
    const boxes = dbBoxes(prob, W, H, opts);
    expect(boxes).toHaveLength(2);
    expect(boxes).toEqual(reference(prob, W, H, opts));
    const d = (6 * 3 * 1.5) / (2 * 9);
    expect(boxes[0]!.box).toEqual([-d, -d, 6 + d, 3 + d]);
  });

  test('the same regions, boxes and scores as a flood fill, on random maps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 18 }),
        fc.array(fc.float({ min: 0, max: 1, noNaN: true }), { minLength: 24 * 18, maxLength: 24 * 18 }),
        fc.constantFrom(0.3, 0.6),
        fc.integer({ min: 0, max: 3 }),
        (W, H, values, threshold, minSize) => {
          const prob = Float32Array.from(values.slice(0, W * H));
          const opts = { ...DB_DEFAULTS, binaryThreshold: threshold, boxThreshold: 0.3, minSize };
          const got = dbBoxes(prob, W, H, opts);
          const want = reference(prob, W, H, opts);
          expect(got.map((b) => b.box)).toEqual(want.map((b) => b.box));
          got.forEach((b, i) => expect(b.score).toBeCloseTo(want[i]!.score, 5));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('nmsPerClass', () => {
  test('suppresses overlaps within a class only, best first, capped', () => {
    const c = {
      boxes: [0, 0, 10, 10, 1, 0, 11, 10, 0, 0, 10, 10, 20, 20, 30, 30],
      scores: [0.5, 0.9, 0.8, 0.7],
      classes: [0, 0, 1, 0],
    };
    expect(nmsPerClass(c, 0.5, 10)).toEqual([1, 2, 3]);
    expect(nmsPerClass(c, 0.5, 2)).toEqual([1, 2]);
    expect(nmsPerClass(c, 0.95, 10)).toEqual([1, 2, 3, 0]); // IoU 9/11 ≈ 0.82 is below 0.95
  });
});
