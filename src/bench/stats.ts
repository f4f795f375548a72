import { mean as ssMean, median as ssMedian, quantileSorted, sampleStandardDeviation } from 'simple-statistics';

/**
 * Every statistic the bench reports lives here (tinybench-style): small pure functions and one
 * `computeStatistics`. Raw samples are in measurement order; `SortedSamples` are ascending.
 * simple-statistics supplies the primitives; the Student-t table is ours because no small,
 * well-kept library exposes the inverse t distribution.
 */

/** Samples sorted ascending; a distinct type so percentile code never sees unsorted data. */
export type SortedSamples = readonly number[] & { readonly __sorted: true };

export function sortSamples(samples: readonly number[]): SortedSamples {
  return [...samples].sort((a, b) => a - b) as unknown as SortedSamples;
}

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('mean of no samples');
  return ssMean(samples as number[]);
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('median of no samples');
  return ssMedian(samples as number[]);
}

/** Sample standard deviation (n - 1 denominator); 0 for a single sample. */
export function standardDeviation(samples: readonly number[]): number {
  return samples.length < 2 ? 0 : sampleStandardDeviation(samples as number[]);
}

/** Standard error of the mean: sd / √n. */
export function standardError(samples: readonly number[]): number {
  return samples.length === 0 ? 0 : standardDeviation(samples) / Math.sqrt(samples.length);
}

/** Relative standard error of the mean, %: how precisely the mean is known. */
export function rsePct(samples: readonly number[]): number {
  const m = mean(samples);
  return m === 0 ? 0 : (standardError(samples) / m) * 100;
}

/**
 * Percentile p ∈ [0, 100] of sorted samples. simple-statistics' quantileSorted: the sample at
 * rank ⌈p·n⌉ (averaging the two neighbours when p·n is a whole number), so p99 of fewer than
 * 100 samples is simply the maximum: see `p99Reliable`.
 */
export function percentile(sorted: SortedSamples, p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  if (p < 0 || p > 100) throw new Error(`percentile ${p} outside 0..100`);
  return quantileSorted(sorted as unknown as number[], p / 100);
}

/** Two-sided 95% Student-t critical values by degrees of freedom (1..30); larger df use the normal limit. */
const T_95: readonly number[] = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tCritical95(df: number): number {
  if (df < 1) return Number.POSITIVE_INFINITY;
  if (df <= 30) return T_95[df - 1]!;
  if (df <= 40) return 2.021;
  if (df <= 60) return 2.0;
  if (df <= 120) return 1.98;
  return 1.96;
}

/**
 * A p99 needs enough samples above it to mean anything: with fewer than this many, it is the
 * maximum of the run (one slow sample), so we flag it rather than print it as a tail latency.
 */
export const MIN_SAMPLES_FOR_P99 = 100;

function p99Reliable(n: number): boolean {
  return n >= MIN_SAMPLES_FOR_P99;
}

export interface Statistics {
  n: number;
  mean: number;
  sd: number;
  /** Standard error of the mean. */
  sem: number;
  /** Relative standard error of the mean, %. */
  rsePct: number;
  /** Half-width of the 95% confidence interval of the mean (Student t). */
  moe: number;
  /** moe / mean, %. */
  rmePct: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  p99Reliable: boolean;
}

export function computeStatistics(samples: readonly number[]): Statistics {
  const n = samples.length;
  if (n === 0) throw new Error('statistics of no samples');
  const sorted = sortSamples(samples);
  const m = mean(samples);
  const sd = standardDeviation(samples);
  const sem = sd / Math.sqrt(n);
  const moe = n < 2 ? Number.POSITIVE_INFINITY : tCritical95(n - 1) * sem;
  return {
    n,
    mean: m,
    sd,
    sem,
    rsePct: m === 0 ? 0 : (sem / m) * 100,
    moe,
    rmePct: m === 0 ? 0 : (moe / m) * 100,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p99Reliable: p99Reliable(n),
  };
}

/** Coefficient of variation, %: sd / mean of a set of repeated results (used by the repeatability benchmark). */
export function cvPct(values: readonly number[]): number {
  const m = mean(values);
  return m === 0 ? 0 : (standardDeviation(values) / m) * 100;
}
