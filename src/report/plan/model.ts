import type { Plan, PlanTotals } from '../../plan/plan.js';
import type { TimeSearch } from '../../simulate/time-search.js';

/** What every plan view renders: one or more plans and, for several, their totals. */
export interface PlanReport {
  /** timeSearch: present when the workload has a traffic profile or trace. */
  plans: Array<Plan & { timeSearch?: TimeSearch }>;
  totals?: PlanTotals;
}
