import { UserError } from '../errors.js';
import { computePlan, totalPlans, type Plan } from '../plan/plan.js';
import { colorFor, pickFormatter } from '../report/format.js';
import { planJson } from '../report/plan/json.js';
import { planMarkdown } from '../report/plan/markdown.js';
import type { PlanReport } from '../report/plan/model.js';
import { planTable } from '../report/plan/table.js';
import { loadWorkload } from '../workload/load.js';
import { emit } from './output.js';

export const PLAN_FORMATS = { table: planTable, json: planJson, markdown: planMarkdown };

export interface PlanOptions {
  format: string;
  out?: string;
}

/** Loads and plans each workload file; shared with `gate` and `demo`. */
export async function planFiles(files: string[]): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const file of files) {
    const w = await loadWorkload(file);
    try {
      plans.push(computePlan({ workload: w.workload, tpsSource: w.tpsSource, price: w.price, file, warnings: w.warnings }));
    } catch (err) {
      // The planner throws plain errors only for inputs it cannot plan from (e.g. a bench model with nothing to fit).
      if (err instanceof Error && !(err instanceof UserError) && /cost model|no condition/.test(err.message)) throw UserError.at(file, err.message);
      throw err;
    }
  }
  return plans;
}

export function planReport(plans: Plan[]): PlanReport {
  return plans.length > 1 ? { plans, totals: totalPlans(plans) } : { plans };
}

export async function planCommand(files: string[], opts: PlanOptions): Promise<number> {
  const format = pickFormatter(PLAN_FORMATS, opts.format);
  const plans = await planFiles(files);
  // A file never gets colour codes, whatever FORCE_COLOR says: it is read by tools, not a terminal.
  const color = opts.out ? colorFor({ isTTY: false }, {}) : colorFor(process.stdout);
  await emit(format(planReport(plans), { color }), opts.out);
  return 0;
}
