import Table from 'cli-table3';
import type { SimulationResult } from '../../simulate/result.js';
import type { Formatter } from '../format.js';
import { busiestDayChart, PAIR_HEAD, pairRows, simulationHeading, simulationRows, STRATEGY_HEAD, strategyRows } from './rows.js';

export const simulationTable: Formatter<SimulationResult> = (r, { color: c }) => {
  const style = { head: c.level > 0 ? ['cyan'] : [], border: c.level > 0 ? ['grey'] : [] };
  const out: string[] = [c.bold(simulationHeading(r)) + (r.file ? c.dim(`  [${r.file}]`) : '')];
  const t = new Table({ head: ['', 'value', 'note'], style, wordWrap: true, colWidths: [32, 22, 70] });
  for (const [label, value, note] of simulationRows(r)) {
    const v = label.startsWith('Throttled') && r.requests.throttled > 0 ? c.red(value) : label.endsWith('InferenceUnits') ? c.bold(value) : value;
    t.push([label, v, c.dim(note)]);
  }
  out.push(t.toString(), '', c.bold('Strategies, same traffic and scenarios'));
  const s = new Table({ head: STRATEGY_HEAD, style });
  for (const row of strategyRows(r)) s.push(row);
  out.push(s.toString(), '', c.bold('Min/Max: static rule vs cost-optimal search (no scenarios)'));
  const p = new Table({ head: PAIR_HEAD, style });
  for (const row of pairRows(r)) p.push(row);
  out.push(p.toString(), '');
  const chart = busiestDayChart(r);
  if (chart) out.push(chart, '');
  out.push(c.bold('Assumptions'), ...r.assumptions.map((a) => `  - ${a}`));
  for (const w of r.warnings) out.push(c.yellow(`warning [${w.code}]: ${w.message}`));
  return out.join('\n') + '\n';
};
