import { forMarkdown } from '../../core/escape.js';
import { markdownTable } from 'markdown-table';
import type { LoadtestResult } from '../../contracts/loadtest.js';
import type { Formatter } from '../format.js';
import { loadtestHeading, STEP_HEAD, stepRow, summaryRows } from './rows.js';

/** Text from the result file (endpoint, warnings, error names): core/escape.ts's markdown rule, not only `|`. */
const cell = forMarkdown;

export const loadtestMarkdown: Formatter<LoadtestResult> = (r) => {
  const out: string[] = [`### ${cell(loadtestHeading(r))}`, ''];
  out.push(
    markdownTable([['', 'value', 'note'], ...summaryRows(r).map(([a, b, c]) => [cell(a), `**${cell(b)}**`, cell(c)])], {
      align: ['l', 'r', 'l'],
    }),
    '',
  );
  out.push(
    '#### Steps',
    '',
    markdownTable([STEP_HEAD, ...r.steps.map((s) => stepRow(s).map(cell))], {
      align: ['r', 'l', 'r', 'r', 'r', 'r', 'l', 'r', 'r', 'r', 'l'],
    }),
    '',
  );
  for (const w of r.warnings) out.push(`> ⚠️ **${cell(w.code)}**: ${cell(w.message)}`, '');
  return out.join('\n');
};
