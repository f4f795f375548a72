import type { Plan, Saving } from '../contracts/plan.js';
import { formatUsd } from '../core/money.js';
import { formatCount, formatPct } from '../core/numbers.js';
import type { ResolvedWorkload } from '../workload/resolve.js';
import type { Replan } from './savings-replan.js';

/** The limits a team usually weighs: none, one in ten thousand, one in a thousand, one in a hundred. */
const TRADEOFF_LIMITS_PCT = [0, 0.01, 0.1, 1] as const;

/**
 * The answer searched again at each max_throttled_pct, so a team sees where the cost bends. It is
 * information, not a saving: a limit above the workload's would break it, so monthlySavingUsd is 0
 * and the figures above the limit are what changing the workload's limit would buy.
 */
export function throttleTradeoff(r: ResolvedWorkload, plan: Omit<Plan, 'headline' | 'savings'>, replan: Replan): Saving | undefined {
  if (!r.overTime || plan.costByBasis.simulated === undefined) return undefined;
  const w = r.workload;
  const series = r.overTime.series;
  let requests = 0;
  for (let m = 0; m < series.demandTps.length; m++) requests += series.demandTps[m]! * 60;
  const requestsPerMonth = requests * series.monthScale;
  const points = TRADEOFF_LIMITS_PCT.map((limit) => {
    const p =
      limit === w.scaling.max_throttled_pct
        ? plan
        : replan({ ...r, workload: { ...w, scaling: { ...w.scaling, max_throttled_pct: limit } } });
    const throttledPct = p.search?.feasible ? p.search.throttledPct : (p.staticRule.simulated?.throttledPct ?? 0);
    return {
      maxThrottledPct: limit,
      feasible: p.search?.feasible ?? false,
      minInferenceUnits: p.minInferenceUnits,
      maxInferenceUnits: p.maxInferenceUnits,
      monthlyCostUsd: p.costByBasis.simulated ?? p.monthlyCostUsd,
      throttledPct,
      throttledRequestsPerMonth: Math.round((throttledPct / 100) * requestsPerMonth),
    };
  });
  const text = (x: (typeof points)[number]) =>
    `${formatPct(x.maxThrottledPct)}: Min ${x.minInferenceUnits} / Max ${x.maxInferenceUnits} ${formatUsd(x.monthlyCostUsd)}, ${formatPct(x.throttledPct)} of ${formatCount(Math.round(requestsPerMonth))} requests = ${formatCount(x.throttledRequestsPerMonth)} throttled a month${x.feasible ? '' : ' (no pair within it)'}`;
  return {
    kind: 'throttle-tradeoff',
    title: `what throttling buys: ${points.map((x) => `${formatUsd(x.monthlyCostUsd)} at ${formatPct(x.maxThrottledPct)}`).join(', ')} (the workload allows ${formatPct(w.scaling.max_throttled_pct)}; a higher limit is a decision, not a saving)`,
    monthlySavingUsd: 0,
    monthlyCostUsd: plan.monthlyCostUsd,
    derivation: `each limit searched like the answer (simulated minute by minute, zone promise kept): ${points.map(text).join('; ')}`,
    tradeoff: points,
  };
}
