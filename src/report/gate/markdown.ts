import { markdownTable } from 'markdown-table';
import type { GateResult, RuleResult, Verdict } from '../../gate/result.js';
import type { Formatter } from '../format.js';
import { allRules, costCell, diffCell, ruleName, ruleWhere, unitsCell, verdictText, workloadLabel } from './text.js';

/** Hidden marker a CI job can search for to update its earlier comment instead of adding one. */
export const GATE_COMMENT_MARKER = '<!-- capacity-plan-gate -->';

const cell = (s: string) => s.replace(/\|/g, '\\|');
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

  const hasBaseline = r.baseline !== null;
  const head = hasBaseline
    ? ['Workload', 'Change', 'Min units', 'Max units', 'Cost/month before', 'Cost/month after', 'Difference', 'Rules']
    : ['Workload', 'Min units', 'Max units', 'Cost/month', 'Rules'];
  const rows: string[][] = [head];
  for (const w of r.workloads) {
    const name = cell(workloadLabel(w));
    const min = unitsCell('minInferenceUnits', w.baseline, w.current, hasBaseline);
    const max = unitsCell('maxInferenceUnits', w.baseline, w.current, hasBaseline);
    const verdict = w.rules.length ? ICON[w.status] : '—';
    rows.push(hasBaseline ? [name, w.change ?? '', min, max, costCell(w.baseline), costCell(w.current), diffCell(w), verdict] : [name, min, max, costCell(w.current), verdict]);
  }
  const t = r.total;
  const tMin = unitsCell('minInferenceUnits', t.baseline, t.current, hasBaseline);
  const tMax = unitsCell('maxInferenceUnits', t.baseline, t.current, hasBaseline);
  const tVerdict = t.rules.length ? ICON[t.status] : '—';
  const b = (s: string) => `**${s}**`;
  rows.push(
    hasBaseline
      ? [b('Total'), '', b(tMin), b(tMax), b(costCell(t.baseline)), b(costCell(t.current)), b(diffCell(t)), tVerdict]
      : [b('Total'), b(tMin), b(tMax), b(costCell(t.current)), tVerdict],
  );
  out.push(markdownTable(rows, { align: hasBaseline ? ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'c'] : ['l', 'r', 'r', 'r', 'c'] }), '');
  if (hasBaseline) out.push(`Baseline: \`${cell(r.baseline!.file)}\`. Workloads are matched by \`name\`; costs are Max-units cost unless a workload's \`budget.basis\` says otherwise.`, '');

  const section = (title: string, status: RuleResult['status']) => {
    const list = allRules(r).filter((x) => x.rule.status === status);
    if (!list.length) return;
    out.push(`#### ${title}`, '');
    for (const { owner, rule } of list) out.push(`- ${ICON[status]} **${cell(owner)}** \`${ruleName(rule)}\`${'flag' in rule.from ? '' : ` (${cell(ruleWhere(rule))})`}: ${cell(rule.message.replace(/^not checked: /, ''))}`);
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
