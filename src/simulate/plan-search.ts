import { computePlan, totalPlans, type Plan, type PlanTotals } from '../plan/plan.js';
import type { ResolvedWorkload } from '../workload/resolve.js';
import type { TimeSearch } from './time-search.js';

export type PlanWithSearch = Plan & { timeSearch?: TimeSearch };

/** What every plan view renders: the plans and their totals. */
export interface PlanReport {
  /** timeSearch: present when the workload has a traffic profile or trace. */
  plans: PlanWithSearch[];
  totals: PlanTotals;
}

/**
 * The static plan of each workload and, for traffic over time, the cost-optimal Min/Max search
 * beside it. The simulator is loaded only when a workload needs it, so plain workloads start fast.
 */
export async function planWorkloads(workloads: ResolvedWorkload[]): Promise<PlanReport> {
  const search = workloads.some((r) => r.overTime) ? (await import('./time-search.js')).searchForPlan : undefined;
  const plans = workloads.map((r): PlanWithSearch => {
    const plan = computePlan(r);
    if (!r.overTime || !search) return plan;
    return { ...plan, timeSearch: search(r, r.overTime, plan.minInferenceUnits, plan.maxInferenceUnits) };
  });
  return { plans, totals: totalPlans(plans) };
}
