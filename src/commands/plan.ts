import { computePlan, totalPlans, type Plan } from '../plan/plan.js';
import { pickFormatter } from '../report/format.js';
import { planJson } from '../report/plan/json.js';
import { planMarkdown } from '../report/plan/markdown.js';
import type { PlanReport } from '../report/plan/model.js';
import { planTable } from '../report/plan/table.js';
import type { TimeSearch } from '../simulate/time-search.js';
import { loadWorkload } from '../workload/load.js';
import { resolveTraffic, type LoadedResolvedWorkload } from '../workload/traffic.js';
import { colorForOutput, emit } from './output.js';

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
export async function planLoadedFiles(files: string[]): Promise<Array<{ plan: PlanWithSearch; loaded: LoadedResolvedWorkload }>> {
  const out: Array<{ plan: PlanWithSearch; loaded: LoadedResolvedWorkload }> = [];
  // Read every file at once so the waits overlap; report the first problem in command-line order.
  const settled = await Promise.allSettled(files.map(async (file) => resolveTraffic(await loadWorkload(file))));
  for (const [i, file] of files.entries()) {
    const s = settled[i]!;
    if (s.status === 'rejected') throw s.reason;
    const w = s.value;
    const plan = computePlan({ workload: w.workload, tpsSource: w.tpsSource, price: w.price, file, warnings: w.warnings });
    if (!w.overTime) {
      out.push({ plan, loaded: w });
      continue;
    }
    // With traffic over time the Min/Max search runs on it. Loaded only here, so a plain
    // workload's start-up never pays for the simulator.
    const { searchForPlan } = await import('../simulate/time-search.js');
    const timeSearch = searchForPlan(w.workload, w.tpsSource, w.price, w.overTime.series, w.overTime.source, plan.minInferenceUnits, plan.maxInferenceUnits);
    out.push({ plan: { ...plan, timeSearch }, loaded: w });
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
  const color = colorForOutput(opts.out);
  await emit(format(planReport(plans), { color }), opts.out);
  return 0;
}
