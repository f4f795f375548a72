/**
 * The few statistics a load test reports, so `loadtest` runs with the AWS SDK client alone (no
 * statistics package). Percentiles follow the same rule as the bench engine's
 * (simple-statistics' quantileSorted), so a p95 means the same in both results.
 */

/** Samples sorted ascending; only `sortedSamples` makes one. */
export type Sorted = readonly number[] & { readonly __sorted: true };

export function sortedSamples(samples: readonly number[]): Sorted {
  return Float64Array.from(samples).sort() as unknown as Sorted;
}

export function mean(samples: ArrayLike<number>): number {
  if (samples.length === 0) throw new Error('mean of no samples');
  let total = 0;
  for (let i = 0; i < samples.length; i++) total += samples[i]!;
  return total / samples.length;
}

/**
 * The p-th percentile (0-100) by quantileSorted's rule: with n·p/100 between two ranks, the
 * higher one; on a rank, the mean of it and the next for an even n, the next alone for an odd n.
 */
export function percentile(sorted: Sorted, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('percentile of no samples');
  if (p < 0 || p > 100) throw new Error(`percentile ${p} outside 0..100`);
  const q = p / 100;
  if (q === 1) return sorted[n - 1]!;
  if (q === 0) return sorted[0]!;
  const idx = n * q;
  if (idx % 1 !== 0) return sorted[Math.ceil(idx) - 1]!;
  if (n % 2 === 0) return (sorted[idx - 1]! + sorted[idx]!) / 2;
  return sorted[idx]!;
}
