import type { GateResult, RuleResult, Verdict } from '../../gate/result.js';
import { COLORS } from '../colors.js';
import type { Formatter } from '../format.js';
import { chartFigure, esc, htmlDocument, htmlTable, type BarsChart, type ChartSpec, type HtmlCell } from '../html.js';
import { gateRows } from './rows.js';
import { allRules, ruleName, ruleWhere, verdictText } from './text.js';

// Text symbols, not emoji: they show in any font, including a bare CI browser's.
const ICON: Record<Verdict | RuleResult['status'], string> = { pass: '✔', warn: '⚠', fail: '✖', skip: '–' };

/** The gate as a page: verdict, cost before and after per workload, demand vs capacity, the table, the rules. */
export const gateHtml: Formatter<GateResult> = (r, opts) => {
  const names = r.workloads.map((w) => w.name);
  const charts: ChartSpec[] = [];
  const cost: BarsChart = {
    kind: 'bars',
    categoryLabel: 'workload',
    id: 'gate-costs',
    title: r.baseline ? 'Monthly cost per workload, before (baseline) and after' : 'Monthly cost per workload',
    note: "Each workload's cost is the plan's answer on its basis; the dashed line is its monthly_usd budget; a workload added or removed has no bar on one side.",
    categories: names,
    series: [
      ...(r.baseline
        ? [{ label: 'before', color: COLORS.palette[7], values: r.workloads.map((w) => w.baseline?.monthlyCostUsd ?? null) }]
        : []),
      {
        label: r.baseline ? 'after' : 'cost/month',
        color: COLORS.palette[0],
        values: r.workloads.map((w) => w.current?.monthlyCostUsd ?? null),
      },
    ],
    yLabel: 'USD/month',
    unit: 'usd',
  };
  // The workload's monthly_usd budget, where it has one, as a dashed line over its bars.
  const budgets = r.workloads.map((w) => w.rules.find((x) => x.id === 'monthly_usd')?.limit ?? null);
  if (budgets.some((b) => b !== null)) cost.limit = { label: 'budget (monthly_usd)', color: COLORS.palette[3], values: budgets };
  charts.push(cost);
  const withDemand = r.workloads.filter((w) => w.demand);
  if (withDemand.length) {
    charts.push({
      kind: 'bars',
      categoryLabel: 'workload',
      id: 'gate-demand',
      title: 'Peak demand vs capacity at Max units (after)',
      note: 'Capacity at Max: MaxInferenceUnits × TPS per unit, what the units serve before requests are throttled.',
      categories: withDemand.map((w) => w.name),
      series: [
        { label: 'peak demand TPS', color: COLORS.demand, values: withDemand.map((w) => w.demand!.peakTps) },
        { label: 'capacity at Max TPS', color: COLORS.capacity, values: withDemand.map((w) => w.demand!.capacityAtMaxTps) },
      ],
      yLabel: 'TPS',
      unit: 'number',
    });
  }

  const { columns, rows } = gateRows(r);
  const tableRows = rows.map((row): Array<string | HtmlCell> => {
    const cells: Array<string | HtmlCell> = row.total
      ? ['Total', ...row.cells.slice(1)].map((text) => ({ text, emphasis: 'total' as const }))
      : row.cells;
    return [...cells, row.status ? ICON[row.status] : '—'];
  });
  const body = [`<p class="verdict ${r.status}">${ICON[r.status]} capacity-plan gate ${esc(verdictText(r))}</p>`];
  if (r.baseline) body.push(`<p class="sub">Baseline: ${esc(r.baseline.file)}</p>`);
  body.push(
    ...charts.map(chartFigure),
    htmlTable(
      columns.map((c) => c.head),
      tableRows,
      columns.map((c) => c.align),
    ),
  );
  for (const [title, status] of [
    ['Failed', 'fail'],
    ['Warnings', 'warn'],
    ['Not checked', 'skip'],
    ['Passed', 'pass'],
  ] as const) {
    const list = allRules(r).filter((x) => x.rule.status === status);
    if (!list.length) continue;
    body.push(
      `<h2>${title}</h2>`,
      `<ul>${list.map(({ owner, rule }) => `<li>${ICON[status]} <b>${esc(owner)}</b> <code>${esc(ruleName(rule))}</code>${'flag' in rule.from ? '' : ` (${esc(ruleWhere(rule))})`}: ${esc(rule.message)}</li>`).join('')}</ul>`,
    );
  }
  return htmlDocument({ title: 'capacity-plan gate', body, charts }, opts.html);
};
