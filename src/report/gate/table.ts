import Table from 'cli-table3';
import type { GateResult, RuleResult } from '../../gate/result.js';
import type { Formatter } from '../format.js';
import { gateRows } from './rows.js';
import { allRules, ruleName, ruleWhere, verdictText } from './text.js';

const WORD: Record<RuleResult['status'], string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/** Terminal view: the workloads table, every rule with its status, then the verdict. */
export const gateTable: Formatter<GateResult> = (r, { color: c }) => {
  const paint = (s: RuleResult['status'], text: string) => (s === 'fail' ? c.red(text) : s === 'warn' ? c.yellow(text) : s === 'pass' ? c.green(text) : c.dim(text));
  const { columns, rows } = gateRows(r);
  const t = new Table({ head: columns.map((col) => col.head), style: { head: c.level > 0 ? ['cyan'] : [], border: c.level > 0 ? ['grey'] : [] } });
  for (const row of rows) {
    const [name, ...rest] = row.cells;
    t.push([row.total ? c.bold(name!) : name!, ...rest, row.status ? paint(row.status, WORD[row.status]) : '—']);
  }

  const out = [t.toString()];
  for (const { owner, rule } of allRules(r)) out.push(`${paint(rule.status, WORD[rule.status])} ${owner} ${ruleName(rule)}${'flag' in rule.from ? '' : c.dim(` (${ruleWhere(rule)})`)}: ${rule.message}`);
  out.push('', c.bold(`gate ${verdictText(r)}`));
  return out.join('\n') + '\n';
};
