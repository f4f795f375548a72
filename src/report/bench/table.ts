import Table from 'cli-table3';
import type { BenchResult } from '../../bench/result-schema.js';
import type { Formatter } from '../format.js';
import { CONDITION_HEAD, conditionRow, corpusLines, costModelLine, hostLine, modelHeading, modelWarnings, P99_FOOTNOTE, recheckLine, scalingLine, stageModelLine } from './rows.js';

export const benchTable: Formatter<BenchResult> = (r, { color: c }) => {
  const out: string[] = [c.dim(hostLine(r)), ''];
  let footnote = false;
  for (const m of r.models) {
    out.push(c.bold(modelHeading(m)));
    if (m.corpus && !m.corpus.p99Reliable) footnote = true;
    const t = new Table({ head: CONDITION_HEAD, style: { head: c.level > 0 ? ['cyan'] : [], border: c.level > 0 ? ['grey'] : [] } });
    for (const cond of m.conditions) {
      const row = conditionRow(cond);
      if (cond.p99Reliable === false) footnote = true;
      t.push(cond.stable ? row : row.map((x) => c.yellow(x)));
    }
    if (m.conditions.length > 0) out.push(t.toString(), costModelLine(m));
    const stages = stageModelLine(m);
    if (stages) out.push(stages);
    out.push(...corpusLines(m));
    const recheck = recheckLine(m);
    if (recheck) out.push(recheck);
    for (const w of modelWarnings(m)) out.push(c.yellow(`warning: ${w}`));
    out.push('');
  }
  for (const s of r.scaling ?? []) out.push(scalingLine(s));
  for (const w of r.warnings) out.push(c.yellow(`warning: ${w}`));
  if (footnote) out.push(c.dim(P99_FOOTNOTE));
  return out.join('\n') + '\n';
};
