import type { Plan, PlanTotals } from '../contracts/plan.js';
import { roundUsd } from '../core/money.js';

/**
 * Totals over several plans: the sums of the figures each headline shows, like an invoice, so the
 * total always equals the rows above it. Each plan's cost is on its own basis; `bases` says how
 * many of each the sum holds.
 */
export function totalPlans(plans: Plan[]): PlanTotals {
  const sum = (f: (p: Plan) => number) => plans.reduce((s, p) => s + f(p), 0);
  const bases: PlanTotals['bases'] = { simulated: 0, expected: 0, max: 0, min: 0 };
  for (const p of plans) bases[p.costBasis] = (bases[p.costBasis] ?? 0) + 1;
  return {
    workloads: plans.length,
    minInferenceUnits: sum((p) => p.minInferenceUnits),
    maxInferenceUnits: sum((p) => p.maxInferenceUnits),
    monthlyCostUsd: roundUsd(sum((p) => p.monthlyCostUsd)),
    bases,
  };
}
