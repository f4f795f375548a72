import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bracket, nextStep, roundLevel, type SearchSettings, type StepVerdict } from '../../src/loadtest/search.js';

const open: SearchSettings = { start: 1, growth: 2, resolutionPct: 10, maxSteps: 30, integer: false, maxLevel: 4096 };
const users: SearchSettings = { ...open, integer: true, maxLevel: 256 };

/** A fleet of exact capacity C: clean up to C; overloaded, it completes C per second. */
function run(capacity: number, s: SearchSettings): { steps: StepVerdict[]; stop: string } {
  const steps: StepVerdict[] = [];
  for (;;) {
    const n = nextStep(steps, s);
    if ('stop' in n) return { steps, stop: n.stop };
    steps.push({ level: n.level, clean: n.level <= capacity, achievedTps: Math.min(n.level, capacity) });
  }
}

/**
 * The exact fleet with latencies: `units` units, each call taking `units × 1000 / capacity` ms
 * while the fleet is not overloaded. `reportedUnits` is what DescribeProjectVersions said.
 */
function runTimed(capacity: number, units: number, s: SearchSettings, reportedUnits = units): { steps: StepVerdict[]; stop: string } {
  const steps: StepVerdict[] = [];
  const settings = { ...s, units: reportedUnits };
  for (;;) {
    const n = nextStep(steps, settings);
    if ('stop' in n) return { steps, stop: n.stop };
    const clean = n.level <= capacity;
    steps.push({
      level: n.level,
      clean,
      achievedTps: Math.min(n.level, capacity),
      meanLatencyMs: clean ? (units * 1000) / capacity : 5000,
    });
  }
}

describe('step search', () => {
  it('ramps by doubling from the start while clean', () => {
    expect(nextStep([], open)).toEqual({ level: 1, phase: 'ramp' });
    const h = [1, 2, 4].map((level) => ({ level, clean: true, achievedTps: level }));
    expect(nextStep(h, open)).toEqual({ level: 8, phase: 'ramp' });
  });

  it('probes just under what the throttled step achieved, then just over the last clean step', () => {
    // Worked by hand: capacity 100. Ramp 1..64 clean, 128 throttled achieving 100/s.
    // Probe 1: 100 × (1 − 0.05) = 95 (clean). Probe 2: min(95 × 1.09, mid(95, 128) = 111.5) = 103.55 → 104 (throttled).
    // (104 − 95) / 95 = 9.5% ≤ 10%: converged, 10 steps in all.
    const r = run(100, open);
    expect(r.steps.map((s) => s.level)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 95, 104]);
    expect(r.stop).toBe('converged');
  });

  it("jumps the open-loop ramp to 0.8 × the capacity a clean step's latency proves (worked by hand)", () => {
    // Capacity 100 on 1 unit: 10 ms a call. After 1 TPS clean at 10 ms, the fleet does at least
    // 1 × 1000 / 10 = 100 TPS: jump to 80 (not 2). 80 clean → doubling, 160 throttled achieving 100 →
    // 95 clean → 104 throttled: converged in 5 steps instead of 10.
    const r = runTimed(100, 1, open);
    expect(r.steps.map((s) => s.level)).toEqual([1, 80, 160, 95, 104]);
    expect(r.stop).toBe('converged');
    // Users mode keeps the AWS sample's plain doubling.
    expect(runTimed(5, 1, users).steps.map((s) => s.level)).toEqual([1, 2, 4, 8, 6, 5]);
  });

  it('recovers when the latency bound is wrong (fewer units serve than reported)', () => {
    // 4 units reported, 1 serving at 10 ms: the bound says 400 TPS, the jump to 320 throttles
    // achieving 100, and the bisection finds 100 below it.
    const r = runTimed(100, 1, open, 4);
    expect(r.steps.map((s) => s.level)).toEqual([1, 320, 95, 104]);
    expect(r.stop).toBe('converged');
  });

  it('with latencies, converges within 10 steps for any capacity and fleet size (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.6, max: 4000, noNaN: true }), fc.integer({ min: 1, max: 16 }), (capacity, units) => {
        const r = runTimed(capacity, units, open);
        expect(r.stop).toBe('converged');
        const { lo, hi } = bracket(r.steps);
        expect(lo!.level).toBeLessThanOrEqual(capacity);
        expect(hi!.level).toBeGreaterThan(capacity);
        expect((hi!.level - lo!.level) / lo!.level).toBeLessThanOrEqual(0.11);
        expect(r.steps.length).toBeLessThanOrEqual(10);
      }),
      { numRuns: 500 },
    );
  });

  it('bisects users as whole numbers until adjacent', () => {
    const r = run(5, users);
    expect(r.steps.map((s) => s.level)).toEqual([1, 2, 4, 8, 6, 5]);
    expect(r.stop).toBe('converged');
  });

  it('stops at the ramp ceiling when nothing throttles, after max steps, and when the first step already throttles', () => {
    expect(run(1e9, { ...open, maxLevel: 10 }).steps.map((s) => s.level)).toEqual([1, 2, 4, 8, 10]);
    expect(run(1e9, { ...open, maxLevel: 10 }).stop).toBe('no-throttling');
    expect(run(1000, { ...open, maxSteps: 3 })).toEqual({ steps: expect.any(Array), stop: 'max-steps' });
    expect(run(1000, { ...open, maxSteps: 3 }).steps).toHaveLength(3);
    const atStart = run(0.01, { ...open, start: 8 });
    expect(atStart.steps.map((s) => s.level)).toEqual([8, 4, 2, 1, 0.5]);
    expect(atStart.stop).toBe('throttled-at-start');
  });

  it('keeps the bracket sane when noise makes a step above a throttled one clean', () => {
    const h: StepVerdict[] = [
      { level: 50, clean: true, achievedTps: 50 },
      { level: 100, clean: false, achievedTps: 80 },
      { level: 120, clean: true, achievedTps: 120 },
    ];
    expect(bracket(h)).toEqual({ lo: h[0], hi: h[1] });
  });

  it('rounds offered levels to three significant figures', () => {
    expect(roundLevel(187.345, false)).toBe(187);
    expect(roundLevel(12.345, false)).toBe(12.3);
    expect(roundLevel(0.5, false)).toBe(0.5);
    expect(roundLevel(2.4, true)).toBe(2);
  });

  it('for any capacity, brackets it within the resolution (property, against the exact fleet)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.6, max: 3000, noNaN: true }),
        fc.double({ min: 2, max: 25, noNaN: true }),
        (capacity, resolutionPct) => {
          const r = run(capacity, { ...open, resolutionPct });
          expect(r.stop).toBe('converged');
          const { lo, hi } = bracket(r.steps);
          expect(lo!.level).toBeLessThanOrEqual(capacity);
          expect(hi!.level).toBeGreaterThan(capacity);
          // Rounding to three significant figures can leave the last pair a hair wider than asked.
          expect((hi!.level - lo!.level) / lo!.level).toBeLessThanOrEqual(resolutionPct / 100 + 0.01);
          expect(r.steps.length).toBeLessThanOrEqual(Math.ceil(Math.log2(capacity)) + 2 + 6);
        },
      ),
      { numRuns: 300 },
    );
  });
});
