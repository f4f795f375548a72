import Table from 'cli-table3';
import type { GateResult, GateTotal, GateWorkload, RuleResult } from '../../gate/result.js';
import type { Formatter } from '../format.js';
import { allRules, costCell, diffCell, ruleName, ruleWhere, unitsCell, verdictText, workloadLabel } from './text.js';

const WORD: Record<RuleResult['status'], string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/** Terminal view: the workloads table, every rule with its status, then the verdict. */
export const gateTable: Formatter<GateResult> = (r, { color: c }) => {
  const hasBaseline = r.baseline !== null;
  const paint = (s: RuleResult['status'], text: string) => (s === 'fail' ? c.red(text) : s === 'warn' ? c.yellow(text) : s === 'pass' ? c.green(text) : c.dim(text));
  const head = hasBaseline
    ? ['workload', 'change', 'Min units', 'Max units', 'cost/month before', 'cost/month after', 'difference', 'rules']
    : ['workload', 'Min units', 'Max units', 'cost/month', 'rules'];
  const t = new Table({ head, style: { head: c.level > 0 ? ['cyan'] : [], border: c.level > 0 ? ['grey'] : [] } });
  const rowsOf = (name: string, change: string, row: GateTotal | GateWorkload, status: RuleResult['status'] | null) => {
    const min = unitsCell('minInferenceUnits', row.baseline, row.current, hasBaseline);
    const max = unitsCell('maxInferenceUnits', row.baseline, row.current, hasBaseline);
    const verdict = status ? paint(status, WORD[status]) : '—';
    return hasBaseline ? [name, change, min, max, costCell(row.baseline), costCell(row.current), diffCell(row), verdict] : [name, min, max, costCell(row.current), verdict];
  };
  for (const w of r.workloads) t.push(rowsOf(workloadLabel(w), w.change ?? '', w, w.rules.length ? w.status : null));
  t.push(rowsOf(c.bold('total'), '', r.total, r.total.rules.length ? r.total.status : null));

  const out = [t.toString()];
  for (const { owner, rule } of allRules(r)) out.push(`${paint(rule.status, WORD[rule.status])} ${owner} ${ruleName(rule)}${'flag' in rule.from ? '' : c.dim(` (${ruleWhere(rule)})`)}: ${rule.message}`);
  out.push('', c.bold(`gate ${verdictText(r)}`));
  return out.join('\n') + '\n';
};
