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

  it('groups conditions by resolution, in the suite order', () => {
    const specs = plannedConditions('detection', lists, 'star');
    const blocks = measurementBlocks(specs);
    expect(blocks.map((b) => b.map((s) => s.id))).toEqual([
      ['640x480-0.1mb-5obj', '640x480-0.2mb-5obj', '640x480-0.5mb-5obj', '640x480-0.2mb-0obj', '640x480-0.2mb-20obj'],
      ['1920x1080-0.1mb-5obj', '1920x1080-0.2mb-5obj', '1920x1080-0.5mb-5obj', '1920x1080-0.2mb-0obj', '1920x1080-0.2mb-20obj'],
    ]);
  });

  it('splits a large resolution group into blocks of at most the cap, and joins scattered ones', () => {
    const specs = plannedConditions('detection', lists, 'full'); // 9 per resolution
    expect(measurementBlocks(specs, 4).map((b) => b.length)).toEqual([4, 4, 1, 4, 4, 1]);
    const scattered = [specs[0]!, specs[9]!, specs[1]!];
    expect(measurementBlocks(scattered).map((b) => b.map((s) => s.width))).toEqual([[640, 640], [1920]]);
  });
});
