import { PLAN_SCHEMA_ID } from '../../plan/plan.js';
import type { Formatter } from '../format.js';
import type { PlanReport } from '../../simulate/plan-search.js';

/** One shape for one file or many: `{schema, plans, totals}`, so `jq '.plans[]'` always works. */
export const planJson: Formatter<PlanReport> = (r) => JSON.stringify({ schema: PLAN_SCHEMA_ID, plans: r.plans, totals: r.totals }, null, 2) + '\n';
