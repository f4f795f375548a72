import type { ConditionMeasurement } from './measure.js';
import type { BenchCondition, Recheck } from './result-schema.js';

/**
 * How far apart two measurements of one condition may be, in combined standard errors, before
 * the difference is called a change of the machine rather than sampling noise. 3 keeps false
 * alarms rare (about 0.3% for normal errors) even though RSE understates drift.
 */
export const RECHECK_Z = 3;

/**
 * The model's first condition measured again after its last one: the change in TPS says how much
 * the machine's speed moved during the run, a figure RSE (which sees one condition's window only)
 * cannot give. Pure: the two measurements in, the record and its warning (if any) out.
 */
export function recheckOf(before: BenchCondition, again: ConditionMeasurement): { recheck: Recheck; warning?: string } {
  const tps = 1000 / again.stats.mean;
  const changePct = 100 * (tps / before.tps - 1);
  const noisePct = Math.hypot(before.rsePct, again.stats.rsePct);
  const significant = Math.abs(changePct) > RECHECK_Z * noisePct;
  const recheck: Recheck = { conditionId: before.id, tps, samples: again.samples, rsePct: again.stats.rsePct, changePct, significant };
  if (!significant) return { recheck };
  const sign = changePct > 0 ? '+' : '';
  return {
    recheck,
    warning:
      `the machine's speed moved during the run: ${before.id} measured again at the end gave ${tps.toFixed(2)} TPS, ${sign}${changePct.toFixed(1)}% ` +
      `from ${before.tps.toFixed(2)} (more than ${RECHECK_Z}× its standard errors); read every TPS here as ±${Math.abs(changePct).toFixed(0)}% at least, or bench on a quieter machine`,
  };
}
