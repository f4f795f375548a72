import { describe, expect, it } from 'vitest';
import type { ConditionMeasurement } from '../../src/bench/measure.js';
import { recheckOf, RECHECK_Z } from '../../src/bench/recheck.js';
import type { BenchCondition } from '../../src/bench/result-schema.js';
import { computeStatistics } from '../../src/bench/stats.js';

const before = { id: '640x480-0.05mb-5obj', tps: 10, rsePct: 1 } as BenchCondition;

/** A measurement whose samples have the given mean (ms) and a small, known spread. */
function again(meanMs: number): ConditionMeasurement {
  const samples = [meanMs * 0.99, meanMs, meanMs * 1.01, meanMs];
  const stats = computeStatistics(samples);
  return {
    samples: samples.length,
    stats,
    stagesMs: { decode: 0, preprocess: 0, infer: meanMs, postprocess: 0 },
    detected: null,
    stable: true,
    measuredS: 0.4,
    warnings: [],
  };
}

describe('drift check', () => {
  it('calls a change within the combined standard errors noise: no warning', () => {
    const a = again(101); // 9.90 TPS: -1%, noise √(1² + 0.41²) ≈ 1.08%
    const { recheck, warning } = recheckOf(before, a);
    expect(recheck.changePct).toBeCloseTo(-0.99, 2);
    expect(recheck.significant).toBe(false);
    expect(warning).toBeUndefined();
  });

  it('calls a change beyond RECHECK_Z standard errors drift, with a warning that gives its size', () => {
    const a = again(112); // 8.93 TPS: -10.7%
    const { recheck, warning } = recheckOf(before, a);
    expect(Math.abs(recheck.changePct)).toBeGreaterThan(RECHECK_Z * Math.hypot(1, a.stats.rsePct));
    expect(recheck).toMatchObject({ conditionId: '640x480-0.05mb-5obj', samples: 4, significant: true });
    expect(recheck.tps).toBeCloseTo(1000 / 112, 9);
    expect(warning).toMatch(/measured again at the end gave 8\.93 TPS, -10\.7% from 10\.00 .*±11%/);
  });
});
