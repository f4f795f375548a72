import { PLAN_SCHEMA_ID } from '../../plan/plan.js';
import type { Formatter } from '../format.js';
import type { PlanReport } from './model.js';

/** One file: one plan object. Several: `{schema, plans, totals}`. Both carry the schema id. */
export const planJson: Formatter<PlanReport> = (r) => {
  const body =
    r.plans.length === 1 ? { schema: PLAN_SCHEMA_ID, ...r.plans[0] } : { schema: PLAN_SCHEMA_ID, plans: r.plans, totals: r.totals };
  return JSON.stringify(body, null, 2) + '\n';
};
