import { markdownTable } from 'markdown-table';
import { forMarkdown } from '../../core/escape.js';
import type { BacktestResult } from '../../simulate/backtest.js';
import type { Formatter } from '../format.js';
import { BACKTEST_HEAD, backtestHeading, backtestRows, backtestSetting } from './rows.js';

const cell = forMarkdown;

export const backtestMarkdown: Formatter<BacktestResult> = (r) => {
  const out = [`### ${cell(backtestHeading(r))}`, '', cell(backtestSetting(r)), ''];
  out.push(markdownTable([BACKTEST_HEAD, ...backtestRows(r).map((row) => row.map(cell))], { align: ['l', 'r', 'r', 'l'] }), '');
  out.push('#### Assumptions', '', ...r.assumptions.map((a) => `- ${cell(a)}`), '');
  for (const w of r.warnings) out.push(`> ⚠️ **${cell(w.code)}**: ${cell(w.message)}`, '');
  return out.join('\n');
};
