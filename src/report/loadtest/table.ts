import { forTerminal } from '../../core/escape.js';
import type { LoadtestResult } from '../../contracts/loadtest.js';
import type { Formatter } from '../format.js';
import { renderTable, wrapLine, type Column } from '../table.js';
import { loadtestHeading, STEP_HEAD, stepRow, summaryRows } from './rows.js';

const SUMMARY_COLUMNS: Column[] = [{ head: '' }, { head: 'value', align: 'right' }, { head: 'note', wrap: true, minWidth: 20 }];
/** Every step column but the load and achieved TPS may wrap its heading; numbers align right. */
const STEP_COLUMNS: Column[] = STEP_HEAD.map((head, i) => ({
  head,
  align: i === 1 || i === STEP_HEAD.length - 1 ? 'left' : 'right',
  wrap: i > 3,
  minWidth: 4,
}));

/** The load test as terminal tables, fitted to the terminal's width like every other table. */
export const loadtestTable: Formatter<LoadtestResult> = (r, { color: c, width }) => {
  const out: string[] = [wrapLine(c.bold(loadtestHeading(r)), width)];
  const summary = summaryRows(r).map(([label, value, note]) => [label, label === 'TPS per unit' ? c.bold(value) : value, c.dim(note)]);
  out.push(renderTable(SUMMARY_COLUMNS, summary, { color: c, width }), '');
  const steps = r.steps.map((step) => {
    const row = stepRow(step);
    return step.clean ? row : row.map((cell) => c.red(cell));
  });
  out.push(renderTable(STEP_COLUMNS, steps, { color: c, width }));
  for (const w of r.warnings) out.push(wrapLine(c.yellow(`warning [${w.code}]: ${forTerminal(w.message)}`), width));
  return out.join('\n') + '\n';
};
