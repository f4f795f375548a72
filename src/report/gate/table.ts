import type { GateResult, RuleResult } from '../../gate/result.js';
import type { Formatter } from '../format.js';
import { renderTable, wrapLine, type Column } from '../table.js';
import { gateRows } from './rows.js';
import { allRules, ruleName, ruleWhere, verdictText } from './text.js';

const WORD: Record<RuleResult['status'], string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/** Terminal view: the workloads table, every rule with its status, then the verdict. */
export const gateTable: Formatter<GateResult> = (r, { color: c, width }) => {
  const paint = (s: RuleResult['status'], text: string) =>
    s === 'fail' ? c.red(text) : s === 'warn' ? c.yellow(text) : s === 'pass' ? c.green(text) : c.dim(text);
  const { columns, rows } = gateRows(r);
  const cols: Column[] = columns.map((col) => ({ head: col.head, align: col.align === 'r' ? 'right' : 'left', wrap: true }));
  const cells = rows.map((row) => {
    const [name, ...rest] = row.cells;
    return [row.total ? c.bold(name!) : name!, ...rest, row.status ? paint(row.status, WORD[row.status]) : '—'];
  });
  const out = [renderTable(cols, cells, { color: c, width })];
  for (const { owner, rule } of allRules(r))
    out.push(
      wrapLine(
        `${paint(rule.status, WORD[rule.status])} ${owner} ${ruleName(rule)}${'flag' in rule.from ? '' : c.dim(` (${ruleWhere(rule)})`)}: ${rule.message}`,
        width,
        '     ',
      ),
    );
  out.push('', wrapLine(c.bold(`gate ${verdictText(r)}`), width));
  return out.join('\n') + '\n';
};
