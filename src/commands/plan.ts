import { pathPolicy } from '../core/paths.js';
import { EXIT, type ExitCode } from '../core/errors.js';
import { pickFormatter } from '../report/format.js';
import { planJson } from '../report/plan/json.js';
import { planMarkdown } from '../report/plan/markdown.js';
import { planHtml } from '../report/plan/html.js';
import { planTable } from '../report/plan/table.js';
import { planWorkloads } from '../plan/recommend.js';
import { loadWorkloads } from '../workload/resolve.js';
import { emit, renderOptions, workloadInputs } from './output.js';

const PLAN_FORMATS = { table: planTable, json: planJson, markdown: planMarkdown, html: planHtml };

export interface PlanOptions {
  format: string;
  out?: string;
  allowPath?: string[];
}

export async function planCommand(files: string[], opts: PlanOptions): Promise<ExitCode> {
  const format = pickFormatter(PLAN_FORMATS, opts.format);
  const loaded = await loadWorkloads(files, pathPolicy(opts.allowPath));
  const report = await planWorkloads(loaded);
  await emit(format(report, await renderOptions(opts.format, opts.out)), opts.out, workloadInputs(loaded));
  return EXIT.ok;
}
