import type { SimulationResult } from '../../contracts/simulation.js';
import { formatCount } from '../../core/numbers.js';
import { COLORS } from '../colors.js';
import type { Formatter } from '../format.js';
import { chartFigure, esc, htmlDocument, htmlTable, warningList, type BarsChart, type HtmlCell, type TimelineChart } from '../html.js';
import { PAIR_HEAD, pairRows, simulationHeading, simulationRows, STRATEGY_HEAD, strategyRows } from './rows.js';

/** The simulation as a page: the month chart first (what people look at), then the figures. */
export const simulationHtml: Formatter<SimulationResult> = (r, opts) => {
  const month: TimelineChart = {
    kind: 'timeline',
    id: 'sim-month',
    title: `Demand vs serving capacity vs units billed, ${r.strategy} strategy, Min ${r.minInferenceUnits} / Max ${r.maxInferenceUnits}`,
    note: `Shaded red: minutes with throttled requests (${formatCount(r.minutesThrottled)} of ${formatCount(r.series.minutes)}). Drag to zoom, double-click to zoom out.`,
    series: r.series,
    tpsPerUnit: r.tpsPerUnit,
  };
  const pairs = pairRows(r);
  const costs: BarsChart = {
    kind: 'bars',
    categoryLabel: 'strategy or pair',
    id: 'sim-costs',
    title: 'Monthly cost by strategy and Min/Max pair (simulated on the same traffic)',
    // Short names: the tables below give each one's full description.
    categories: [...r.strategies.map((s) => s.name), 'rule pair (step)', "plan's answer"],
    series: [
      {
        label: 'cost/month',
        color: COLORS.palette[0],
        values: [...r.strategies.map((s) => s.monthlyCostUsd), r.staticPlan.monthlyCostUsd, r.recommended.monthlyCostUsd],
      },
    ],
    yLabel: 'USD/month',
    unit: 'usd',
  };
  const figureRows = simulationRows(r).map(([label, value, note]): Array<string | HtmlCell> => {
    const emphasis = label.endsWith('InferenceUnits')
      ? 'answer'
      : label.startsWith('Throttled') && r.requests.throttled > 0
        ? 'alarm'
        : undefined;
    return [label, emphasis ? { text: value, emphasis } : value, note];
  });
  const body = [
    chartFigure(month),
    htmlTable(['', 'value', 'note'], figureRows, ['l', 'r', 'l']),
    warningList(r.warnings),
    '<h2>Strategies, same traffic and scenarios</h2>',
    chartFigure(costs),
    htmlTable(STRATEGY_HEAD, strategyRows(r), ['l', 'r', 'r', 'r', 'r', 'r', 'r']),
    "<h3>Min/Max: the plan's answer and the peak/baseline rule's pair (no scenarios)</h3>",
    htmlTable(PAIR_HEAD, pairs, ['l', 'r', 'r', 'r', 'r']),
    '<h2>Assumptions</h2>',
    `<ul>${r.assumptions.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>`,
  ];
  return htmlDocument({ title: simulationHeading(r), ...(r.file ? { subtitle: r.file } : {}), body, charts: [month, costs] }, opts.html);
};
