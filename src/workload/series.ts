import { HOURS_PER_MONTH } from '../core/hours.js';

/** Minutes in a 730-hour billing month. */
export const MINUTES_PER_MONTH = HOURS_PER_MONTH * 60;
const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Demand minute by minute, with what is needed to label minutes and scale sums to a month. */
export interface DemandSeries {
  kind: 'profile-day' | 'profile-week' | 'trace';
  demandTps: Float64Array;
  /** Minutes from Monday 00:00 (UTC for a trace) to the first minute: places the schedule and weekday labels. */
  weekOffsetMinutes: number;
  /** First minute as Unix ms (traces only). */
  startEpochMs?: number;
  /** Multiply sums over the series by this to get a 730-hour month. */
  monthScale: number;
}

/**
 * A 24- or 168-hour profile, each hour's mean TPS held for its 60 minutes, repeated to fill
 * exactly one 730-hour month (43,800 minutes), so monthly figures need no scaling.
 */
export function seriesFromProfile(profileTps: readonly number[]): DemandSeries {
  const demandTps = new Float64Array(MINUTES_PER_MONTH);
  const hours = profileTps.length;
  for (let m = 0; m < MINUTES_PER_MONTH; m++) demandTps[m] = profileTps[Math.floor(m / 60) % hours]!;
  return { kind: hours === 24 ? 'profile-day' : 'profile-week', demandTps, weekOffsetMinutes: 0, monthScale: 1 };
}

/** A trace as recorded; its sums are scaled by 43,800 / its length in minutes. */
export function seriesFromTrace(demandTps: Float64Array, startEpochMs: number): DemandSeries {
  const start = new Date(startEpochMs);
  const weekday = (start.getUTCDay() + 6) % 7; // Monday = 0
  const weekOffsetMinutes = weekday * MINUTES_PER_DAY + start.getUTCHours() * 60 + start.getUTCMinutes();
  return { kind: 'trace', demandTps, weekOffsetMinutes, startEpochMs, monthScale: MINUTES_PER_MONTH / demandTps.length };
}

/** Monday-first weekday (0..6) of minute `m` of a series. */
export function weekdayOf(series: DemandSeries, m: number): number {
  return Math.floor(((series.weekOffsetMinutes + m) % MINUTES_PER_WEEK) / MINUTES_PER_DAY);
}

/** Minute of the day (0..1439) of minute `m` of a series. */
export function minuteOfDay(series: DemandSeries, m: number): number {
  return (series.weekOffsetMinutes + m) % MINUTES_PER_DAY;
}

/** `09:05` for a minute of the day. */
export const hhmm = (minuteOfDay: number) =>
  `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;

/** How a report names minute `m`: `09:00` (day profile), `Mon 09:00` (week profile), ISO time (trace). */
export function minuteLabel(series: DemandSeries, m: number): string {
  if (series.kind === 'trace' && series.startEpochMs !== undefined)
    return new Date(series.startEpochMs + m * 60_000).toISOString().replace(':00.000Z', 'Z');
  if (series.kind === 'profile-day') return hhmm(minuteOfDay(series, m));
  return `${WEEKDAYS[weekdayOf(series, m)]} ${hhmm(minuteOfDay(series, m))}`;
}

interface Busiest {
  startMinute: number;
  requests: number;
}

/** The aligned window (hour: 60, day: 1440, counted from the series' clock) with the most requests. */
export function busiestWindow(series: DemandSeries, windowMinutes: number): Busiest {
  const d = series.demandTps;
  const offset = series.weekOffsetMinutes % windowMinutes;
  let best: Busiest = { startMinute: 0, requests: -1 };
  let start = 0;
  let sum = 0;
  for (let m = 0; m < d.length; m++) {
    if ((m + offset) % windowMinutes === 0 && m > 0) {
      if (sum > best.requests) best = { startMinute: start, requests: sum };
      start = m;
      sum = 0;
    }
    sum += d[m]! * 60;
  }
  if (sum > best.requests) best = { startMinute: start, requests: sum };
  return best;
}

export function peakTpsOf(d: Float64Array): number {
  let p = 0;
  for (let i = 0; i < d.length; i++) if (d[i]! > p) p = d[i]!;
  return p;
}

export function lowestTpsOf(d: Float64Array): number {
  let p = Number.POSITIVE_INFINITY;
  for (let i = 0; i < d.length; i++) if (d[i]! < p) p = d[i]!;
  return d.length ? p : 0;
}

export { MINUTES_PER_DAY, MINUTES_PER_WEEK, WEEKDAYS };
