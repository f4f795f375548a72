import Table from 'cli-table3';
import type { BacktestResult } from '../../simulate/backtest.js';
import type { Formatter } from '../format.js';
import { BACKTEST_HEAD, backtestHeading, backtestRows, backtestSetting } from './rows.js';

export const backtestTable: Formatter<BacktestResult> = (r, { color: c }) => {
  const style = { head: c.level > 0 ? ['cyan'] : [], border: c.level > 0 ? ['grey'] : [] };
  const out: string[] = [c.bold(backtestHeading(r)) + (r.file ? c.dim(`  [${r.file}]`) : ''), c.dim(backtestSetting(r))];
  const t = new Table({ head: BACKTEST_HEAD, style, wordWrap: true, colWidths: [26, 12, 12, 50] });
  for (const row of backtestRows(r)) t.push(row);
  out.push(t.toString(), '', c.bold('Assumptions'), ...r.assumptions.map((a) => `  - ${a}`));
  for (const w of r.warnings) out.push(c.yellow(`warning [${w.code}]: ${w.message}`));
  return out.join('\n') + '\n';
};
