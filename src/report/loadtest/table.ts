import Table from 'cli-table3';
import type { LoadtestResult } from '../../loadtest/result-schema.js';
import type { Formatter } from '../format.js';
import { loadtestHeading, STEP_HEAD, stepRow, summaryRows } from './rows.js';

export const loadtestTable: Formatter<LoadtestResult> = (r, { color: c }) => {
  const style = { head: c.level > 0 ? ['cyan'] : [], border: c.level > 0 ? ['grey'] : [] };
  const out: string[] = [c.bold(loadtestHeading(r))];
  const t = new Table({ head: ['', 'value', 'note'], style, wordWrap: true, colWidths: [20, 14, 80] });
  for (const [label, value, note] of summaryRows(r)) t.push([label, label === 'TPS per unit' ? c.bold(value) : value, c.dim(note)]);
  out.push(t.toString(), '');
  const s = new Table({ head: STEP_HEAD, style });
  for (const step of r.steps) {
    const row = stepRow(step);
    s.push(step.clean ? row : row.map((cell) => c.red(cell)));
  }
  out.push(s.toString());
  for (const w of r.warnings) out.push(c.yellow(`warning: ${w}`));
  return out.join('\n') + '\n';
};
