import { simulate, type SimParams, type SimTotals } from './engine.js';
import { MINUTES_PER_DAY, minuteOfDay, weekdayOf, type DemandSeries } from '../workload/series.js';

/**
 * Minutes from a start until the model serves again. Custom Labels models take 10-20 minutes
 * to start; we assume 15 and count them as lost (throttled) but billed time.
 */
export const RESTART_MINUTES = 15;

export type StrategyName = 'fixed-max' | 'autoscale' | 'schedule';

export const STRATEGY_TITLES: Record<StrategyName, string> = {
  'fixed-max': 'fixed fleet at Max, always on',
  autoscale: 'autoscale Min..Max, always on',
  schedule: 'autoscale Min..Max on the schedule only (stopped otherwise)',
};

/** The daily run window of the schedule. */
export interface ScheduleWindow {
  /** Monday-first weekdays the model runs. */
  days: number[];
  startMinuteOfDay: number;
  minutesPerDay: number;
}

/**
 * Places schedule.hours_per_day × days_per_week where the traffic is: the days with the most
 * requests (ties: earlier in the week), and the whole-hour start that covers the most requests
 * of those days. days_per_week is rounded to whole days; a window never crosses midnight.
 * Returns null for 24 × 7 (always on).
 */
export function pickScheduleWindow(series: DemandSeries, hoursPerDay: number, daysPerWeek: number): ScheduleWindow | null {
  const minutesPerDay = Math.round(hoursPerDay * 60);
  const dayCount = Math.max(1, Math.min(7, Math.round(daysPerWeek)));
  if (minutesPerDay >= MINUTES_PER_DAY && dayCount === 7) return null;
  const d = series.demandTps;
  const perDay = new Float64Array(7);
  const perDayMinute = new Float64Array(7 * MINUTES_PER_DAY);
  for (let m = 0; m < d.length; m++) {
    const wd = weekdayOf(series, m);
    perDay[wd]! += d[m]!;
    perDayMinute[wd * MINUTES_PER_DAY + minuteOfDay(series, m)]! += d[m]!;
  }
  const days = [0, 1, 2, 3, 4, 5, 6]
    .sort((a, b) => perDay[b]! - perDay[a]! || a - b)
    .slice(0, dayCount)
    .sort((a, b) => a - b);
  let bestStart = 0;
  let bestSum = -1;
  for (let h = 0; h * 60 + minutesPerDay <= MINUTES_PER_DAY; h++) {
    let sum = 0;
    for (const wd of days) for (let k = h * 60; k < h * 60 + minutesPerDay; k++) sum += perDayMinute[wd * MINUTES_PER_DAY + k]!;
    if (sum > bestSum + 1e-9) {
      bestSum = sum;
      bestStart = h * 60;
    }
  }
  return { days, startMinuteOfDay: bestStart, minutesPerDay: Math.min(minutesPerDay, MINUTES_PER_DAY) };
}

/** 1 where the window says the model runs. */
export function scheduleMask(series: DemandSeries, w: ScheduleWindow): Uint8Array {
  const n = series.demandTps.length;
  const mask = new Uint8Array(n);
  const on = new Uint8Array(7);
  for (const wd of w.days) on[wd] = 1;
  for (let m = 0; m < n; m++) {
    const mod = minuteOfDay(series, m);
    mask[m] = on[weekdayOf(series, m)] === 1 && mod >= w.startMinuteOfDay && mod < w.startMinuteOfDay + w.minutesPerDay ? 1 : 0;
  }
  return mask;
}

interface StrategyRun {
  name: StrategyName;
  minUnits: number;
  maxUnits: number;
  totals: SimTotals;
}

/** The strategy a simulation's headline figures are for: the workload's schedule decides. */
export const headlineStrategy = (mask: Uint8Array | null): StrategyName => (mask ? 'schedule' : 'autoscale');

/** Per-minute arrays the headline strategy's run fills (see SimParams). */
export type StrategyRecord = Pick<SimParams, 'recordInService' | 'recordBilled' | 'recordThrottled'>;

/**
 * The same traffic and scenarios under each strategy. The schedule strategy is left out when the
 * schedule is 24 × 7. The record's arrays, when given, are filled by the headline strategy's run.
 */
export function runStrategies(
  base: Omit<SimParams, 'schedule' | 'restartMinutes' | keyof StrategyRecord>,
  mask: Uint8Array | null,
  recording: StrategyRecord = {},
): StrategyRun[] {
  const record = (name: StrategyName) => (name === headlineStrategy(mask) ? recording : {});
  const runs: StrategyRun[] = [
    { name: 'fixed-max', minUnits: base.maxUnits, maxUnits: base.maxUnits, totals: simulate({ ...base, minUnits: base.maxUnits }) },
    { name: 'autoscale', minUnits: base.minUnits, maxUnits: base.maxUnits, totals: simulate({ ...base, ...record('autoscale') }) },
  ];
  if (mask)
    runs.push({
      name: 'schedule',
      minUnits: base.minUnits,
      maxUnits: base.maxUnits,
      totals: simulate({ ...base, schedule: mask, restartMinutes: RESTART_MINUTES, ...record('schedule') }),
    });
  return runs;
}
