import { describe, expect, it } from 'vitest';
import {
  computeStatistics,
  cvPct,
  mean,
  percentile,
  rsePct,
  sortSamples,
  standardDeviation,
  standardError,
  tCritical95,
} from '../../src/bench/stats.js';

describe('stats', () => {
  // Known data set: 2,4,4,4,5,5,7,9 has mean 5 and population sd 2, sample sd √(32/7).
  const data = [2, 4, 4, 4, 5, 5, 7, 9];

  it('mean, sample sd, standard error, rse on a known set', () => {
    expect(mean(data)).toBe(5);
    expect(standardDeviation(data)).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(standardError(data)).toBeCloseTo(Math.sqrt(32 / 7) / Math.sqrt(8), 12);
    expect(rsePct(data)).toBeCloseTo((Math.sqrt(32 / 7) / Math.sqrt(8) / 5) * 100, 10);
    expect(standardDeviation([3])).toBe(0);
  });

  it('percentiles of 1..100 and of a small set', () => {
    const s = sortSamples(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(percentile(s, 50)).toBe(50.5);
    expect(percentile(s, 90)).toBe(90.5);
    expect(percentile(s, 99)).toBe(99.5);
    expect(percentile(s, 100)).toBe(100);
    const small = sortSamples([5, 1, 3]);
    expect(percentile(small, 50)).toBe(3);
    expect(percentile(small, 99)).toBe(5);
    expect(() => percentile(small, 101)).toThrow();
  });

  it('Student t margin uses the table for small n and 1.96 for large n', () => {
    expect(tCritical95(1)).toBe(12.706);
    expect(tCritical95(7)).toBe(2.365);
    expect(tCritical95(1000)).toBe(1.96);
    const st = computeStatistics(data);
    expect(st.moe).toBeCloseTo(2.365 * st.sem, 12);
    expect(st.rmePct).toBeCloseTo((st.moe / 5) * 100, 12);
    expect(st.min).toBe(2);
    expect(st.max).toBe(9);
  });

  it('flags p99 as unreliable below 100 samples', () => {
    expect(computeStatistics(data).p99Reliable).toBe(false);
    expect(computeStatistics(Array.from({ length: 100 }, (_, i) => i)).p99Reliable).toBe(true);
  });

  it('coefficient of variation', () => {
    expect(cvPct([10, 10, 10])).toBe(0);
    expect(cvPct([9, 11])).toBeCloseTo((Math.SQRT2 / 10) * 100, 10);
  });
});
