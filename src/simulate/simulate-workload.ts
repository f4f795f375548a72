import type { Warning } from '../core/errors.js';
import { roundTo } from '../core/money.js';
import { formatCount, formatPct } from '../core/numbers.js';
import type { Plan } from '../contracts/plan.js';
import { SIMULATION_SCHEMA_ID } from '../contracts/ids.js';
import type { SimulationResult } from '../contracts/simulation.js';
import type { ResolvedWorkload } from '../workload/resolve.js';
import type { TrafficOverTime } from '../workload/traffic.js';
import type { SimParams } from './engine.js';
import { monthFigures, simulationSetup } from './setup.js';
import {
  busiestWindow,
  hhmm,
  lowestTpsOf,
  MINUTES_PER_DAY,
  minuteLabel,
  peakTpsOf,
  WEEKDAYS,
  type DemandSeries,
} from '../workload/series.js';
import type { Workload } from '../workload/schema.js';
import { headlineStrategy, RESTART_MINUTES, runStrategies, STRATEGY_TITLES, type ScheduleWindow } from './strategies.js';
import { monthSeries } from './month-series.js';

const CHART_BUCKET_MINUTES = 15;

/** What to simulate besides the workload: a Min/Max pair other than the plan's, and scenarios. */
export interface SimulationOptions {
  minUnits?: number;
  maxUnits?: number;
  zoneOutage?: { startMinute: number; durationMinutes: number };
  unitFailureMinute?: number;
}

function describeWindow(w: ScheduleWindow) {
  return {
    days: w.days.map((d) => WEEKDAYS[d]).join(','),
    from: `${hhmm(w.startMinuteOfDay)}-${hhmm(w.startMinuteOfDay + w.minutesPerDay)}`,
    hoursPerDay: w.minutesPerDay / 60,
    restartMinutes: RESTART_MINUTES,
  };
}

/** Requests, throttled requests and their share in a window of minutes, with the capacity recorded minute by minute. */
interface WindowFigures {
  requests: number;
  throttled: number;
  throttledPct: number;
}

/** Throughput the recorded units in service could not serve, over `minutes` from `startMinute`. */
function windowFigures(
  demandTps: ArrayLike<number>,
  inService: Int32Array,
  tpsPerUnit: number,
  startMinute: number,
  minutes: number,
): WindowFigures {
  let requests = 0;
  let throttled = 0;
  for (let m = startMinute; m < Math.min(demandTps.length, startMinute + minutes); m++) {
    requests += demandTps[m]! * 60;
    throttled += Math.max(0, demandTps[m]! - inService[m]! * tpsPerUnit) * 60;
  }
  return {
    requests: Math.round(requests),
    throttled: Math.round(throttled),
    throttledPct: requests > 0 ? roundTo((throttled / requests) * 100, 4) : 0,
  };
}

/** The pair simulated: the flags' where given, else the plan's answer (Min kept at or below Max). */
function simulatedPair(plan: Plan, opts: SimulationOptions): { pairSource: 'flags' | 'plan'; minUnits: number; maxUnits: number } {
  const pairSource = opts.minUnits !== undefined || opts.maxUnits !== undefined ? 'flags' : 'plan';
  const minUnits = opts.minUnits ?? Math.min(plan.minInferenceUnits, opts.maxUnits ?? Number.POSITIVE_INFINITY);
  const maxUnits = opts.maxUnits ?? Math.max(plan.maxInferenceUnits, minUnits);
  if (minUnits > maxUnits) throw new Error(`Min ${minUnits} is above Max ${maxUnits}`);
  return { pairSource, minUnits, maxUnits };
}

/** The busiest day's demand and capacity in service, in chart buckets. */
function busiestDayChart(
  series: DemandSeries,
  inService: Int32Array,
  tpsPerUnit: number,
  label: (m: number) => string,
): SimulationResult['busiestDay'] {
  const d = series.demandTps;
  const n = d.length;
  const day = busiestWindow(series, MINUTES_PER_DAY);
  const demandTps: number[] = [];
  const capacityTps: number[] = [];
  for (let b = day.startMinute; b < Math.min(n, day.startMinute + MINUTES_PER_DAY); b += CHART_BUCKET_MINUTES) {
    let ds = 0;
    let cs = 0;
    let k = 0;
    for (let m = b; m < Math.min(n, b + CHART_BUCKET_MINUTES); m++, k++) {
      ds += d[m]!;
      cs += inService[m]! * tpsPerUnit;
    }
    demandTps.push(roundTo(ds / k, 2));
    capacityTps.push(roundTo(cs / k, 2));
  }
  return { start: label(day.startMinute), bucketMinutes: CHART_BUCKET_MINUTES, demandTps, capacityTps };
}

/** What the simulation takes as given, in words: scaling, billing, the month, and each scenario's rule. */
function simulationAssumptions(
  w: Workload,
  series: DemandSeries,
  schedule: SimulationResult['schedule'],
  opts: SimulationOptions,
): string[] {
  const n = series.demandTps.length;
  const assumptions = [
    `scale_up_minutes = ${w.scaling.scale_up_minutes}: an assumption; the services do not document how long an added unit takes to serve`,
    `a unit is billed from the minute it is requested until it leaves; scale-in waits ${w.scaling.scale_down_minutes} min below need`,
    'throttling uses full per-unit capacity (tpsPerUnit); the autoscaler targets tpsPerUnit × target_utilization',
    series.kind === 'trace'
      ? `the trace (${roundTo(n / 60, 2)} h) is scaled to a 730-hour month (× ${roundTo(series.monthScale, 4)})`
      : `the ${series.kind === 'profile-day' ? '24-hour' : '168-hour'} profile is repeated to fill a 730-hour month; each hour's mean holds for its 60 minutes`,
  ];
  if (schedule)
    assumptions.push(
      `schedule: runs ${schedule.days} ${schedule.from} (the busiest days and hours); each start takes ${RESTART_MINUTES} min, billed, serving nothing`,
    );
  if (opts.zoneOutage) {
    assumptions.push(
      'zone outage: the worst zone holds ceil(units / zones) of the units serving when it starts; they stop serving, stay billed and count against Max; the autoscaler replaces them in the other zones (serving after scale_up_minutes, up to Max − lost); they return when it ends',
    );
  }
  if (opts.unitFailureMinute !== undefined)
    assumptions.push(
      `unit failure: one unit stops serving; its replacement serves after scale_up_minutes (${w.scaling.scale_up_minutes} min); billing is unchanged`,
    );
  return assumptions;
}

/** Warnings the simulation adds: a scenario or the month throttling past the limit, and a plan that could not keep its promises. */
function simulationWarnings(
  w: Workload,
  plan: Plan,
  headThrottledPct: number,
  windows: { zoneOutage?: WindowFigures; unitFailure?: WindowFigures },
): Warning[] {
  const warnings: Warning[] = [];
  const limitPct = w.scaling.max_throttled_pct;
  for (const [what, win] of [
    ['zone outage', windows.zoneOutage],
    ['unit failure', windows.unitFailure],
  ] as const) {
    if (win && win.throttledPct > limitPct) {
      warnings.push({
        code: 'scenario-throttles',
        message: `the ${what} throttles ${formatPct(win.throttledPct)} of the ${formatCount(win.requests)} requests in its window (${formatCount(win.throttled)}), above max_throttled_pct ${formatPct(limitPct)}`,
      });
    }
  }
  if (plan.zoneOutage.required && !plan.zoneOutage.holds) {
    warnings.push({
      code: 'zone-promise-not-kept',
      message: "survive_zone_outage: no Min/Max the plan could find keeps the zone promise (see the plan's notes)",
    });
  }
  if (plan.search && !plan.search.feasible) {
    warnings.push({
      code: 'no-pair-within-limit',
      message: `no Min/Max keeps throttling at or below ${formatPct(limitPct)}: the plan's answer is the peak/baseline rule's pair`,
    });
  }
  if (headThrottledPct > limitPct) {
    warnings.push({
      code: 'throttles',
      message: `${formatPct(headThrottledPct)} of requests are throttled (ProvisionedThroughputExceededException), above max_throttled_pct ${formatPct(limitPct)}`,
    });
  }
  return warnings;
}

/** The plan's answer and its static rule, beside the pair simulated. */
function planPairs(plan: Plan, w: Workload): Pick<SimulationResult, 'recommended' | 'staticPlan'> {
  return {
    recommended: {
      minInferenceUnits: plan.minInferenceUnits,
      maxInferenceUnits: plan.maxInferenceUnits,
      monthlyCostUsd: plan.costByBasis.simulated ?? plan.monthlyCostUsd,
      throttledPct: plan.pairSource === 'search' ? plan.search!.throttledPct : (plan.staticRule.simulated?.throttledPct ?? 0),
      maxThrottledPct: w.scaling.max_throttled_pct,
    },
    staticPlan: {
      minInferenceUnits: plan.staticRule.minInferenceUnits,
      maxInferenceUnits: plan.staticRule.maxInferenceUnits,
      monthlyCostUsd: plan.staticRule.simulated?.monthlyCostUsd ?? 0,
      throttledPct: plan.staticRule.simulated?.throttledPct ?? 0,
    },
  };
}

/** The simulate command's whole result: pure, from a validated workload and a demand series. */
export function simulateWorkload(
  r: ResolvedWorkload,
  overTime: TrafficOverTime,
  plan: Plan,
  opts: SimulationOptions = {},
): SimulationResult {
  const w = r.workload;
  const series = overTime.series;
  const usd = r.price.pricePerUnitHourUsd;
  const setup = simulationSetup(r, series);
  const { pairSource, minUnits, maxUnits } = simulatedPair(plan, opts);
  const scenarios: Pick<SimParams, 'zoneOutage' | 'unitFailureMinute'> = {
    ...(opts.zoneOutage ? { zoneOutage: opts.zoneOutage } : {}),
    ...(opts.unitFailureMinute !== undefined ? { unitFailureMinute: opts.unitFailureMinute } : {}),
  };
  const strategy = headlineStrategy(setup.mask);

  const d = series.demandTps;
  const n = d.length;
  // The headline is the run of the workload's own strategy: recorded there, not simulated twice.
  const inService = new Int32Array(n);
  const billed = new Int32Array(n);
  const throttled = new Uint8Array(n);
  const runs = runStrategies({ ...setup.base, ...scenarios, minUnits, maxUnits }, setup.mask, {
    recordInService: inService,
    recordBilled: billed,
    recordThrottled: throttled,
  });
  const headFigures = monthFigures(runs.find((run) => run.name === strategy)!.totals, series, usd);
  const strategies = runs.map((run) => ({
    name: run.name,
    title: STRATEGY_TITLES[run.name],
    minInferenceUnits: run.minUnits,
    maxInferenceUnits: run.maxUnits,
    ...monthFigures(run.totals, series, usd),
  }));

  const label = (m: number) => minuteLabel(series, m);
  const inWindow = (startMinute: number, minutes: number) => windowFigures(d, inService, setup.tpsPerUnit, startMinute, minutes);
  const hour = busiestWindow(series, 60);
  const zoneOutage = opts.zoneOutage && { ...opts.zoneOutage, ...inWindow(opts.zoneOutage.startMinute, opts.zoneOutage.durationMinutes) };
  const unitFailure =
    opts.unitFailureMinute !== undefined
      ? {
          startMinute: opts.unitFailureMinute,
          downMinutes: w.scaling.scale_up_minutes,
          ...inWindow(opts.unitFailureMinute, w.scaling.scale_up_minutes),
        }
      : undefined;
  const schedule = setup.window ? describeWindow(setup.window) : null;
  const throttledPct = headFigures.requests.throttled > 0 ? headFigures.throttledPct : 0;
  let sum = 0;
  for (let m = 0; m < n; m++) sum += d[m]!;

  return {
    schema: SIMULATION_SCHEMA_ID,
    name: w.name,
    ...(r.file !== undefined ? { file: r.file } : {}),
    traffic: {
      source: overTime.source,
      minutesSimulated: n,
      monthScale: roundTo(series.monthScale, 6),
      peakTps: roundTo(peakTpsOf(d), 3),
      meanTps: roundTo(n ? sum / n : 0, 3),
      lowestTps: roundTo(lowestTpsOf(d), 3),
    },
    tpsPerUnit: roundTo(setup.tpsPerUnit, 3),
    capacityPerUnitTps: roundTo(setup.capTps, 3),
    pricePerUnitHourUsd: usd,
    scaleUpMinutes: w.scaling.scale_up_minutes,
    scaleDownMinutes: w.scaling.scale_down_minutes,
    pairSource,
    minInferenceUnits: minUnits,
    maxInferenceUnits: maxUnits,
    strategy,
    schedule,
    ...headFigures,
    busiestHour: {
      start: label(hour.startMinute),
      startMinute: hour.startMinute,
      requests: Math.round(hour.requests),
      throttled: inWindow(hour.startMinute, 60).throttled,
    },
    scenarios: {
      ...(zoneOutage ? { zoneOutage: { start: label(zoneOutage.startMinute), ...zoneOutage } } : {}),
      ...(unitFailure ? { unitFailure: { start: label(unitFailure.startMinute), ...unitFailure } } : {}),
    },
    strategies,
    ...planPairs(plan, w),
    busiestDay: busiestDayChart(series, inService, setup.tpsPerUnit, label),
    assumptions: simulationAssumptions(w, series, schedule, opts),
    warnings: [...r.warnings, ...simulationWarnings(w, plan, throttledPct, { zoneOutage, unitFailure })],
    series: monthSeries(series, { inService, billed, throttled }),
  };
}
