import { roundTo, roundUsd } from '../core/money.js';
import { exactProduct } from '../core/numbers.js';
import type { ResolvedWorkload } from '../workload/resolve.js';
import type { DemandSeries } from '../workload/series.js';
import { throttledPct, unitsWantedPerMinute, type SimTotals } from './engine.js';
import { pickScheduleWindow, RESTART_MINUTES, scheduleMask } from './strategies.js';
import { unitsToSurviveZoneLoss } from '../sizing/units.js';

/** What every simulation of one workload shares: per-unit TPS, cap, timing, schedule. */
export function simulationSetup(r: ResolvedWorkload, series: DemandSeries) {
  const w = r.workload;
  const tpsPerUnit = r.tpsPerUnit;
  const capTps = exactProduct(tpsPerUnit, w.scaling.target_utilization);
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
  /** base on the workload's schedule: what the Min/Max search and the pair comparison run on. */
  const scheduledBase = { ...base, ...(mask ? { schedule: mask, restartMinutes: RESTART_MINUTES } : {}) };
  const azFloorUnits = w.availability.production ? 2 : 1;
  const av = w.availability;
  // survive_zone_outage is a promise the search keeps: the same zone check as the static rule,
  // Min at the baseline and Max at the peak. With one zone nothing survives (zoneSafe: false).
  const zoneSafe = !av.survive_zone_outage || av.zones >= 2;
  const minToSurvive = av.survive_zone_outage ? (unitsToSurviveZoneLoss(av.zones, tpsPerUnit, w.traffic.baseline_tps) ?? 0) : 0;
  const maxToSurvive = av.survive_zone_outage ? (unitsToSurviveZoneLoss(av.zones, tpsPerUnit, w.traffic.peak_tps) ?? 0) : 0;
  return {
    tpsPerUnit,
    capTps,
    window,
    mask,
    base,
    scheduledBase,
    floorUnits: Math.max(azFloorUnits, minToSurvive),
    maxFloorUnits: maxToSurvive,
    zoneSafe,
  };
}

export type SimulationSetup = ReturnType<typeof simulationSetup>;

export interface MonthFigures {
  inferenceHoursPerMonth: number;
  monthlyCostUsd: number;
  requests: { total: number; served: number; throttled: number };
  throttledPct: number;
  minutesThrottled: number;
}

/** Raw sums over the series, scaled to a 730-hour month and priced. */
export function monthFigures(t: SimTotals, series: DemandSeries, usdPerHour: number): MonthFigures {
  const k = series.monthScale;
  const hours = (t.unitMinutesBilled / 60) * k;
  return {
    inferenceHoursPerMonth: roundTo(hours, 2),
    monthlyCostUsd: roundUsd(hours * usdPerHour),
    requests: {
      total: Math.round(t.requestsTotal * k),
      served: Math.round(t.requestsServed * k),
      throttled: Math.round(t.requestsThrottled * k),
    },
    throttledPct: roundTo(throttledPct(t), 4),
    minutesThrottled: Math.round(t.minutesThrottled * k),
  };
}
