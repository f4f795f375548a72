/**
 * The machine's speed over a block of interleaved conditions, and every sample brought back to the
 * block's average speed. Pure: timed samples in, per-sample slowness out.
 *
 * Every sample is a reference for the others: condition c's sample i takes
 *   ms_i = μ_c × slowness(t_i) × noise,
 * where μ_c is c's time at the block's average speed and slowness(t) moves slowly with whatever
 * else the machine runs (noisy neighbours, frequency, a build beside the bench). Conditions are
 * interleaved round by round, so at every moment several conditions are measured and the two
 * factors separate: μ_c is the mean of c's samples divided by the slowness at their times, and the
 * slowness at a time is the median of the other conditions' samples around it divided by their μ.
 * A sample's own condition is left out of its slowness, so a condition cannot flatten its own
 * noise away and look more precise than it is.
 */
import { median } from './stats.js';

/** One measured sample as the speed model sees it. */
export interface TimedSample {
  /** Index of the sample's condition in the block. */
  condition: number;
  /** When the sample started, s since the block's first measured sample (wall clock). */
  atS: number;
  /** Its time in the unit's clock, ms. */
  ms: number;
}

/** Fewest samples of other conditions a slowness estimate stands on; the window widens to find them. */
const MIN_NEIGHBOURS = 3;
/** Alternations of the two estimates; the fit settles within a few. */
const ITERATIONS = 4;

/**
 * Slowness per sample, in input order (1 = the block's average speed; 1.1 = 10% slower then).
 * `halfWindowS`: how far in time the other conditions' samples count (a box window, t ± halfWindowS).
 * Samples must be in time order. With one condition only there is nothing to compare with: all 1.
 */
export function fitSlowness(samples: readonly TimedSample[], conditions: number, halfWindowS: number): number[] {
  const n = samples.length;
  const slowness = new Array<number>(n).fill(1);
  if (n === 0 || new Set(samples.map((s) => s.condition)).size < 2) return slowness;
  for (let iter = 0; iter < ITERATIONS; iter++) {
    const mu = conditionMeans(samples, slowness, conditions);
    const relative = samples.map((s) => s.ms / mu[s.condition]!);
    for (let i = 0; i < n; i++) slowness[i] = othersMedian(samples, relative, i, halfWindowS);
    const avg = slowness.reduce((a, b) => a + b, 0) / n;
    for (let i = 0; i < n; i++) slowness[i]! /= avg;
  }
  return slowness;
}

/** Each condition's mean time at the average speed: its samples divided by the slowness at their times. */
export function conditionMeans(samples: readonly TimedSample[], slowness: readonly number[], conditions: number): number[] {
  const sum = new Array<number>(conditions).fill(0);
  const count = new Array<number>(conditions).fill(0);
  samples.forEach((s, i) => {
    sum[s.condition]! += s.ms / slowness[i]!;
    count[s.condition]!++;
  });
  return sum.map((x, c) => (count[c] ? x / count[c]! : NaN));
}

/**
 * The median relative time of other conditions' samples within ±half of sample i, the window
 * widened until it holds MIN_NEIGHBOURS. A median, not a mean: noise on a shared machine comes in
 * spikes (a sample that paid a page-fault storm or a neighbour's burst runs 2-3× its usual time),
 * and one spike in a window of cheap samples would move a mean by tens of percent and pass that
 * on to every sample corrected by it.
 */
function othersMedian(samples: readonly TimedSample[], relative: readonly number[], i: number, halfWindowS: number): number {
  const own = samples[i]!.condition;
  for (let half = halfWindowS; ; half *= 2) {
    const lo = lowerBound(samples, samples[i]!.atS - half);
    const hi = upperBound(samples, samples[i]!.atS + half);
    const others: number[] = [];
    for (let k = lo; k < hi; k++) if (samples[k]!.condition !== own) others.push(relative[k]!);
    if (others.length >= MIN_NEIGHBOURS || (lo === 0 && hi === samples.length)) return others.length ? median(others) : 1;
  }
}

/** First index whose start is ≥ t. */
function lowerBound(samples: readonly TimedSample[], t: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid]!.atS < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose start is > t. */
function upperBound(samples: readonly TimedSample[], t: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid]!.atS <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** At most this many points in a saved speed trace: enough to see the drift, small in the file. */
const MAX_TRACE_POINTS = 60;

/**
 * The speed trace: relative speed (1 / slowness; 1 = the block's average, 0.9 = 10% slower) over
 * time, averaged into at most MAX_TRACE_POINTS equal slices of the block.
 */
export function speedTrace(samples: readonly TimedSample[], slowness: readonly number[]): Array<{ atS: number; speed: number }> {
  if (samples.length === 0) return [];
  const end = samples.at(-1)!.atS;
  const slices = Math.max(1, Math.min(MAX_TRACE_POINTS, Math.floor(samples.length / 4)));
  const width = end / slices || 1;
  const out: Array<{ atS: number; speed: number }> = [];
  let i = 0;
  for (let k = 0; k < slices && i < samples.length; k++) {
    let sum = 0;
    let count = 0;
    let atSum = 0;
    while (i < samples.length && (samples[i]!.atS < (k + 1) * width || k === slices - 1)) {
      sum += slowness[i]!;
      atSum += samples[i]!.atS;
      count++;
      i++;
    }
    if (count) out.push({ atS: atSum / count, speed: count / sum });
  }
  return out;
}
