import { roundTo } from '../core/money.js';
import type { MonthSeries } from '../contracts/simulation.js';
import { MINUTES_PER_MONTH, type DemandSeries } from '../workload/series.js';

export type { MonthSeries } from '../contracts/simulation.js';

/** What the headline strategy's run recorded, minute by minute. */
export interface MinuteRecord {
  inService: Int32Array;
  billed: Int32Array;
  throttled: Uint8Array;
}

/** Run-length encoding as [value, count] pairs: the units series of a month is a few hundred runs, not 43,800 numbers. */
function runs(values: ArrayLike<number>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < values.length; i++) {
    const last = out[out.length - 1];
    if (last && last[0] === values[i]) last[1]++;
    else out.push([values[i]!, 1]);
  }
  return out;
}

export function monthSeries(series: DemandSeries, record: MinuteRecord): MonthSeries {
  const d = series.demandTps;
  const n = d.length;
  // Profiles start on an hour (Monday 00:00); a trace longer than a month is averaged down to about a month of points.
  const step = series.kind === 'trace' ? Math.max(1, Math.ceil(n / MINUTES_PER_MONTH)) : 60;
  const demandTps: number[] = [];
  for (let b = 0; b < n; b += step) {
    let sum = 0;
    const end = Math.min(n, b + step);
    for (let m = b; m < end; m++) sum += d[m]!;
    demandTps.push(roundTo(sum / (end - b), 2));
  }
  const throttledMinutes: Array<[number, number]> = [];
  let m = 0;
  for (const [on, count] of runs(record.throttled)) {
    if (on === 1) throttledMinutes.push([m, count]);
    m += count;
  }
  return {
    kind: series.kind,
    weekOffsetMinutes: series.weekOffsetMinutes,
    ...(series.startEpochMs !== undefined ? { startEpochMs: series.startEpochMs } : {}),
    minutes: n,
    demandStepMinutes: step,
    demandTps,
    unitsServing: runs(record.inService),
    unitsBilled: runs(record.billed),
    throttledMinutes,
  };
}
