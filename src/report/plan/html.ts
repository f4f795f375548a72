import type { PlanReport } from '../../contracts/plan.js';
import { formatUsd } from '../../core/money.js';
import { COLORS } from '../colors.js';
import type { Formatter } from '../format.js';
import {
  chartFigure,
  esc,
  htmlDocument,
  htmlTable,
  warningList,
  type BarsChart,
  type ChartSpec,
  type HtmlCell,
  type PointsChart,
} from '../html.js';
import { planHeading, planRows, savingLines, savingsTotalText, totalsBasisText } from './rows.js';
import type { Plan } from '../../contracts/plan.js';

/**
 * The plan as a page: the answers first (each workload's pair and cost, as the headline says),
 * a chart of each answer's cost on every basis, then each plan's derivation.
 */
export const planHtml: Formatter<PlanReport> = (r, opts) => {
  const p = r.plans;
  const pal = COLORS.palette;
  const series: BarsChart['series'] = [
    { label: 'the answer (its basis)', color: pal[0], values: p.map((x) => x.monthlyCostUsd) },
    { label: 'simulated', color: pal[4], values: p.map((x) => x.costByBasis.simulated ?? null) },
    { label: 'expected (Max in peak hours)', color: pal[1], values: p.map((x) => x.costByBasis.expected ?? null) },
    { label: 'Max units all month', color: pal[3], values: p.map((x) => x.costByBasis.max) },
    { label: 'Min units all month', color: pal[2], values: p.map((x) => x.costByBasis.min) },
  ].filter((s) => s.values.some((v) => v !== null));
  const costs: BarsChart = {
    kind: 'bars',
    categoryLabel: 'workload',
    id: 'plan-costs',
    title: 'Monthly cost of each recommended Min/Max, basis by basis',
    note: 'Every bar is the same recommended pair. Simulated: autoscaling minute by minute on the traffic. Expected: Max in the peak hours, Min the rest. Max and Min: that many units every scheduled hour.',
    categories: p.map((x) => x.name),
    series,
    yLabel: 'USD/month',
    unit: 'usd',
  };
  const answers = p.map((x): Array<string | HtmlCell> => [
    x.name,
    { text: `${x.minInferenceUnits} / ${x.maxInferenceUnits}`, emphasis: 'answer' },
    { text: formatUsd(x.monthlyCostUsd), emphasis: 'answer' },
    x.costBasis,
    x.zoneOutage.required ? (x.zoneOutage.holds ? 'survives' : { text: 'THROTTLES', emphasis: 'alarm' }) : 'not promised',
  ]);
  if (p.length > 1) {
    const t = r.totals;
    answers.push([
      { text: `total of ${t.workloads}`, emphasis: 'total' },
      { text: `${t.minInferenceUnits} / ${t.maxInferenceUnits}`, emphasis: 'total' },
      { text: formatUsd(t.monthlyCostUsd), emphasis: 'total' },
      totalsBasisText(t),
      '',
    ]);
  }
  const total = savingsTotalText(p, 'below');
  const charts: ChartSpec[] = [costs];
  const body: string[] = [
    ...p.map((x) => `<p class="verdict">${esc(x.headline)}</p>`),
    ...(total ? [`<p class="sub">${esc(total)}</p>`] : []),
    htmlTable(['workload', 'Min / Max', 'cost/month', 'basis', 'zone outage'], answers, ['l', 'r', 'r', 'l', 'l']),
    chartFigure(costs),
  ];
  for (const plan of p) {
    body.push(`<h2>${esc(planHeading(plan))}</h2>`, plan.file ? `<p class="sub">${esc(plan.file)}</p>` : '');
    for (const note of plan.notes) body.push(`<p class="note">${esc(note)}</p>`);
    const rows = planRows(plan).map((row): Array<string | HtmlCell> => [
      row.label,
      row.emphasis ? { text: row.value, emphasis: row.emphasis } : row.value,
      row.how,
    ]);
    body.push(htmlTable(['', 'value', 'how'], rows, ['l', 'r', 'l']), warningList(plan.warnings));
    body.push(...savingsHtml(plan, `tradeoff-${p.indexOf(plan)}`, charts));
  }
  const title = p.length === 1 ? `capacity plan: ${p[0]!.name}` : `capacity plan: ${p.length} workloads`;
  return htmlDocument({ title, body, charts }, opts.html);
};

/** A plan's savings, largest first, with their commands; the throttling trade-off as a chart of cost against throttled share. */
function savingsHtml(plan: Plan, chartId: string, charts: ChartSpec[]): string[] {
  const lines = savingLines(plan);
  if (lines.length === 0) return [];
  const out = [
    `<h3>Savings, largest first</h3>`,
    htmlTable(
      ['saving', 'what', 'how'],
      lines.map((s) => [{ text: s.saving, emphasis: 'answer' }, s.title, s.how]),
      ['r', 'l', 'l'],
    ),
  ];
  for (const s of lines) if (s.commands.length) out.push(`<pre>${esc(s.commands.join('\n'))}</pre>`);
  const tradeoff = plan.savings.find((s) => s.tradeoff)?.tradeoff;
  if (tradeoff) {
    const chart: PointsChart = {
      kind: 'points',
      id: chartId,
      title: `${plan.name}: monthly cost against throttled share`,
      note: 'Each point is the answer searched again at one max_throttled_pct (0, 0.01, 0.1, 1%): its simulated cost and the share of requests it throttles. Where the line flattens, allowing more throttling buys little.',
      series: [
        {
          label: 'searched pair at each limit',
          color: COLORS.palette[0],
          points: tradeoff.map((x) => [x.throttledPct, x.monthlyCostUsd] as [number, number]),
        },
      ],
      xLabel: 'throttled share of requests, %',
      yLabel: 'USD/month',
    };
    charts.push(chart);
    out.push(chartFigure(chart));
  }
  return out;
}
