import { forTerminal } from '../../core/escape.js';
import { formatUsd } from '../../core/money.js';
import type { Formatter } from '../format.js';
import type { PlanReport } from '../../contracts/plan.js';
import { renderTable, wrapLine, type Column } from '../table.js';
import { planHeading, planRows, savingLines, savingsTotalText, totalsBasisText } from './rows.js';

const PLAN_COLUMNS: Column[] = [
  { head: '', wrap: true, minWidth: 16 },
  { head: 'value', align: 'right' },
  { head: 'how', wrap: true, minWidth: 36, under: 'plain' },
];

/**
 * Each plan's derivation, then the answers last (one line per workload and the totals): the
 * screen a person reads when the command ends.
 */
export const planTable: Formatter<PlanReport> = (r, { color: c, width }) => {
  const out: string[] = [];
  for (const p of r.plans) {
    // The heading names files and a price source: escaped like every text from outside.
    out.push(wrapLine(c.bold(forTerminal(planHeading(p))) + (p.file ? c.dim(`  [${forTerminal(p.file)}]`) : ''), width));
    const rows = planRows(p).map(({ label, value, how, emphasis }) => [
      label,
      emphasis === 'answer' ? c.bold(value) : emphasis === 'alarm' ? c.red(value) : value,
      c.dim(how),
    ]);
    out.push(renderTable(PLAN_COLUMNS, rows, { color: c, width }));
    // Not wrapped: a command is copied whole, and a wrapped one would not paste.
    if (p.startCommand && !p.batch) out.push(`start it with: ${p.startCommand}`);
    if (p.batch) out.push('each batch:', ...p.batch.commands.map((cmd) => `  $ ${forTerminal(cmd)}`));
    for (const note of p.notes) out.push(wrapLine(`note: ${forTerminal(note)}`, width));
    for (const w of p.warnings) out.push(wrapLine(c.yellow(`warning [${w.code}]: ${forTerminal(w.message)}`), width));
    const savings = savingLines(p);
    if (savings.length) out.push(c.bold('savings, largest first:'));
    for (const s of savings) {
      out.push(wrapLine(`- ${s.saving}: ${forTerminal(s.title)}`, width), wrapLine(c.dim(`  how: ${forTerminal(s.how)}`), width));
      // Not wrapped, like the start command: a command is copied whole.
      for (const cmd of s.commands) out.push(`  $ ${forTerminal(cmd)}`);
    }
    out.push('');
  }
  out.push(...planAnswers(r, c.bold, width));
  return out.join('\n') + '\n';
};

/** The answer block: one headline per workload, then (for several) what they add up to. */
export function planAnswers(r: PlanReport, bold: (s: string) => string, width: number): string[] {
  const out = r.plans.map((p) => wrapLine(bold(forTerminal(p.headline)), width));
  const savings = savingsTotalText(r.plans, 'above');
  if (savings) out.push(wrapLine(savings, width));
  if (r.plans.length > 1) {
    const t = r.totals;
    out.push(
      wrapLine(
        `total of ${t.workloads} workloads: Min ${t.minInferenceUnits} / Max ${t.maxInferenceUnits} units, ${formatUsd(t.monthlyCostUsd)}/month (${totalsBasisText(t)})`,
        width,
      ),
    );
  }
  return out;
}
