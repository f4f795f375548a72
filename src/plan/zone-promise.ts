import { roundTo } from '../core/money.js';
import type { ZoneOutageCheck } from '../contracts/plan.js';
import { simulate } from '../simulate/engine.js';
import type { SimulationSetup } from '../simulate/setup.js';
import { busiestWindow, minuteLabel, type DemandSeries } from '../workload/series.js';

type OutageCheck = NonNullable<ZoneOutageCheck['outage']>;

interface Pair {
  minUnits: number;
  maxUnits: number;
}

/**
 * What `survive_zone_outage: true` promises, checked by simulation: the worst zone is lost at
 * the start of the busiest hour for `durationMinutes`; at most lag / duration of the window's
 * requests fail (the lag: scale_up_minutes, while the autoscaler's replacements start), and after
 * the lag the outage throttles nothing more than the same minutes would without it: the units
 * left, up to Max, carry the traffic. (A traffic jump faster than the autoscaler throttles with or
 * without an outage; it counts in the window's share, not as the outage's doing after the lag.)
 * The window's figures are the ones `simulate --zone-outage` reports for it. The engine's outage
 * model is in engine.ts.
 */
export function checkZoneOutage(setup: SimulationSetup, series: DemandSeries, pair: Pair, durationMinutes: number): OutageCheck {
  const d = series.demandTps;
  const n = d.length;
  const startMinute = busiestWindow(series, 60).startMinute;
  const minutes = Math.max(1, Math.min(durationMinutes, n - startMinute));
  const lagMinutes = setup.base.scaleUpMinutes;
  const base = { ...setup.scheduledBase, minUnits: pair.minUnits, maxUnits: pair.maxUnits };
  const withOutage = new Int32Array(n);
  const without = new Int32Array(n);
  simulate({ ...base, zoneOutage: { startMinute, durationMinutes: minutes }, recordInService: withOutage });
  simulate({ ...base, recordInService: without });
  let requests = 0;
  let throttled = 0;
  let afterLag = 0;
  for (let m = startMinute; m < startMinute + minutes; m++) {
    const over = (units: number) => Math.max(0, d[m]! - units * setup.tpsPerUnit) * 60;
    requests += d[m]! * 60;
    throttled += over(withOutage[m]!);
    if (m >= startMinute + lagMinutes) afterLag += Math.max(0, over(withOutage[m]!) - over(without[m]!));
  }
  return {
    start: minuteLabel(series, startMinute),
    startMinute,
    durationMinutes: minutes,
    lagMinutes,
    requests: Math.round(requests),
    throttled: Math.round(throttled),
    throttledPct: requests > 0 ? roundTo((throttled / requests) * 100, 4) : 0,
    throttledAfterLag: Math.round(afterLag),
    allowedPct: roundTo((Math.min(lagMinutes, minutes) / minutes) * 100, 4),
  };
}

export function outageHolds(c: OutageCheck): boolean {
  return c.throttledAfterLag === 0 && c.throttledPct <= c.allowedPct + 1e-9;
}

/**
 * Raises a pair until the simulated outage holds: Max first (the units the healthy zones may
 * grow to), found by doubling then bisection since more Max never throttles more; then Min,
 * one unit at a time, when the lag alone loses too much (more units serving before the outage
 * leave more behind). Returns the pair that holds, or the last one tried with holds: false when
 * none up to `upperUnits` does.
 */
export function keepZonePromise(
  check: (pair: Pair) => OutageCheck,
  start: Pair,
  upperUnits: number,
): { pair: Pair; check: OutageCheck; holds: boolean } {
  let pair = start;
  let result = check(pair);
  if (result.throttledAfterLag > 0 && pair.maxUnits < upperUnits) {
    const raised = smallestMaxThatHolds(check, pair, upperUnits);
    pair = raised.pair;
    result = raised.check;
  }
  while (!outageHolds(result) && result.throttledAfterLag === 0 && pair.minUnits < pair.maxUnits) {
    pair = { minUnits: pair.minUnits + 1, maxUnits: pair.maxUnits };
    result = check(pair);
  }
  return { pair, check: result, holds: outageHolds(result) };
}

function smallestMaxThatHolds(check: (pair: Pair) => OutageCheck, start: Pair, upperUnits: number): { pair: Pair; check: OutageCheck } {
  const at = (maxUnits: number) => ({ pair: { minUnits: start.minUnits, maxUnits }, check: check({ minUnits: start.minUnits, maxUnits }) });
  let lo = start.maxUnits; // fails
  let step = 1;
  let hi = at(Math.min(upperUnits, lo + step));
  while (hi.check.throttledAfterLag > 0 && hi.pair.maxUnits < upperUnits) {
    lo = hi.pair.maxUnits;
    step *= 2;
    hi = at(Math.min(upperUnits, lo + step));
  }
  if (hi.check.throttledAfterLag > 0) return hi;
  let hiUnits = hi.pair.maxUnits;
  while (hiUnits - lo > 1) {
    const mid = lo + Math.floor((hiUnits - lo) / 2);
    const tried = at(mid);
    if (tried.check.throttledAfterLag > 0) lo = mid;
    else {
      hiUnits = mid;
      hi = tried;
    }
  }
  return hi;
}
