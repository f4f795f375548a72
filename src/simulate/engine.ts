import { ceilTolerant } from '../sizing/units.js';

/**
 * The autoscaling simulator: pure, one pass over a per-minute demand series, no allocation
 * per minute (a year is 525,600 minutes and the Min/Max search runs it dozens of times).
 *
 * Each minute t, in this order:
 *  1. units requested U minutes ago (U = scale_up_minutes) start serving;
 *  2. the autoscaler wants desired = clamp(ceil(demand / cap), Min, Max), cap = tpsPerUnit × target_utilization;
 *     - desired > requested units (serving + starting): request the difference; they serve from t + U;
 *     - the fleet has been above desired for the previous D minutes (D = scale_down_minutes):
 *       it drops to the highest desired of those minutes and now (starting units are cancelled first);
 *  3. every requested unit (serving or starting) is billed for minute t;
 *  4. units lost to a scenario are taken out; the rest serve at full capacity (tpsPerUnit each);
 *     demand above that is throttled.
 * A zone outage takes the worst zone's units, ceil(serving / zones) at its first minute, out of
 * service until it ends. They stay billed and keep counting against Max (the services document
 * neither; this is the cautious reading), and the autoscaler sees only the units left: it asks
 * for replacements in the other zones, which serve after scale_up_minutes, up to Max − lost.
 * When the zone returns, so do its units, and the fleet scales in as usual.
 * The first minute starts with Min units serving. With a schedule, a stopped minute has no units
 * and throttles everything; a start requests Min units that serve after the restart gap.
 */
export interface SimParams {
  /** Mean requests per second in each minute. */
  demandTps: Float64Array;
  /** Full per-unit capacity (what a unit serves before throttling). */
  tpsPerUnit: number;
  /** Per-unit TPS the autoscaler plans on: tpsPerUnit × target_utilization. */
  capTps: number;
  minUnits: number;
  maxUnits: number;
  scaleUpMinutes: number;
  scaleDownMinutes: number;
  zones: number;
  zoneOutage?: { startMinute: number; durationMinutes: number };
  unitFailureMinute?: number;
  /** 1 where the model runs; null or absent: always on. */
  schedule?: Uint8Array | null;
  restartMinutes?: number;
  /** Filled with the units serving each minute (after scenario losses), when given. */
  recordInService?: Int32Array;
  /** Filled with the units billed each minute, when given. */
  recordBilled?: Int32Array;
  /** Filled with 1 for each minute that throttled requests (0 otherwise), when given. */
  recordThrottled?: Uint8Array;
  /** ceil(demand / cap) per minute, precomputed by callers that simulate the same demand many times. */
  unitsWanted?: Int32Array;
}

/** Raw sums over the simulated minutes (not scaled to a month). */
export interface SimTotals {
  minutes: number;
  unitMinutesBilled: number;
  requestsTotal: number;
  requestsServed: number;
  requestsThrottled: number;
  minutesThrottled: number;
  peakBilledUnits: number;
}

// Throttling below this many requests in a minute is floating-point noise, not a failed request.
const THROTTLE_EPS = 1e-6;

export function simulate(p: SimParams): SimTotals {
  const demand = p.demandTps;
  const n = demand.length;
  const { tpsPerUnit, capTps, minUnits, maxUnits, zones } = p;
  const up = p.scaleUpMinutes;
  const down = p.scaleDownMinutes;
  const restart = p.restartMinutes ?? 0;
  const schedule = p.schedule ?? null;
  if (minUnits > maxUnits) throw new Error(`Min ${minUnits} is above Max ${maxUnits}`);

  // Ring of units due to start serving, indexed by minute mod its length.
  const ringLen = Math.max(up, restart) + 1;
  const ring = new Int32Array(ringLen);
  const outStart = p.zoneOutage?.startMinute ?? -1;
  const outEnd = p.zoneOutage ? p.zoneOutage.startMinute + p.zoneOutage.durationMinutes : -1;
  const failStart = p.unitFailureMinute ?? -1;
  const failEnd = p.unitFailureMinute !== undefined ? p.unitFailureMinute + up : -1;
  const recIn = p.recordInService;
  const recBilled = p.recordBilled;
  const recThrottled = p.recordThrottled;
  const wanted = p.unitsWanted ?? null;

  let serving = minUnits;
  let starting = 0;
  let zoneLost = 0; // units in the failed zone: billed, not serving
  let below = 0; // consecutive minutes the fleet was above desired
  let belowMaxDesired = 0; // highest desired over those minutes
  let wasOn = true;
  let unitMinutes = 0;
  let total = 0;
  let throttled = 0;
  let minutesThrottled = 0;
  let peakBilled = 0;

  for (let t = 0; t < n; t++) {
    const d = demand[t]!;
    const requests = d * 60;
    total += requests;
    if (schedule !== null && schedule[t] === 0) {
      if (wasOn) {
        ring.fill(0);
        serving = 0;
        starting = 0;
        zoneLost = 0;
        below = 0;
        belowMaxDesired = 0;
        wasOn = false;
      }
      throttled += requests;
      if (requests > THROTTLE_EPS) minutesThrottled++;
      if (recThrottled) recThrottled[t] = requests > THROTTLE_EPS ? 1 : 0;
      if (recIn) recIn[t] = 0;
      if (recBilled) recBilled[t] = 0;
      continue;
    }
    if (!wasOn) {
      wasOn = true;
      if (restart === 0) serving = minUnits;
      else {
        ring[(t + restart) % ringLen]! += minUnits;
        starting = minUnits;
      }
    }

    const slot = t % ringLen;
    const arriving = ring[slot]!;
    if (arriving !== 0) {
      serving += arriving;
      starting -= arriving;
      ring[slot] = 0;
    }

    if (t === outStart && serving > 0) {
      zoneLost = Math.ceil(serving / zones);
      serving -= zoneLost;
    } else if (t === outEnd && zoneLost > 0) {
      serving += zoneLost;
      zoneLost = 0;
    }

    let desired = wanted !== null ? wanted[t]! : ceilTolerant(d / capTps);
    if (desired < minUnits) desired = minUnits;
    // The failed zone's units still count against Max: the healthy fleet may grow to Max − lost.
    if (desired > maxUnits - zoneLost) desired = maxUnits - zoneLost;

    let billed = serving + starting;
    if (desired > billed) {
      const k = desired - billed;
      if (up === 0) serving += k;
      else {
        ring[(t + up) % ringLen]! += k;
        starting += k;
      }
      billed = desired;
      below = 0;
      belowMaxDesired = 0;
    } else if (desired < billed) {
      if (below >= down) {
        const target = desired > belowMaxDesired ? desired : belowMaxDesired;
        let remove = billed - target;
        // Cancel the units that would start last first: they have served nothing yet.
        for (let k = ringLen - 1; k >= 1 && remove > 0 && starting > 0; k--) {
          const s = (t + k) % ringLen;
          const c = ring[s]!;
          if (c === 0) continue;
          const take = c < remove ? c : remove;
          ring[s] = c - take;
          starting -= take;
          remove -= take;
        }
        serving -= remove;
        billed = target;
        below = 0;
        belowMaxDesired = 0;
      }
      if (desired < billed) {
        below++;
        if (desired > belowMaxDesired) belowMaxDesired = desired;
      }
    } else {
      below = 0;
      belowMaxDesired = 0;
    }

    unitMinutes += billed + zoneLost;
    if (billed + zoneLost > peakBilled) peakBilled = billed + zoneLost;

    let lost = 0;
    if (t >= failStart && t < failEnd) lost += 1;
    const effective = serving > lost ? serving - lost : 0;
    if (recIn) recIn[t] = effective;
    if (recBilled) recBilled[t] = billed + zoneLost;

    const capacity = effective * tpsPerUnit * 60;
    let throttledNow = 0;
    if (requests > capacity) {
      const over = requests - capacity;
      if (over > THROTTLE_EPS) {
        throttled += over;
        minutesThrottled++;
        throttledNow = 1;
      }
    }
    if (recThrottled) recThrottled[t] = throttledNow;
  }

  return {
    minutes: n,
    unitMinutesBilled: unitMinutes,
    requestsTotal: total,
    requestsServed: total - throttled,
    requestsThrottled: throttled,
    minutesThrottled,
    peakBilledUnits: peakBilled,
  };
}

/** ceil(demand / cap) for every minute: what the autoscaler wants before Min/Max clamp it. */
export function unitsWantedPerMinute(demandTps: Float64Array, capTps: number): Int32Array {
  const out = new Int32Array(demandTps.length);
  for (let t = 0; t < demandTps.length; t++) out[t] = ceilTolerant(demandTps[t]! / capTps);
  return out;
}

/** Throttled share of requests in percent (0 when there is no traffic). */
export function throttledPct(t: SimTotals): number {
  return t.requestsTotal > 0 ? (t.requestsThrottled / t.requestsTotal) * 100 : 0;
}
