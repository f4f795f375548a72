import { pickFormatter } from '../report/format.js';
import { planJson } from '../report/plan/json.js';
import { planMarkdown } from '../report/plan/markdown.js';
import { planTable } from '../report/plan/table.js';
import { planWorkloads } from '../simulate/plan-search.js';
import { loadWorkloads } from '../workload/resolve.js';
import { emit, renderOptionsFor } from './output.js';

export const PLAN_FORMATS = { table: planTable, json: planJson, markdown: planMarkdown };

export interface PlanOptions {
  format: string;
  out?: string;
}

export async function planCommand(files: string[], opts: PlanOptions): Promise<number> {
  const format = pickFormatter(PLAN_FORMATS, opts.format);
  const report = await planWorkloads(await loadWorkloads(files));
  await emit(format(report, renderOptionsFor(opts.out)), opts.out);
  return 0;
}
