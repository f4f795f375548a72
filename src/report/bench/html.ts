import type { BenchResult } from '../../contracts/bench.js';
import { COLORS } from '../colors.js';
import type { Formatter } from '../format.js';
import { chartFigure, esc, htmlDocument, htmlTable, warningList, type ChartSpec, type PointsChart } from '../html.js';
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
} from './rows.js';

const STAGES = [
  ['decode', 'decode'],
  ['preprocess', 'preprocess'],
  ['infer', 'infer'],
  ['postprocess', 'postprocess'],
] as const;

/** The bench as a page: TPS against resolution and file size for every model, then each model's stage split and table. */
export const benchHtml: Formatter<BenchResult> = (r, opts) => {
  const pal = COLORS.palette;
  const points = (
    id: string,
    title: string,
    xLabel: string,
    x: (c: BenchResult['models'][number]['conditions'][number]) => number,
  ): PointsChart => ({
    kind: 'points',
    id,
    title,
    xLabel,
    yLabel: 'TPS (one unit)',
    series: r.models.map((m, i) => ({
      label: m.name,
      color: pal[i % pal.length]!,
      points: m.conditions.map((c): [number, number] => [x(c), c.tps]),
    })),
  });
  const charts: ChartSpec[] = [
    points('bench-resolution', 'TPS vs resolution', 'megapixels', (c) => Math.round(((c.width * c.height) / 1e6) * 1000) / 1000),
    points('bench-size', 'TPS vs file size', 'MB per image', (c) => c.sizeMb),
  ];
  const body = [`<p class="sub">${esc(hostLine(r))}</p>`, chartFigure(charts[0]!), chartFigure(charts[1]!)];
  r.models.forEach((m, i) => {
    const stages: ChartSpec = {
      kind: 'bars',
      categoryLabel: 'condition',
      id: `bench-stages-${i}`,
      title: `${m.name}: where the time goes, mean ms per image by stage`,
      categories: m.conditions.map((c) => c.id),
      series: STAGES.map(([key, label], k) => ({
        label,
        color: [pal[1], pal[2], pal[0], pal[4]][k]!,
        values: m.conditions.map((c) => c.stagesMs[key]),
      })),
      stacked: true,
      yLabel: 'ms per image',
      unit: 'number',
    };
    charts.push(stages);
    // The machine's speed while this model was measured: what the drift correction took out.
    const speed: PointsChart | null = m.speed?.blocks.some((b) => b.trace.length)
      ? {
          kind: 'points',
          id: `bench-speed-${i}`,
          title: `${m.name}: machine speed while measured (1 = the block's average; every figure corrected to it)`,
          xLabel: 's into the block',
          yLabel: 'relative speed',
          series: m.speed.blocks.map((b, k) => ({
            label: m.speed!.blocks.length > 1 ? `block ${k + 1}` : 'speed',
            color: pal[k % pal.length]!,
            points: b.trace.map((p): [number, number] => [Math.round(p.atS * 100) / 100, Math.round(p.speed * 1000) / 1000]),
          })),
        }
      : null;
    if (speed) charts.push(speed);
    const rows = m.conditions.map((c) => conditionRow(c));
    body.push(
      `<h2>${esc(modelHeading(m))}</h2>`,
      chartFigure(stages),
      htmlTable(CONDITION_HEAD, rows, ['l', ...CONDITION_HEAD.slice(1).map(() => 'r' as const)]),
      `<p>${esc(costModelLine(m))}</p>`,
    );
    for (const line of corpusLines(m)) body.push(`<p>${esc(line)}</p>`);
    for (const line of machineSpeedLines(m)) body.push(`<p>${esc(line)}</p>`);
    if (speed) body.push(chartFigure(speed));
    body.push(warningList(modelWarnings(m).map((message) => ({ message }))));
  });
  for (const s of r.scaling ?? []) body.push(`<p>${esc(scalingLine(s))}</p>`);
  body.push(warningList(r.warnings));
  if (r.models.some((m) => m.conditions.some((c) => c.p99Reliable === false))) body.push(`<p class="note">${esc(P99_FOOTNOTE)}</p>`);
  const title = `capacity-plan bench: ${r.models.map((m) => m.name).join(', ')}${r.complete ? '' : ' (incomplete)'}`;
  return htmlDocument({ title, body, charts }, opts.html);
};
