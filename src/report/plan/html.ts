import { formatUsd } from '../../core/money.js';
import type { PlanReport } from '../../simulate/plan-search.js';
import { COLORS } from '../colors.js';
import type { Formatter } from '../format.js';
import { chartFigure, esc, htmlDocument, htmlTable, warningList, type BarsChart, type HtmlCell } from '../html.js';
import { planHeading, planRows } from './rows.js';

/** The plan as a page: each workload's monthly costs side by side in one chart, then each plan's derivation. */
export const planHtml: Formatter<PlanReport> = (r, opts) => {
  const p = r.plans;
  const pal = COLORS.palette;
  const series: BarsChart['series'] = [
    { label: 'Min units all month', color: pal[2], values: p.map((x) => x.monthlyCostUsd.min) },
    { label: 'expected (peak hours at Max)', color: pal[0], values: p.map((x) => x.monthlyCostUsd.expected ?? null) },
    { label: 'Max units all month', color: pal[3], values: p.map((x) => x.monthlyCostUsd.max) },
    { label: 'simulated, peak/baseline rule', color: pal[1], values: p.map((x) => x.timeSearch?.static.monthlyCostUsd ?? null) },
    { label: 'simulated, cost-optimal search', color: pal[4], values: p.map((x) => x.timeSearch?.searched.monthlyCostUsd ?? null) },
  ].filter((s) => s.values.some((v) => v !== null));
  const costs: BarsChart = {
    kind: 'bars',
    categoryLabel: 'workload',
    id: 'plan-costs',
    title: 'Monthly cost of each workload, figure by figure',
    note: 'Min and Max: that many units for every scheduled hour. Expected: Max for the peak hours, Min for the rest. Simulated: autoscaling minute by minute on the traffic profile or trace.',
    categories: p.map((x) => x.name),
    series,
    yLabel: 'USD/month',
    unit: 'usd',
  };
  const body: string[] = [chartFigure(costs)];
  for (const plan of p) {
    body.push(`<h2>${esc(planHeading(plan))}</h2>`, plan.file ? `<p class="sub">${esc(plan.file)}</p>` : '');
    const rows = planRows(plan).map((row): Array<string | HtmlCell> => [row.label, row.emphasis ? { text: row.value, emphasis: row.emphasis } : row.value, row.how]);
    body.push(htmlTable(['', 'value', 'how'], rows, ['l', 'r', 'l']), warningList(plan.warnings));
  }
  if (p.length > 1) {
    const t = r.totals;
    body.push(
      '<h2>Total</h2>',
      htmlTable(
        ['workloads', 'Min units', 'Max units', 'cost/month (Min)', 'cost/month (Max)', 'cost/month (expected)'],
        [[String(p.length), String(t.minInferenceUnits), String(t.maxInferenceUnits), formatUsd(t.monthlyCostUsd.min), formatUsd(t.monthlyCostUsd.max), t.monthlyCostUsd.expected !== undefined ? formatUsd(t.monthlyCostUsd.expected) : '—']],
        ['l', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  const title = p.length === 1 ? `capacity plan: ${p[0]!.name}` : `capacity plan: ${p.length} workloads`;
  return htmlDocument({ title, body, charts: [costs] }, opts.html);
};
