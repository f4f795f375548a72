import type { Plan, PlanTotals } from '../../plan/plan.js';

/** What every plan view renders: one or more plans and, for several, their totals. */
export interface PlanReport {
  plans: Plan[];
  totals?: PlanTotals;
}
