import { describe, expect, it } from 'vitest';
import { rsePct } from '../../src/bench/stats.js';
import { shouldStop, type MeasureSettings } from '../../src/bench/stop-rule.js';

const s: MeasureSettings = { minSamples: 5, minTimeS: 1, maxTimeS: 3, targetRsePct: 2 };
const steady = [10, 10.1, 9.9, 10, 10.05, 9.95];
const noisy = [5, 20, 7, 30, 2, 25];

describe('stop rule', () => {
  it('never stops before min_samples or min_time_s', () => {
    expect(shouldStop(steady.slice(0, 4), 2, s).stop).toBe(false);
    expect(shouldStop(steady, 0.5, s).stop).toBe(false);
  });

  it('stops stable once RSE is within target after the minimums', () => {
    const d = shouldStop(steady, 1.2, s);
    expect(d).toMatchObject({ stop: true, stable: true });
    if (d.stop) expect(rsePct(steady)).toBeLessThan(2);
  });

  it('takes a second sample even past max_time_s: one sample has no spread', () => {
    expect(shouldStop([500], 10, s).stop).toBe(false);
    expect(shouldStop([500, 510], 10, s)).toMatchObject({ stop: true, stable: false });
  });

  it('keeps going while noisy, then stops unstable at max_time_s', () => {
    expect(shouldStop(noisy, 2, s).stop).toBe(false);
    const d = shouldStop(noisy, 3, s);
    expect(d).toMatchObject({ stop: true, stable: false });
    if (d.stop) expect(d.reason).toMatch(/max_time_s/);
  });

  it('stops unstable at max_time_s even with too few samples', () => {
    const d = shouldStop([100, 100], 3.1, s);
    expect(d).toMatchObject({ stop: true, stable: false });
    if (d.stop) expect(d.reason).toMatch(/only 2 of 5/);
  });
});
