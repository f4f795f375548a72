import { forMarkdown } from '../../core/escape.js';
import { markdownTable } from 'markdown-table';
import type { GateResult, RuleResult, Verdict } from '../../gate/result.js';
import type { Formatter } from '../format.js';
import { COLORS } from '../colors.js';
import { mermaidXyChart } from '../mermaid.js';
import { gateRows } from './rows.js';
import { allRules, ruleName, ruleWhere, verdictText } from './text.js';

/** Hidden marker a CI job can search for to update its earlier comment instead of adding one. */
const GATE_COMMENT_MARKER = '<!-- capacity-plan-gate -->';

// Names and paths come from input files: escaped for markdown (core/escape.ts).
const cell = forMarkdown;
const ICON: Record<Verdict | RuleResult['status'], string> = { pass: '✅', warn: '⚠️', fail: '❌', skip: '➖' };

/**
 * A pull-request comment: one-line verdict, a table of workloads (before → after and the
 * difference when there is a baseline), then the failed, warned and unchecked rules.
 * Deterministic: no times, no absolute paths (files appear as given on the command line).
 */
export const gateMarkdown: Formatter<GateResult> = (r) => {
  const v = verdictText(r);
  const colon = v.indexOf(':');
  const out: string[] = [`${ICON[r.status]} **capacity-plan gate ${v.slice(0, colon)}**${v.slice(colon)}`, ''];

  const { columns, rows } = gateRows(r);
  const b = (s: string) => (s === '' ? s : `**${s}**`);
  const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  const body = rows.map((row) => {
    const cells = row.total ? ['Total', ...row.cells.slice(1)].map(b) : row.cells.map(cell);
    return [...cells, row.status ? ICON[row.status] : '—'];
  });
  out.push(markdownTable([columns.map((col) => capital(col.head)), ...body], { align: columns.map((col) => col.align) }), '');
  const withDemand = r.workloads.filter((w) => w.demand);
  if (withDemand.length) {
    out.push(
      mermaidXyChart({
        title: 'Capacity at Max units (green bars) vs peak demand (blue line), TPS',
        x: { categories: withDemand.map((w) => w.name) },
        y: { label: 'TPS' },
        plots: [
          { type: 'bar', values: withDemand.map((w) => w.demand!.capacityAtMaxTps), color: COLORS.capacity },
          { type: 'line', values: withDemand.map((w) => w.demand!.peakTps), color: COLORS.demand },
        ],
      }),
      '',
    );
  }
  // A code span shows its text literally: only a backtick or a line break could end it early.
  if (r.baseline)
    out.push(
      `Baseline: \`${r.baseline.file.replace(/[`\r\n]/g, '')}\`. Workloads are matched by \`id\`, else \`name\` (a new name in the file of a workload gone from the baseline is a likely rename); both sides of a row are priced on its \`budget.basis\` (default: Max units all month).`,
      '',
    );

  const section = (title: string, status: RuleResult['status']) => {
    const list = allRules(r).filter((x) => x.rule.status === status);
    if (!list.length) return;
    out.push(`#### ${title}`, '');
    for (const { owner, rule } of list)
      out.push(
        `- ${ICON[status]} **${cell(owner)}** \`${ruleName(rule)}\`${'flag' in rule.from ? '' : ` (${cell(ruleWhere(rule))})`}: ${cell(rule.message.replace(/^not checked: /, ''))}`,
      );
    out.push('');
  };
  section('Failed', 'fail');
  section('Warnings', 'warn');
  section('Not checked', 'skip');
  const passed = allRules(r).filter((x) => x.rule.status === 'pass');
  if (passed.length) {
    out.push(`<details><summary>${passed.length} passed</summary>`, '');
    for (const { owner, rule } of passed) out.push(`- **${cell(owner)}** \`${ruleName(rule)}\`: ${cell(rule.message)}`);
    out.push('', '</details>', '');
  }
  out.push(GATE_COMMENT_MARKER, '');
  return out.join('\n');
};
