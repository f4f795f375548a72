import { describe, expect, it } from 'vitest';
import { LOOSEST, stopTargets } from '../../src/bench/stop-targets.js';

const point = (sourceMegapixels: number, sizeMb: number) => ({ sourceMegapixels, sizeMb, inputMegapixels: 0.1, objects: 0 });

describe('stopTargets: each condition stops at its share of the prediction error', () => {
  it('asks the target of a condition predictions lean on, and less of one they barely use', () => {
    // Four corners of (pixels, bytes) and three near-copies of the middle: the corners carry the
    // slopes (any prediction away from the middle leans on them), each middle copy little. Times
    // of one magnitude (a large intercept), so relative errors weigh alike everywhere.
    const points = [point(0.3, 0.05), point(0.3, 1), point(8, 0.05), point(8, 1), point(4, 0.5), point(4.1, 0.52), point(3.9, 0.48)];
    const ms = points.map((p) => 100 + p.sourceMegapixels + 2 * p.sizeMb);
    const t = stopTargets(points, ms, 2);
    for (const x of t) {
      expect(x).toBeGreaterThanOrEqual(2);
      expect(x).toBeLessThanOrEqual(LOOSEST * 2);
    }
    const corners = t.slice(0, 4);
    const middles = t.slice(4);
    expect(Math.min(...middles)).toBeGreaterThan(Math.max(...corners));
  });

  it('is the suite target for every condition when there are too few to fit (no more conditions than coefficients)', () => {
    const points = [point(0.3, 0.05), point(8, 1), point(4, 0.2)];
    expect(stopTargets(points, [10, 100, 50], 2)).toEqual([2, 2, 2]);
  });

  it('is the suite target when an estimate is unusable', () => {
    const points = [point(0.3, 0.05), point(0.3, 1), point(8, 0.05), point(8, 1), point(4, 0.5)];
    expect(stopTargets(points, [10, 20, 30, Number.NaN, 25], 2)).toEqual([2, 2, 2, 2, 2]);
  });
});
