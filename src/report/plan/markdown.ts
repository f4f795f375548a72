import { forMarkdown } from '../../core/escape.js';
import { formatUsd } from '../../core/money.js';
import { markdownTable } from 'markdown-table';
import type { Formatter } from '../format.js';
import type { PlanReport } from '../../contracts/plan.js';
import { planHeading, planRows, savingLines, savingsTotalText, totalsBasisText } from './rows.js';

// Names and paths come from input files: escaped for markdown (core/escape.ts).
const cell = forMarkdown;

export const planMarkdown: Formatter<PlanReport> = (r) => {
  const out: string[] = [];
  // The answers first, one line per workload; the derivation follows for those who want it.
  for (const p of r.plans) out.push(`- **${cell(p.headline)}**`);
  if (r.plans.length > 1)
    out.push(
      `- total of ${r.totals.workloads} workloads: Min ${r.totals.minInferenceUnits} / Max ${r.totals.maxInferenceUnits} units, ${formatUsd(r.totals.monthlyCostUsd)}/month (${cell(totalsBasisText(r.totals))})`,
    );
  const total = savingsTotalText(r.plans, 'below');
  if (total) out.push(`- ${cell(total)}`);
  out.push('');
  for (const p of r.plans) {
    out.push(`### ${cell(planHeading(p))}`, '');
    for (const note of p.notes) out.push(`> ${cell(note)}`, '');
    out.push(
      markdownTable([['', 'value', 'how'], ...planRows(p).map((row) => [cell(row.label), `**${cell(row.value)}**`, cell(row.how)])], {
        align: ['l', 'r', 'l'],
      }),
      '',
    );
    if (p.startCommand && !p.batch) out.push('Start it with:', '', '```sh', p.startCommand, '```', '');
    if (p.batch) out.push('Each batch:', '', '```sh', ...p.batch.commands, '```', '');
    for (const w of p.warnings) out.push(`> ⚠️ **${cell(w.code)}**: ${cell(w.message)}`, '');
    const savings = savingLines(p);
    if (savings.length) out.push('**Savings**, largest first:', '');
    for (const s of savings) {
      out.push(`- **${cell(s.saving)}**: ${cell(s.title)}  `, `  how: ${cell(s.how)}`);
      if (s.commands.length) out.push('', '  ```sh', ...s.commands.map((cmd) => `  ${cmd}`), '  ```');
    }
    if (savings.length) out.push('');
  }
  return out.join('\n');
};
