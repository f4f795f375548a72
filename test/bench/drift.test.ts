import { describe, expect, it } from 'vitest';
import { conditionMeans, fitSlowness, speedTrace, type TimedSample } from '../../src/bench/drift.js';

/** A deterministic pseudo-random stream (mulberry32), so the noisy cases are the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Interleaved rounds of conditions whose true times are `mu`, on a machine whose slowness at t is `slow(t)`. */
function interleaved(mu: number[], rounds: number, slow: (t: number) => number, noise = 0, seed = 1): TimedSample[] {
  const rnd = random(seed);
  const out: TimedSample[] = [];
  let t = 0;
  for (let r = 0; r < rounds; r++) {
    for (const [c, m] of mu.entries()) {
      const ms = m * slow(t) * (1 + noise * (2 * rnd() - 1));
      out.push({ condition: c, atS: t, ms });
      t += ms / 1000;
    }
  }
  return out;
}

describe('fitSlowness: the machine speed seen by interleaved conditions', () => {
  it('recovers the conditions’ ratios on a machine that slows down by 40% during the block', () => {
    const mu = [50, 100, 150, 200];
    const samples = interleaved(mu, 40, (t) => 1 + 0.4 * (t / 20));
    const end = samples.at(-1)!.atS;
    const slowness = fitSlowness(samples, mu.length, 0.5);
    const means = conditionMeans(samples, slowness, mu.length);
    // Uncorrected, the means' ratios are the true ones (every condition saw the same drift on
    // average); per sample, the correction takes the ramp out: late samples are scaled down.
    for (const [c, m] of means.entries()) expect(Math.abs(m / means[0]! / (mu[c]! / mu[0]!) - 1)).toBeLessThan(0.005);
    const corrected = samples.map((s, i) => s.ms / slowness[i]!);
    const spread = (xs: number[]) => Math.max(...xs) / Math.min(...xs) - 1;
    const ofCondition = (c: number, xs: number[]) => xs.filter((_, i) => samples[i]!.condition === c);
    expect(
      spread(
        ofCondition(
          1,
          samples.map((s) => s.ms),
        ),
      ),
    ).toBeGreaterThan(0.35);
    expect(spread(ofCondition(1, corrected))).toBeLessThan(0.05);
    // The trace shows the machine getting slower: speed falls from above 1 to below it.
    const trace = speedTrace(samples, slowness);
    expect(trace[0]!.speed).toBeGreaterThan(1.1);
    expect(trace.at(-1)!.speed).toBeLessThan(0.9);
    expect(trace.at(-1)!.atS).toBeLessThanOrEqual(end);
  });

  it('on a steady machine with noisy samples it corrects little, and never flattens a condition’s own noise', () => {
    const mu = [20, 40, 60];
    const samples = interleaved(mu, 60, () => 1, 0.2, 7);
    const slowness = fitSlowness(samples, mu.length, 0.5);
    for (const s of slowness) expect(Math.abs(s - 1)).toBeLessThan(0.15);
    // The corrected samples of a condition keep (about) the spread they had: the sample's own
    // condition never enters its slowness estimate.
    const sd = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
    };
    const raw = samples.filter((s) => s.condition === 2).map((s) => s.ms);
    const corrected = samples.flatMap((s, i) => (s.condition === 2 ? [s.ms / slowness[i]!] : []));
    expect(sd(corrected) / sd(raw)).toBeGreaterThan(0.8);
  });

  it('one slow spike does not move the speed of the samples around it', () => {
    // Conditions of 100-250 ms (a window of ±0.5 s holds a few samples) and one sample that ran 3×
    // its time (a page-fault storm, a neighbour's burst): the other samples' slowness stays what it
    // was without the spike, give or take one rank of a small window (a windowed mean moved it by up to 45%).
    const mu = [100, 150, 200, 250];
    const samples = interleaved(mu, 30, () => 1, 0.05, 3);
    const without = fitSlowness(samples, mu.length, 0.5);
    const spike = 41;
    samples[spike] = { ...samples[spike]!, ms: samples[spike]!.ms * 3 };
    const withSpike = fitSlowness(samples, mu.length, 0.5);
    for (const [i, s] of withSpike.entries()) if (i !== spike) expect(Math.abs(s / without[i]! - 1)).toBeLessThan(0.08);
  });

  it('with one condition there is no yardstick: nothing is corrected', () => {
    const samples = interleaved([30], 20, (t) => 1 + t);
    expect(fitSlowness(samples, 1, 0.5)).toEqual(samples.map(() => 1));
  });

  it('when only one condition is left, its samples take the speed of the nearest others', () => {
    const early = interleaved([30, 60], 10, () => 1);
    let t = early.at(-1)!.atS + 0.1;
    const late: TimedSample[] = [];
    for (let k = 0; k < 20; k++, t += 0.06) late.push({ condition: 1, atS: t, ms: 60 + (k % 2) });
    const samples = [...early, ...late];
    const slowness = fitSlowness(samples, 2, 0.5);
    for (const s of slowness) expect(Number.isFinite(s) && s > 0).toBe(true);
  });
});
