import { describe, expect, it } from 'vitest';
import { MAX_WARMUP_SAMPLES, warmedUp } from '../../src/bench/measure.js';

describe('warm-up after an input-shape change', () => {
  it('needs at least 6 samples', () => {
    expect(warmedUp([100, 100, 100, 100, 100])).toBe(false);
    expect(warmedUp([100, 100, 100, 100, 100, 100])).toBe(true);
  });
  it('goes on while the last 3 are more than 5% slower than the 3 before', () => {
    // 190,180,170 then 160,150,150: last mean 153.3 <= 180 × 1.05: steady (getting faster is fine)
    expect(warmedUp([190, 180, 170, 160, 150, 150])).toBe(true);
    // 140,140,140 then 150,160,170: 160 > 147: still settling
    expect(warmedUp([140, 140, 140, 150, 160, 170])).toBe(false);
  });
  it('stops at the cap however unsettled', () => {
    const rising = Array.from({ length: MAX_WARMUP_SAMPLES }, (_, i) => 100 * 1.1 ** i);
    expect(warmedUp(rising.slice(0, MAX_WARMUP_SAMPLES - 1))).toBe(false);
    expect(warmedUp(rising)).toBe(true);
  });
});
