import type { PlanReport } from '../../contracts/plan.js';
import type { Formatter } from '../format.js';

/** One shape for one file or many: `{schema, plans, totals}`, so `jq '.plans[]'` always works. */
export const planJson: Formatter<PlanReport> = (r) => JSON.stringify(r, null, 2) + '\n';
