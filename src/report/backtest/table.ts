import { forTerminal } from '../../core/escape.js';
import type { BacktestResult } from '../../simulate/backtest.js';
import type { Formatter } from '../format.js';
import { renderTable, wrapLine, type Column } from '../table.js';
import { BACKTEST_HEAD, backtestHeading, backtestRows, backtestSetting } from './rows.js';

export const backtestTable: Formatter<BacktestResult> = (r, { color: c, width }) => {
  const out: string[] = [
    wrapLine(c.bold(forTerminal(backtestHeading(r))) + (r.file ? c.dim(`  [${forTerminal(r.file)}]`) : ''), width),
    wrapLine(c.dim(backtestSetting(r)), width),
  ];
  const columns: Column[] = BACKTEST_HEAD.map((head, i) =>
    i === 0 ? { head, wrap: true } : { head, align: 'right' as const, wrap: true },
  );
  out.push(
    renderTable(columns, backtestRows(r), { color: c, width }),
    '',
    c.bold('Assumptions'),
    ...r.assumptions.map((a) => wrapLine(`  - ${a}`, width, '    ')),
  );
  for (const w of r.warnings) out.push(wrapLine(c.yellow(`warning [${w.code}]: ${forTerminal(w.message)}`), width));
  return out.join('\n') + '\n';
};
