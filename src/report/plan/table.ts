import { forTerminal } from '../../core/escape.js';
import { formatUsd } from '../../core/money.js';
import { formatHours } from '../../core/numbers.js';
import type { Formatter } from '../format.js';
import type { PlanReport } from '../../simulate/plan-search.js';
import { renderTable, wrapLine, type Column } from '../table.js';
import { planHeading, planRows } from './rows.js';

const PLAN_COLUMNS: Column[] = [
  { head: '', wrap: true, minWidth: 16 },
  { head: 'value', align: 'right' },
  { head: 'how', wrap: true, minWidth: 36, under: 'plain' },
];

/** Headlines first (the answer), then each plan's derivation, then the totals. */
export const planTable: Formatter<PlanReport> = (r, { color: c, width }) => {
  const out: string[] = [];
  for (const p of r.plans) out.push(wrapLine(c.bold(p.recommendation.headline), width));
  out.push('');
  for (const p of r.plans) {
    out.push(wrapLine(c.bold(planHeading(p)) + (p.file ? c.dim(`  [${p.file}]`) : ''), width));
    for (const note of p.recommendation.notes) out.push(wrapLine(`note: ${note}`, width));
    const rows = planRows(p).map(({ label, value, how, emphasis }) => [label, emphasis === 'answer' ? c.bold(value) : emphasis === 'alarm' ? c.red(value) : value, c.dim(how)]);
    out.push(renderTable(PLAN_COLUMNS, rows, { color: c, width }));
    // Not wrapped: a command is copied whole, and a wrapped one would not paste.
    if (p.startCommand) out.push(`start it with: ${p.startCommand}`);
    for (const w of p.warnings) out.push(wrapLine(c.yellow(`warning [${w.code}]: ${forTerminal(w.message)}`), width));
    out.push('');
  }
  // One workload is its own total: the totals table is for several.
  if (r.plans.length > 1) {
    const t = r.totals;
    // One row per figure, not one column: seven money columns never fit 80 columns.
    const rows = [
      ['MinInferenceUnits', String(t.minInferenceUnits)],
      ['MaxInferenceUnits', String(t.maxInferenceUnits)],
      ['Inference hours/month (Max)', formatHours(t.inferenceHoursPerMonth.max)],
      ['Monthly cost (Min)', formatUsd(t.monthlyCostUsd.min)],
      ['Monthly cost (Max)', formatUsd(t.monthlyCostUsd.max)],
      ['Monthly cost (expected)', t.monthlyCostUsd.expected !== undefined ? formatUsd(t.monthlyCostUsd.expected) : '— (not every workload has one)'],
    ];
    const columns: Column[] = [{ head: `total of ${r.plans.length} workloads`, wrap: true }, { head: 'value', align: 'right', wrap: true }];
    out.push(renderTable(columns, rows, { color: c, width }));
  }
  return out.join('\n') + '\n';
};
