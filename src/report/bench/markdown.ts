import { forMarkdown } from '../../core/escape.js';
import { markdownTable } from 'markdown-table';
import type { BenchResult } from '../../contracts/bench.js';
import type { Formatter } from '../format.js';
import {
  CONDITION_HEAD,
  conditionRow,
  corpusLines,
  costModelLine,
  hostLine,
  modelHeading,
  modelWarnings,
  P99_FOOTNOTE,
  machineSpeedLines,
  scalingLine,
  stageModelLine,
} from './rows.js';

// Names and paths come from input files: escaped for markdown (core/escape.ts).
const cell = forMarkdown;

export const benchMarkdown: Formatter<BenchResult> = (r) => {
  const out: string[] = [`_${cell(hostLine(r))}_`, ''];
  for (const m of r.models) {
    out.push(`### ${cell(modelHeading(m))}`, '');
    if (m.conditions.length > 0) {
      out.push(
        markdownTable([CONDITION_HEAD, ...m.conditions.map((c) => conditionRow(c).map(cell))], {
          align: ['l', ...CONDITION_HEAD.slice(1).map(() => 'r' as const)],
        }),
        '',
      );
      out.push(cell(costModelLine(m)), '');
    }
    const stages = stageModelLine(m);
    if (stages) out.push(cell(stages), '');
    for (const line of corpusLines(m)) out.push(cell(line), '');
    for (const line of machineSpeedLines(m)) out.push(cell(line), '');
    for (const w of modelWarnings(m)) out.push(`> ⚠️ ${cell(w)}`, '');
  }
  for (const s of r.scaling ?? []) out.push(cell(scalingLine(s)), '');
  for (const w of r.warnings) out.push(`> ⚠️ ${cell(w.message)}`, '');
  if (r.models.some((m) => m.conditions.some((c) => c.p99Reliable === false) || m.corpus?.p99Reliable === false))
    out.push(cell(P99_FOOTNOTE), '');
  return out.join('\n');
};
