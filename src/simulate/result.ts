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
import { busiestWindow, hhmm, lowestTpsOf, MINUTES_PER_DAY, minuteLabel, peakTpsOf, WEEKDAYS } from '../workload/series.js';
import { headlineStrategy, RESTART_MINUTES, runStrategies, STRATEGY_TITLES, type ScheduleWindow } from './strategies.js';
import { monthSeries } from './month-series.js';

const CHART_BUCKET_MINUTES = 15;

export type { SimulationResult } from '../contracts/simulation.js';

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

/** The simulate command's whole result: pure, from a validated workload and a demand series. */
export function simulateWorkload(
  r: ResolvedWorkload,
  overTime: TrafficOverTime,
  plan: Plan,
  opts: SimulationOptions = {},
): SimulationResult {
  const w = r.workload;
  const i = { ...opts, series: overTime.series, trafficSource: overTime.source, file: r.file };
  const usd = r.price.pricePerUnitHourUsd;
  const warnings: Warning[] = [...r.warnings];
  const setup = simulationSetup(r, i.series);

  const pairSource = i.minUnits !== undefined || i.maxUnits !== undefined ? 'flags' : 'plan';
  const minUnits = i.minUnits ?? Math.min(plan.minInferenceUnits, i.maxUnits ?? Number.POSITIVE_INFINITY);
  const maxUnits = i.maxUnits ?? Math.max(plan.maxInferenceUnits, minUnits);
  if (minUnits > maxUnits) throw new Error(`Min ${minUnits} is above Max ${maxUnits}`);
  const scenarios: Pick<SimParams, 'zoneOutage' | 'unitFailureMinute'> = {
    ...(i.zoneOutage ? { zoneOutage: i.zoneOutage } : {}),
    ...(i.unitFailureMinute !== undefined ? { unitFailureMinute: i.unitFailureMinute } : {}),
  };
  const base = { ...setup.base, ...scenarios, minUnits, maxUnits };
  const strategy = headlineStrategy(setup.mask);

  const n = i.series.demandTps.length;
  // The headline is the run of the workload's own strategy: recorded there, not simulated twice.
  const inService = new Int32Array(n);
  const billed = new Int32Array(n);
  const throttled = new Uint8Array(n);
  const runs = runStrategies(base, setup.mask, { recordInService: inService, recordBilled: billed, recordThrottled: throttled });
  const headline = runs.find((r) => r.name === strategy)!.totals;
  const strategies = runs.map((r) => ({
    name: r.name,
    title: STRATEGY_TITLES[r.name],
    minInferenceUnits: r.minUnits,
    maxInferenceUnits: r.maxUnits,
    ...monthFigures(r.totals, i.series, usd),
  }));

  // Busiest hour and day by requests; throttled requests in that hour from the recorded capacity.
  const hour = busiestWindow(i.series, 60);
  const d = i.series.demandTps;
  let hourThrottled = 0;
  for (let m = hour.startMinute; m < Math.min(n, hour.startMinute + 60); m++)
    hourThrottled += Math.max(0, d[m]! - inService[m]! * setup.tpsPerUnit) * 60;
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
  const windowFigures = (startMinute: number, minutes: number) => {
    let requests = 0;
    let throttled = 0;
    for (let m = startMinute; m < Math.min(n, startMinute + minutes); m++) {
      requests += d[m]! * 60;
      throttled += Math.max(0, d[m]! - inService[m]! * setup.tpsPerUnit) * 60;
    }
    return {
      requests: Math.round(requests),
      throttled: Math.round(throttled),
      throttledPct: requests > 0 ? roundTo((throttled / requests) * 100, 4) : 0,
    };
  };
  const zoneWindow = i.zoneOutage ? windowFigures(i.zoneOutage.startMinute, i.zoneOutage.durationMinutes) : undefined;
  const failureWindow = i.unitFailureMinute !== undefined ? windowFigures(i.unitFailureMinute, w.scaling.scale_up_minutes) : undefined;
  const limitPct = w.scaling.max_throttled_pct;
  for (const [what, win] of [
    ['zone outage', zoneWindow],
    ['unit failure', failureWindow],
  ] as const) {
    if (win && win.throttledPct > limitPct) {
      warnings.push({
        code: 'scenario-throttles',
        message: `the ${what} throttles ${formatPct(win.throttledPct)} of the ${formatCount(win.requests)} requests in its window (${formatCount(win.throttled)}), above max_throttled_pct ${formatPct(limitPct)}`,
      });
    }
  }
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
  if (schedule)
    assumptions.push(
      `schedule: runs ${schedule.days} ${schedule.from} (the busiest days and hours); each start takes ${RESTART_MINUTES} min, billed, serving nothing`,
    );
  if (i.zoneOutage) {
    assumptions.push(
      'zone outage: the worst zone holds ceil(units / zones) of the units serving when it starts; they stop serving, stay billed and count against Max; the autoscaler replaces them in the other zones (serving after scale_up_minutes, up to Max − lost); they return when it ends',
    );
  }
  if (i.unitFailureMinute !== undefined)
    assumptions.push(
      `unit failure: one unit stops serving; its replacement serves after scale_up_minutes (${w.scaling.scale_up_minutes} min); billing is unchanged`,
    );
  if (plan.zoneOutage.required && !plan.zoneOutage.holds) {
    warnings.push({
      code: 'zone-promise-not-kept',
      message: "survive_zone_outage: no Min/Max the plan could find keeps the zone promise (see the plan's notes)",
    });
  }
  if (plan.search && !plan.search.feasible) {
    warnings.push({
      code: 'no-pair-within-limit',
      message: `no Min/Max keeps throttling at or below ${formatPct(w.scaling.max_throttled_pct)}: the plan's answer is the peak/baseline rule's pair`,
    });
  }
  const headFigures = monthFigures(headline, i.series, usd);
  if (headFigures.requests.throttled > 0 && headFigures.throttledPct > w.scaling.max_throttled_pct) {
    warnings.push({
      code: 'throttles',
      message: `${formatPct(headFigures.throttledPct)} of requests are throttled (ProvisionedThroughputExceededException), above max_throttled_pct ${formatPct(w.scaling.max_throttled_pct)}`,
    });
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
    busiestHour: {
      start: label(hour.startMinute),
      startMinute: hour.startMinute,
      requests: Math.round(hour.requests),
      throttled: Math.round(hourThrottled),
    },
    scenarios: {
      ...(i.zoneOutage && zoneWindow ? { zoneOutage: { start: label(i.zoneOutage.startMinute), ...i.zoneOutage, ...zoneWindow } } : {}),
      ...(i.unitFailureMinute !== undefined && failureWindow
        ? {
            unitFailure: {
              start: label(i.unitFailureMinute),
              startMinute: i.unitFailureMinute,
              downMinutes: w.scaling.scale_up_minutes,
              ...failureWindow,
            },
          }
        : {}),
    },
    strategies,
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
    busiestDay: { start: label(day.startMinute), bucketMinutes: CHART_BUCKET_MINUTES, demandTps, capacityTps },
    assumptions,
    warnings,
    series: monthSeries(i.series, { inService, billed, throttled }),
  };
}
