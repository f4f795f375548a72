import * as asciichart from 'asciichart';
import { formatUsd as usd } from '../../core/money.js';
import { formatCount, formatHours, formatPct, formatTps } from '../../core/numbers.js';
import type { SimulationResult } from '../../contracts/simulation.js';

const int = formatCount;

export function simulationHeading(r: SimulationResult): string {
  return `${r.name} — simulated minute by minute from ${r.traffic.source}`;
}

/** Label, value, note: the headline figures every view shows. */
export function simulationRows(r: SimulationResult): Array<[string, string, string]> {
  const rows: Array<[string, string, string]> = [
    [
      'MinInferenceUnits',
      String(r.minInferenceUnits),
      r.pairSource === 'flags' ? 'from --min/--max' : "the plan's answer (what plan recommends and gate checks)",
    ],
    [
      'MaxInferenceUnits',
      String(r.maxInferenceUnits),
      `TPS per unit ${formatTps(r.tpsPerUnit)}, autoscaler plans on ${formatTps(r.capacityPerUnitTps)}`,
    ],
    ['Strategy', r.strategy, r.schedule ? `runs ${r.schedule.days} ${r.schedule.from}` : 'always on'],
    ['Inference hours/month', formatHours(r.inferenceHoursPerMonth), `730-hour month`],
    ['Monthly cost', usd(r.monthlyCostUsd), `$${r.pricePerUnitHourUsd}/unit-hour`],
    ['Requests/month', int(r.requests.total), `served ${int(r.requests.served)}`],
    ['Throttled requests/month', int(r.requests.throttled), `${formatPct(r.throttledPct)} (ProvisionedThroughputExceededException)`],
    ['Minutes with throttling/month', int(r.minutesThrottled), ''],
    ['Busiest hour', r.busiestHour.start, `${int(r.busiestHour.requests)} requests, ${int(r.busiestHour.throttled)} throttled`],
    ['Scale up / down', `${r.scaleUpMinutes} / ${r.scaleDownMinutes} min`, 'scale-up time is an ASSUMPTION (undocumented by the services)'],
  ];
  const z = r.scenarios.zoneOutage;
  if (z)
    rows.push([
      'Zone outage',
      z.start,
      `${z.durationMinutes} min from minute ${z.startMinute}: ${formatPct(z.throttledPct)} of its ${int(z.requests)} requests throttled (${int(z.throttled)})`,
    ]);
  const f = r.scenarios.unitFailure;
  if (f)
    rows.push([
      'Unit failure',
      f.start,
      `one unit down ${f.downMinutes} min from minute ${f.startMinute}: ${formatPct(f.throttledPct)} of its ${int(f.requests)} requests throttled (${int(f.throttled)})`,
    ]);
  return rows;
}

export const STRATEGY_HEAD = ['strategy', 'Min', 'Max', 'hours/month', 'cost/month', 'throttled', 'minutes throttled'];

export function strategyRows(r: SimulationResult): string[][] {
  return r.strategies.map((s) => [
    s.title,
    String(s.minInferenceUnits),
    String(s.maxInferenceUnits),
    formatHours(s.inferenceHoursPerMonth),
    usd(s.monthlyCostUsd),
    formatPct(s.throttledPct),
    int(s.minutesThrottled),
  ]);
}

export const PAIR_HEAD = ['pair', 'Min', 'Max', 'cost/month', 'throttled'];

export function pairRows(r: SimulationResult): string[][] {
  const rec = r.recommended;
  return [
    [
      'step: peak/baseline rule',
      String(r.staticPlan.minInferenceUnits),
      String(r.staticPlan.maxInferenceUnits),
      usd(r.staticPlan.monthlyCostUsd),
      formatPct(r.staticPlan.throttledPct),
    ],
    [
      `the plan's answer (throttled <= ${formatPct(rec.maxThrottledPct)} sought)`,
      String(rec.minInferenceUnits),
      String(rec.maxInferenceUnits),
      usd(rec.monthlyCostUsd),
      formatPct(rec.throttledPct),
    ],
  ];
}

type Symbols = NonNullable<asciichart.PlotConfig['symbols']>;
const CAPACITY_SYMBOLS: Symbols = ['┼', '┤', '╶', '╴', '┄', '╰', '╭', '╮', '╯', '┆'];

/**
 * Demand vs serving capacity over the busiest day (asciichart). The two lines are drawn on the
 * same scale and overlaid character by character, capacity dotted, so they read apart without colour.
 */
export function busiestDayChart(r: SimulationResult, width = Number.POSITIVE_INFINITY): string {
  const d = r.busiestDay;
  if (d.demandTps.length < 2) return '';
  // The y labels take 10 columns; wider than the terminal, adjacent buckets are averaged.
  const per = Math.max(1, Math.ceil(d.demandTps.length / Math.max(2, width - 10)));
  const merge = (xs: number[]) =>
    per === 1
      ? xs
      : Array.from({ length: Math.ceil(xs.length / per) }, (_, k) => {
          const part = xs.slice(k * per, k * per + per);
          return part.reduce((a, b) => a + b, 0) / part.length;
        });
  const demandTps = merge(d.demandTps);
  const capacityTps = merge(d.capacityTps);
  // Reduced, not spread: a saved result's day may hold a million buckets.
  const all = demandTps.concat(capacityTps);
  const cfg: asciichart.PlotConfig = {
    height: 10,
    min: all.reduce((a, b) => Math.min(a, b), 0),
    max: all.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY),
    format: (x) => x.toFixed(1).padStart(8),
  };
  const demand = asciichart.plot(demandTps, cfg).split('\n');
  const capacity = asciichart.plot(capacityTps, { ...cfg, symbols: CAPACITY_SYMBOLS }).split('\n');
  const merged = demand.map((line, i) => {
    const under = capacity[i] ?? '';
    let out = '';
    for (let k = 0; k < Math.max(line.length, under.length); k++)
      out += line[k] !== undefined && line[k] !== ' ' ? line[k] : (under[k] ?? ' ');
    return out.trimEnd();
  });
  return `─ demand TPS, ┄ serving capacity TPS: busiest day from ${d.start}, ${d.bucketMinutes * per}-minute means\n${merged.join('\n')}`;
}
