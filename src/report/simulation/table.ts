import { forTerminal } from '../../core/escape.js';
import type { SimulationResult } from '../../contracts/simulation.js';
import type { Formatter } from '../format.js';
import { renderTable, wrapLine, type Column } from '../table.js';
import { busiestDayChart, PAIR_HEAD, pairRows, simulationHeading, simulationRows, STRATEGY_HEAD, strategyRows } from './rows.js';

const FIGURE_COLUMNS: Column[] = [
  { head: '', wrap: true, minWidth: 14 },
  { head: 'value', align: 'right' },
  { head: 'note', wrap: true, minWidth: 30, under: 'plain' },
];
const STRATEGY_COLUMNS: Column[] = STRATEGY_HEAD.map((head, i) => (i === 0 ? { head, wrap: true } : { head, align: 'right', wrap: true }));
const PAIR_COLUMNS: Column[] = PAIR_HEAD.map((head, i) => (i === 0 ? { head, wrap: true } : { head, align: 'right', wrap: true }));

export const simulationTable: Formatter<SimulationResult> = (r, { color: c, width }) => {
  const view = { color: c, width };
  const out: string[] = [wrapLine(c.bold(forTerminal(simulationHeading(r))) + (r.file ? c.dim(`  [${forTerminal(r.file)}]`) : ''), width)];
  const figures = simulationRows(r).map(([label, value, note]) => {
    const v =
      label.startsWith('Throttled') && r.requests.throttled > 0 ? c.red(value) : label.endsWith('InferenceUnits') ? c.bold(value) : value;
    return [label, v, c.dim(note)];
  });
  out.push(renderTable(FIGURE_COLUMNS, figures, view), '', c.bold('Strategies, same traffic and scenarios'));
  out.push(
    renderTable(STRATEGY_COLUMNS, strategyRows(r), view),
    '',
    c.bold("Min/Max: the plan's answer and the peak/baseline rule's pair (no scenarios)"),
  );
  out.push(renderTable(PAIR_COLUMNS, pairRows(r), view), '');
  const chart = busiestDayChart(r, width);
  if (chart) {
    const [caption, ...plot] = chart.split('\n');
    out.push(wrapLine(caption!, width), ...plot, '');
  }
  out.push(c.bold('Assumptions'), ...r.assumptions.map((a) => wrapLine(`  - ${a}`, width, '    ')));
  for (const w of r.warnings) out.push(wrapLine(c.yellow(`warning [${w.code}]: ${forTerminal(w.message)}`), width));
  return out.join('\n') + '\n';
};
