import type { PriceQuote } from '../workload/prices.js';
import type { Workload } from '../workload/schema.js';
import { resolveWorkloadTraffic, type ResolvedWorkload } from '../workload/traffic.js';
import { roundTo, roundUsd } from './money.js';
import { computePlan, type Warning } from './plan.js';
import { searchMinMax } from './search.js';
import { simulate, throttledPct, unitsWantedPerMinute, type SimParams, type SimTotals } from './simulate.js';
import { busiestWindow, hhmm, lowestTpsOf, MINUTES_PER_DAY, minuteLabel, peakTpsOf, WEEKDAYS, type DemandSeries } from './simulate-series.js';
import { pickScheduleWindow, RESTART_MINUTES, runStrategies, scheduleMask, STRATEGY_TITLES, type ScheduleWindow, type StrategyName } from './strategies.js';
import { classTps, mixTpsPerUnit, type TpsSource } from './tps.js';

export const SIMULATION_SCHEMA_ID = 'capacity-plan/simulation@1';
const CHART_BUCKET_MINUTES = 15;

export interface MonthFigures {
  inferenceHoursPerMonth: number;
  monthlyCostUsd: number;
  requests: { total: number; served: number; throttled: number };
  throttledPct: number;
  minutesThrottled: number;
}

export interface StrategyResult extends MonthFigures {
  name: StrategyName;
  title: string;
  minInferenceUnits: number;
  maxInferenceUnits: number;
}

export interface PairFigures {
  minInferenceUnits: number;
  maxInferenceUnits: number;
  monthlyCostUsd: number;
  throttledPct: number;
}

export interface SimulationResult extends MonthFigures {
  schema: typeof SIMULATION_SCHEMA_ID;
  name: string;
  file?: string;
  traffic: { source: string; minutesSimulated: number; monthScale: number; peakTps: number; meanTps: number; lowestTps: number };
  tpsPerUnit: number;
  capacityPerUnitTps: number;
  pricePerUnitHourUsd: number;
  scaleUpMinutes: number;
  scaleDownMinutes: number;
  /** Where Min and Max came from: the --min/--max flags, or the static planner. */
  pairSource: 'flags' | 'plan';
  minInferenceUnits: number;
  maxInferenceUnits: number;
  /** The strategy the headline figures are for: the workload's schedule decides. */
  strategy: StrategyName;
  schedule: { days: string; from: string; hoursPerDay: number; restartMinutes: number } | null;
  busiestHour: { start: string; startMinute: number; requests: number; throttled: number };
  scenarios: { zoneOutage?: { start: string; startMinute: number; durationMinutes: number }; unitFailure?: { start: string; startMinute: number; downMinutes: number } };
  strategies: StrategyResult[];
  /** Cost-optimal pair from the search (no scenarios), for comparison. */
  recommended: PairFigures & { feasible: boolean; maxThrottledPct: number; simulations: number };
  staticPlan: PairFigures;
  busiestDay: { start: string; bucketMinutes: number; demandTps: number[]; capacityTps: number[] };
  assumptions: string[];
  warnings: Warning[];
}

export interface SimulationInputs {
  /** Peak and baseline are resolved against `series` here (a no-op when the caller already did). */
  workload: Workload;
  tpsSource: TpsSource;
  price: PriceQuote;
  series: DemandSeries;
  trafficSource: string;
  file?: string;
  minUnits?: number;
  maxUnits?: number;
  zoneOutage?: { startMinute: number; durationMinutes: number };
  unitFailureMinute?: number;
  warnings?: Warning[];
}

/** What every simulation of one workload shares: per-unit TPS, cap, timing, schedule. */
export function simulationSetup(w: Workload, tpsSource: TpsSource, series: DemandSeries) {
  const classes = w.images.map((img, i) => classTps(tpsSource, img, i));
  const tpsPerUnit = mixTpsPerUnit(classes, w.model.calibration);
  const capTps = tpsPerUnit * w.scaling.target_utilization;
  const window = pickScheduleWindow(series, w.schedule.hours_per_day, w.schedule.days_per_week);
  const mask = window ? scheduleMask(series, window) : null;
  const base = {
    demandTps: series.demandTps,
    tpsPerUnit,
    capTps,
    scaleUpMinutes: w.scaling.scale_up_minutes,
    scaleDownMinutes: w.scaling.scale_down_minutes,
    zones: w.availability.zones,
    unitsWanted: unitsWantedPerMinute(series.demandTps, capTps),
  };
  return { tpsPerUnit, capTps, window, mask, base, floorUnits: w.availability.production ? 2 : 1 };
}

function monthFigures(t: SimTotals, series: DemandSeries, usdPerHour: number): MonthFigures {
  const k = series.monthScale;
  const hours = (t.unitMinutesBilled / 60) * k;
  return {
    inferenceHoursPerMonth: roundTo(hours, 2),
    monthlyCostUsd: roundUsd(hours * usdPerHour),
    requests: { total: Math.round(t.requestsTotal * k), served: Math.round(t.requestsServed * k), throttled: Math.round(t.requestsThrottled * k) },
    throttledPct: roundTo(throttledPct(t), 4),
    minutesThrottled: Math.round(t.minutesThrottled * k),
  };
}

function describeWindow(w: ScheduleWindow) {
  return { days: w.days.map((d) => WEEKDAYS[d]).join(','), from: `${hhmm(w.startMinuteOfDay)}-${hhmm(w.startMinuteOfDay + w.minutesPerDay)}`, hoursPerDay: w.minutesPerDay / 60, restartMinutes: RESTART_MINUTES };
}

/** The simulate command's whole result: pure, from a validated workload and a demand series. */
export function simulateWorkload(i: SimulationInputs): SimulationResult {
  const w = resolveWorkloadTraffic(i.workload, i.series);
  const usd = i.price.pricePerUnitHourUsd;
  const warnings: Warning[] = [...(i.warnings ?? [])];
  const setup = simulationSetup(w, i.tpsSource, i.series);
  const plan = computePlan({ workload: w, tpsSource: i.tpsSource, price: i.price });

  const pairSource = i.minUnits !== undefined || i.maxUnits !== undefined ? 'flags' : 'plan';
  const minUnits = i.minUnits ?? Math.min(plan.minInferenceUnits, i.maxUnits ?? Number.POSITIVE_INFINITY);
  const maxUnits = i.maxUnits ?? Math.max(plan.maxInferenceUnits, minUnits);
  if (minUnits > maxUnits) throw new Error(`Min ${minUnits} is above Max ${maxUnits}`);
  const scenarios: Pick<SimParams, 'zoneOutage' | 'unitFailureMinute'> = {
    ...(i.zoneOutage ? { zoneOutage: i.zoneOutage } : {}),
    ...(i.unitFailureMinute !== undefined ? { unitFailureMinute: i.unitFailureMinute } : {}),
  };
  const base = { ...setup.base, ...scenarios, minUnits, maxUnits };
  const strategy: StrategyName = setup.mask ? 'schedule' : 'autoscale';

  const n = i.series.demandTps.length;
  const inService = new Int32Array(n);
  const headline = simulate({ ...base, recordInService: inService, ...(setup.mask ? { schedule: setup.mask, restartMinutes: RESTART_MINUTES } : {}) });
  const strategies = runStrategies(base, setup.mask).map((r) => ({
    name: r.name,
    title: STRATEGY_TITLES[r.name],
    minInferenceUnits: r.minUnits,
    maxInferenceUnits: r.maxUnits,
    ...monthFigures(r.totals, i.series, usd),
  }));

  const searchBase = { ...setup.base, ...(setup.mask ? { schedule: setup.mask, restartMinutes: RESTART_MINUTES } : {}) };
  const found = searchMinMax({ base: searchBase, floorUnits: setup.floorUnits, maxThrottledPct: w.scaling.max_throttled_pct, fixedFleet: !w.scaling.autoscale });
  const staticTotals = simulate({ ...searchBase, minUnits: plan.minInferenceUnits, maxUnits: plan.maxInferenceUnits });

  // Busiest hour and day by requests; throttled requests in that hour from the recorded capacity.
  const hour = busiestWindow(i.series, 60);
  const d = i.series.demandTps;
  let hourThrottled = 0;
  for (let m = hour.startMinute; m < Math.min(n, hour.startMinute + 60); m++) hourThrottled += Math.max(0, d[m]! - inService[m]! * setup.tpsPerUnit) * 60;
  const day = busiestWindow(i.series, MINUTES_PER_DAY);
  const demandTps: number[] = [];
  const capacityTps: number[] = [];
  for (let b = day.startMinute; b < Math.min(n, day.startMinute + MINUTES_PER_DAY); b += CHART_BUCKET_MINUTES) {
    let ds = 0;
    let cs = 0;
    let k = 0;
    for (let m = b; m < Math.min(n, b + CHART_BUCKET_MINUTES); m++, k++) {
      ds += d[m]!;
      cs += inService[m]! * setup.tpsPerUnit;
    }
    demandTps.push(roundTo(ds / k, 2));
    capacityTps.push(roundTo(cs / k, 2));
  }

  let sum = 0;
  for (let m = 0; m < n; m++) sum += d[m]!;
  const label = (m: number) => minuteLabel(i.series, m);
  const assumptions = [
    `scale_up_minutes = ${w.scaling.scale_up_minutes}: an assumption; the services do not document how long an added unit takes to serve`,
    `a unit is billed from the minute it is requested until it leaves; scale-in waits ${w.scaling.scale_down_minutes} min below need`,
    'throttling uses full per-unit capacity (tpsPerUnit); the autoscaler targets tpsPerUnit × target_utilization',
    i.series.kind === 'trace'
      ? `the trace (${roundTo(n / 60, 2)} h) is scaled to a 730-hour month (× ${roundTo(i.series.monthScale, 4)})`
      : `the ${i.series.kind === 'profile-day' ? '24-hour' : '168-hour'} profile is repeated to fill a 730-hour month; each hour's mean holds for its 60 minutes`,
  ];
  const schedule = setup.window ? describeWindow(setup.window) : null;
  if (schedule) assumptions.push(`schedule: runs ${schedule.days} ${schedule.from} (the busiest days and hours); each start takes ${RESTART_MINUTES} min, billed, serving nothing`);
  if (i.zoneOutage) assumptions.push('zone outage: the worst zone holds ceil(units / zones) of the serving units; they stay billed, are not replaced elsewhere, and return when it ends');
  if (i.unitFailureMinute !== undefined) assumptions.push(`unit failure: one unit stops serving; its replacement serves after scale_up_minutes (${w.scaling.scale_up_minutes} min); billing is unchanged`);
  if (!found.feasible) {
    warnings.push({ code: 'no-pair-within-limit', message: `no Min/Max keeps throttling at or below ${w.scaling.max_throttled_pct}%: the recommended pair is the one that throttles least` });
  }
  const headFigures = monthFigures(headline, i.series, usd);
  if (headFigures.requests.throttled > 0 && headFigures.throttledPct > w.scaling.max_throttled_pct) {
    warnings.push({ code: 'throttles', message: `${headFigures.throttledPct}% of requests are throttled (ProvisionedThroughputExceededException), above max_throttled_pct ${w.scaling.max_throttled_pct}%` });
  }

  return {
    schema: SIMULATION_SCHEMA_ID,
    name: w.name,
    ...(i.file !== undefined ? { file: i.file } : {}),
    traffic: {
      source: i.trafficSource,
      minutesSimulated: n,
      monthScale: roundTo(i.series.monthScale, 6),
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
    busiestHour: { start: label(hour.startMinute), startMinute: hour.startMinute, requests: Math.round(hour.requests), throttled: Math.round(hourThrottled) },
    scenarios: {
      ...(i.zoneOutage ? { zoneOutage: { start: label(i.zoneOutage.startMinute), ...i.zoneOutage } } : {}),
      ...(i.unitFailureMinute !== undefined ? { unitFailure: { start: label(i.unitFailureMinute), startMinute: i.unitFailureMinute, downMinutes: w.scaling.scale_up_minutes } } : {}),
    },
    strategies,
    recommended: {
      minInferenceUnits: found.minUnits,
      maxInferenceUnits: found.maxUnits,
      monthlyCostUsd: monthFigures(found.totals, i.series, usd).monthlyCostUsd,
      throttledPct: roundTo(throttledPct(found.totals), 4),
      feasible: found.feasible,
      maxThrottledPct: w.scaling.max_throttled_pct,
      simulations: found.simulations,
    },
    staticPlan: {
      minInferenceUnits: plan.minInferenceUnits,
      maxInferenceUnits: plan.maxInferenceUnits,
      monthlyCostUsd: monthFigures(staticTotals, i.series, usd).monthlyCostUsd,
      throttledPct: roundTo(throttledPct(staticTotals), 4),
    },
    busiestDay: { start: label(day.startMinute), bucketMinutes: CHART_BUCKET_MINUTES, demandTps, capacityTps },
    assumptions,
    warnings,
  };
}

/** What `plan` adds for a workload with a profile or trace: the searched pair next to the static one. */
export interface TimeSearch {
  trafficSource: string;
  maxThrottledPct: number;
  scaleUpMinutes: number;
  searched: PairFigures & { feasible: boolean };
  static: PairFigures;
  /** Static minus searched, both simulated on the same traffic; positive = the search saves. */
  monthlySavingUsd: number;
}

export function searchForPlan(w: ResolvedWorkload, tpsSource: TpsSource, price: PriceQuote, series: DemandSeries, trafficSource: string, staticMin: number, staticMax: number): TimeSearch {
  const setup = simulationSetup(w, tpsSource, series);
  const base = { ...setup.base, ...(setup.mask ? { schedule: setup.mask, restartMinutes: RESTART_MINUTES } : {}) };
  const found = searchMinMax({ base, floorUnits: setup.floorUnits, maxThrottledPct: w.scaling.max_throttled_pct, fixedFleet: !w.scaling.autoscale });
  const st = simulate({ ...base, minUnits: staticMin, maxUnits: staticMax });
  const usd = price.pricePerUnitHourUsd;
  const searchedCost = monthFigures(found.totals, series, usd).monthlyCostUsd;
  const staticCost = monthFigures(st, series, usd).monthlyCostUsd;
  return {
    trafficSource,
    maxThrottledPct: w.scaling.max_throttled_pct,
    scaleUpMinutes: w.scaling.scale_up_minutes,
    searched: { minInferenceUnits: found.minUnits, maxInferenceUnits: found.maxUnits, monthlyCostUsd: searchedCost, throttledPct: roundTo(throttledPct(found.totals), 4), feasible: found.feasible },
    static: { minInferenceUnits: staticMin, maxInferenceUnits: staticMax, monthlyCostUsd: staticCost, throttledPct: roundTo(throttledPct(st), 4) },
    monthlySavingUsd: roundUsd(staticCost - searchedCost),
  };
}
