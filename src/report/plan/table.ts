import { formatUsd } from '../../core/money.js';
import Table from 'cli-table3';
import type { Formatter } from '../format.js';
import type { PlanReport } from '../../simulate/plan-search.js';
import { planHeading, planRows } from './rows.js';

export const planTable: Formatter<PlanReport> = (r, { color: c }) => {
  const out: string[] = [];
  for (const p of r.plans) {
    out.push(c.bold(planHeading(p)) + (p.file ? c.dim(`  [${p.file}]`) : ''));
    const t = new Table({ head: ['', 'value', 'how'], style: { head: c.level > 0 ? ['cyan'] : [], border: c.level > 0 ? ['grey'] : [] }, wordWrap: true, colWidths: [34, 16, 80] });
    for (const { label, value, how, emphasis } of planRows(p)) {
      const v = emphasis === 'answer' ? c.bold(value) : emphasis === 'alarm' ? c.red(value) : value;
      t.push([label, v, c.dim(how)]);
    }
    out.push(t.toString());
    if (p.startCommand) out.push(`start it with: ${p.startCommand}`);
    for (const w of p.warnings) out.push(c.yellow(`warning [${w.code}]: ${w.message}`));
    out.push('');
  }
  // One workload is its own total: the totals table is for several.
  if (r.plans.length > 1) {
    const t = r.totals;
    const tt = new Table({ head: ['total', 'Min units', 'Max units', 'hours/month (Max)', 'cost/month (Min)', 'cost/month (Max)', 'cost/month (expected)'], style: { head: c.level > 0 ? ['cyan'] : [] } });
    tt.push([
      `${r.plans.length} workloads`,
      t.minInferenceUnits,
      t.maxInferenceUnits,
      t.inferenceHoursPerMonth.max,
      formatUsd(t.monthlyCostUsd.min),
      formatUsd(t.monthlyCostUsd.max),
      t.monthlyCostUsd.expected !== undefined ? formatUsd(t.monthlyCostUsd.expected) : '—',
    ]);
    out.push(tt.toString());
  }
  return out.join('\n') + '\n';
};
