import { forMermaid } from '../core/escape.js';

/**
 * Mermaid `xychart-beta` blocks for markdown views: GitHub renders them in comments, job
 * summaries and files (https://mermaid.js.org/syntax/xyChart.html). The chart has no legend,
 * so the title names each plot's colour, and the colours are set with an init directive.
 */

interface XyPlot {
  type: 'line' | 'bar';
  values: number[];
  color: string;
}

interface XyChart {
  title: string;
  /** Category labels, or a numeric range the points are spread across. */
  x: { categories: string[] } | { label: string; min: number; max: number };
  y: { label: string };
  plots: XyPlot[];
}

/** Text inside mermaid's double quotes: escaped in core/escape.ts with every other medium. */
const quoted = (s: string) => forMermaid(s);
const n = (x: number) => String(Math.round(x * 100) / 100);

export function mermaidXyChart(c: XyChart): string {
  // A loop, not a spread: a saved result's series may hold a million values.
  let top = 1;
  for (const p of c.plots) for (const v of p.values) top = Math.max(top, v);
  const palette = c.plots.map((p) => p.color).join(', ');
  const x =
    'categories' in c.x
      ? `x-axis [${c.x.categories.map(quoted).join(', ')}]`
      : `x-axis ${quoted(c.x.label)} ${n(c.x.min)} --> ${n(c.x.max)}`;
  return [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    'xychart-beta',
    `  title ${quoted(c.title)}`,
    `  ${x}`,
    `  y-axis ${quoted(c.y.label)} 0 --> ${n(Math.ceil(top * 1.1))}`,
    ...c.plots.map((p) => `  ${p.type} [${p.values.map(n).join(', ')}]`),
    '```',
  ].join('\n');
}
