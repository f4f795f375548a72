import type { BenchResult } from '../../contracts/bench.js';
import type { Formatter } from '../format.js';
import { renderTable, wrapLine, type Column } from '../table.js';
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

/** Sample counts, latency percentiles beyond p50 and the stage split move under their row on a narrow terminal. */
const DETAIL = new Set(['found', 'samples', 'p90 ms', 'p99 ms', 'decode', 'pre', 'infer', 'post']);
const COLUMNS: Column[] = CONDITION_HEAD.map((head, i) =>
  i === 0 ? { head } : { head, align: 'right', ...(DETAIL.has(head) ? { under: 'labelled' as const } : {}) },
);

export const benchTable: Formatter<BenchResult> = (r, { color: c, width }) => {
  const out: string[] = [wrapLine(c.dim(hostLine(r)), width), ''];
  let footnote = false;
  for (const m of r.models) {
    out.push(wrapLine(c.bold(modelHeading(m)), width));
    if (m.corpus && !m.corpus.p99Reliable) footnote = true;
    const rows = m.conditions.map((cond) => {
      const row = conditionRow(cond);
      if (cond.p99Reliable === false) footnote = true;
      return cond.stable ? row : row.map((x) => c.yellow(x));
    });
    if (m.conditions.length > 0) out.push(renderTable(COLUMNS, rows, { color: c, width }), wrapLine(costModelLine(m), width));
    const stages = stageModelLine(m);
    if (stages) out.push(wrapLine(stages, width));
    out.push(...corpusLines(m).map((line) => wrapLine(line, width)));
    for (const line of machineSpeedLines(m)) out.push(wrapLine(line, width));
    for (const w of modelWarnings(m)) out.push(wrapLine(c.yellow(`warning: ${w}`), width));
    out.push('');
  }
  for (const s of r.scaling ?? []) out.push(wrapLine(scalingLine(s), width));
  for (const w of r.warnings) out.push(wrapLine(c.yellow(`warning: ${w.message}`), width));
  if (footnote) out.push(wrapLine(c.dim(P99_FOOTNOTE), width));
  return out.join('\n') + '\n';
};
