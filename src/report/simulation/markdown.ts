import { forMarkdown } from '../../core/escape.js';
import { markdownTable } from 'markdown-table';
import type { SimulationResult } from '../../contracts/simulation.js';
import type { Formatter } from '../format.js';
import { COLORS } from '../colors.js';
import { mermaidXyChart } from '../mermaid.js';
import { PAIR_HEAD, pairRows, simulationHeading, simulationRows, STRATEGY_HEAD, strategyRows } from './rows.js';

// Names and paths come from input files: escaped for markdown (core/escape.ts).
const cell = forMarkdown;

export const simulationMarkdown: Formatter<SimulationResult> = (r) => {
  const out: string[] = [`### ${cell(simulationHeading(r))}`, ''];
  out.push(
    markdownTable([['', 'value', 'note'], ...simulationRows(r).map(([a, b, c]) => [cell(a), `**${cell(b)}**`, cell(c)])], {
      align: ['l', 'r', 'l'],
    }),
    '',
  );
  out.push(
    '#### Strategies',
    '',
    markdownTable([STRATEGY_HEAD, ...strategyRows(r).map((row) => row.map(cell))], { align: ['l', 'r', 'r', 'r', 'r', 'r', 'r'] }),
    '',
  );
  out.push(
    "#### Min/Max: the plan's answer and the peak/baseline rule's pair",
    '',
    markdownTable([PAIR_HEAD, ...pairRows(r).map((row) => row.map(cell))], { align: ['l', 'r', 'r', 'r', 'r'] }),
    '',
  );
  const d = r.busiestDay;
  if (d.demandTps.length >= 2) {
    out.push(
      `#### Busiest day from ${cell(d.start)}`,
      '',
      mermaidXyChart({
        title: `Demand (blue) vs serving capacity (green), TPS, ${d.bucketMinutes}-minute means`,
        x: { label: `hours from ${d.start}`, min: 0, max: (d.demandTps.length * d.bucketMinutes) / 60 },
        y: { label: 'TPS' },
        plots: [
          { type: 'line', values: d.demandTps, color: COLORS.demand },
          { type: 'line', values: d.capacityTps, color: COLORS.capacity },
        ],
      }),
      '',
    );
  }
  out.push('#### Assumptions', '', ...r.assumptions.map((a) => `- ${cell(a)}`), '');
  for (const w of r.warnings) out.push(`> ⚠️ **${cell(w.code)}**: ${cell(w.message)}`, '');
  return out.join('\n');
};
