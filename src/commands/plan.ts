import { UserError } from '../errors.js';
import { computePlan, totalPlans, type Plan } from '../plan/plan.js';
import { colorFor, pickFormatter } from '../report/format.js';
import { planJson } from '../report/plan/json.js';
import { planMarkdown } from '../report/plan/markdown.js';
import type { PlanReport } from '../report/plan/model.js';
import { planTable } from '../report/plan/table.js';
import { searchForPlan, withSeriesTraffic, type TimeSearch } from '../plan/simulate-result.js';
import { loadWorkload, type LoadedWorkload } from '../workload/load.js';
import { loadDemandSeries } from '../workload/trace.js';
import { emit } from './output.js';

export const PLAN_FORMATS = { table: planTable, json: planJson, markdown: planMarkdown };

export interface PlanOptions {
  format: string;
  out?: string;
}

export type PlanWithSearch = Plan & { timeSearch?: TimeSearch };

/** Loads and plans each workload file; shared with `gate` and `demo`. */
export async function planFiles(files: string[]): Promise<PlanWithSearch[]> {
  return (await planLoadedFiles(files)).map((x) => x.plan);
}

/** planFiles, keeping each loaded workload (its budget and located YAML doc) next to its plan; for `gate`. */
export async function planLoadedFiles(files: string[]): Promise<Array<{ plan: PlanWithSearch; loaded: LoadedWorkload }>> {
  const out: Array<{ plan: PlanWithSearch; loaded: LoadedWorkload }> = [];
  // Read every file at once so the waits overlap; report the first problem in command-line order.
  const settled = await Promise.allSettled(files.map((file) => loadWorkload(file)));
  for (const [i, file] of files.entries()) {
    const s = settled[i]!;
    if (s.status === 'rejected') throw s.reason;
    const w = s.value;
    try {
      // With traffic over time, peak/baseline may come from it, and the Min/Max search runs on it.
      const traffic = await loadDemandSeries(w);
      const workload = traffic ? withSeriesTraffic(w.workload, traffic.series) : w.workload;
      const plan = computePlan({ workload, tpsSource: w.tpsSource, price: w.price, file, warnings: w.warnings });
      out.push({
        plan: traffic
          ? { ...plan, timeSearch: searchForPlan(workload, w.tpsSource, w.price, traffic.series, traffic.source, plan.minInferenceUnits, plan.maxInferenceUnits) }
          : plan,
        loaded: { ...w, workload },
      });
    } catch (err) {
      // The planner throws plain errors only for inputs it cannot plan from (e.g. a bench model with nothing to fit).
      if (err instanceof Error && !(err instanceof UserError) && /cost model|no condition/.test(err.message)) throw UserError.at(file, err.message);
      throw err;
    }
  }
  return out;
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
