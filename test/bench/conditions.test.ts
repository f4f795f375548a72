import { describe, expect, it } from 'vitest';
import { measurementBlocks, plannedConditions } from '../../src/bench/conditions.js';

describe('measurement blocks', () => {
  const lists = {
    resolutions: [
      { width: 640, height: 480 },
      { width: 1920, height: 1080 },
    ],
    sizesMb: () => [0.1, 0.2, 0.5],
    objects: [0, 5, 20],
  };

  it('keeps every condition of a model in one block, in the suite order, up to the cap', () => {
    const specs = plannedConditions('detection', lists, { kind: 'star' });
    expect(measurementBlocks(specs).map((b) => b.map((s) => s.id))).toEqual([specs.map((s) => s.id)]);
    const full = plannedConditions('detection', lists, { kind: 'full' }); // 18
    expect(measurementBlocks(full, 8).map((b) => b.length)).toEqual([8, 8, 2]);
    expect(measurementBlocks(full, 8).flat()).toEqual(full);
  });
});
