import { rsePct } from './stats.js';

/** When to stop sampling a condition. Times in seconds, precision in %. */
export interface MeasureSettings {
  minSamples: number;
  minTimeS: number;
  maxTimeS: number;
  targetRsePct: number;
}

export type StopDecision =
  | { stop: false }
  | { stop: true; stable: boolean; rsePct: number; reason: string };

/**
 * The stop rule: never before `minSamples` samples and `minTimeS` seconds; then stop as soon
 * as the relative standard error of the mean per-image time is at most `targetRsePct`; at
 * `maxTimeS` stop anyway, marked unstable (the caller adds a warning).
 */
export function shouldStop(samplesMs: readonly number[], elapsedS: number, s: MeasureSettings): StopDecision {
  const n = samplesMs.length;
  const enough = n >= s.minSamples && elapsedS >= s.minTimeS;
  if (n >= 2 && enough) {
    const rse = rsePct(samplesMs);
    if (rse <= s.targetRsePct) return { stop: true, stable: true, rsePct: rse, reason: `RSE ${rse.toFixed(2)}% ≤ ${s.targetRsePct}%` };
  }
  if (elapsedS >= s.maxTimeS && n >= 1) {
    const rse = n >= 2 ? rsePct(samplesMs) : Number.POSITIVE_INFINITY;
    const why = n < s.minSamples ? `only ${n} of ${s.minSamples} samples` : `RSE ${rse.toFixed(2)}% > target ${s.targetRsePct}%`;
    return { stop: true, stable: false, rsePct: rse, reason: `stopped at max_time_s ${s.maxTimeS}s: ${why}` };
  }
  return { stop: false };
}
