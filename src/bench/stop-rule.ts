import { rsePct } from './stats.js';

/** When to stop sampling a condition. Times in seconds, precision in %. */
export interface MeasureSettings {
  minSamples: number;
  minTimeS: number;
  maxTimeS: number;
  targetRsePct: number;
}

export type StopDecision = { stop: false } | { stop: true; stable: boolean; reason: string };

/**
 * The stop rule: never before `minSamples` samples and `minTimeS` seconds; then stop as soon
 * as the relative standard error of the mean per-image time is at most `targetRsePct`; at
 * `maxTimeS` stop anyway, marked unstable (the caller adds a warning).
 */
export function shouldStop(samplesMs: readonly number[], elapsedS: number, s: MeasureSettings): StopDecision {
  const n = samplesMs.length;
  // Two samples at least, even past max_time_s: one sample has no spread, and its RSE would be
  // Infinity, which JSON cannot carry.
  if (n < 2) return { stop: false };
  const rse = rsePct(samplesMs);
  const enough = n >= s.minSamples && elapsedS >= s.minTimeS;
  if (enough && rse <= s.targetRsePct)
    return { stop: true, stable: true, reason: `RSE ${rse.toFixed(2)}% ≤ ${+s.targetRsePct.toFixed(2)}%` };
  if (elapsedS >= s.maxTimeS) {
    const why =
      n < s.minSamples ? `only ${n} of ${s.minSamples} samples` : `RSE ${rse.toFixed(2)}% > target ${+s.targetRsePct.toFixed(2)}%`;
    return { stop: true, stable: false, reason: `stopped at max_time_s ${s.maxTimeS}s: ${why}` };
  }
  return { stop: false };
}
