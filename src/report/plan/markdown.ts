import { forMarkdown } from '../../core/escape.js';
import { formatUsd } from '../../core/money.js';
import { markdownTable } from 'markdown-table';
import type { Formatter } from '../format.js';
import type { PlanReport } from '../../simulate/plan-search.js';
import { planHeading, planRows } from './rows.js';

// Names and paths come from input files: escaped for markdown (core/escape.ts).
const cell = forMarkdown;

export const planMarkdown: Formatter<PlanReport> = (r) => {
  const out: string[] = [];
  // The answers first, one line per workload; the derivation follows for those who want it.
  for (const p of r.plans) out.push(`- **${cell(p.recommendation.headline)}**`);
  out.push('');
  for (const p of r.plans) {
    out.push(`### ${cell(planHeading(p))}`, '');
    for (const note of p.recommendation.notes) out.push(`> ${cell(note)}`, '');
    out.push(markdownTable([['', 'value', 'how'], ...planRows(p).map((row) => [cell(row.label), `**${cell(row.value)}**`, cell(row.how)])], { align: ['l', 'r', 'l'] }), '');
    if (p.startCommand) out.push('Start it with:', '', '```sh', p.startCommand, '```', '');
    for (const w of p.warnings) out.push(`> ⚠️ **${cell(w.code)}**: ${cell(w.message)}`, '');
  }
  // One workload is its own total: the totals table is for several.
  if (r.plans.length > 1) {
    const t = r.totals;
    out.push(
      '### Total',
      '',
      markdownTable(
        [
          ['workloads', 'Min units', 'Max units', 'cost/month (Min)', 'cost/month (Max)', 'cost/month (expected)'],
          [
            String(r.plans.length),
            String(t.minInferenceUnits),
            String(t.maxInferenceUnits),
            formatUsd(t.monthlyCostUsd.min),
            formatUsd(t.monthlyCostUsd.max),
            t.monthlyCostUsd.expected !== undefined ? formatUsd(t.monthlyCostUsd.expected) : '—',
          ],
        ],
        { align: ['l', 'r', 'r', 'r', 'r', 'r'] },
      ),
      '',
    );
  }
  return out.join('\n');
};
