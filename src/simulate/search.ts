import { simulate, throttledPct, unitsWantedPerMinute, type SimParams, type SimTotals } from './engine.js';
import { peakTpsOf } from '../workload/series.js';
import { ceilTolerant } from '../sizing/units.js';

interface SearchInput {
  base: Omit<SimParams, 'minUnits' | 'maxUnits' | 'recordInService' | 'recordBilled'>;
  /** Lowest Min allowed: the availability-zone floor (raised to survive a zone outage at baseline when asked). */
  floorUnits: number;
  /**
   * Lowest Max allowed: with survive_zone_outage, the fewest units that still serve the peak
   * after losing the worst zone (the static rule's zone check). Default: no such floor.
   */
  maxFloorUnits?: number;
  /** Highest throttled share of requests allowed, percent. */
  maxThrottledPct: number;
  /** scaling.autoscale: false: only fixed fleets (Min = Max) are candidates. */
  fixedFleet?: boolean;
}

interface SearchResult {
  minUnits: number;
  maxUnits: number;
  totals: SimTotals;
  /** false: no pair keeps throttling within the limit; the pair returned throttles least. */
  feasible: boolean;
  simulations: number;
  /** Highest Max worth trying: ceil(peak / cap), the autoscaler never asks for more; or the zone-outage floor when higher. */
  upperUnits: number;
}

/**
 * Up to this many Min candidates the search tries every one and is exact (the brute-force
 * tests run here). Above it, Min is tried on a grid of this many points and refined around the
 * best by halving steps, so the work grows with log(peak ÷ capacity), not with it: a workload
 * needing 100,000 units costs about as much to search as one needing 200.
 */
export const EXACT_MIN_CANDIDATES = 128;

/**
 * Cheapest (Min, Max) whose throttled share is within the limit, without trying every pair.
 * It leans on two monotonic facts (checked by property tests and against brute force):
 *  - for a fixed Min, a higher Max never throttles more and never costs less, so the best Max
 *    is the smallest feasible one: a galloping then binary search;
 *  - a higher Min never throttles more, so that smallest feasible Max never grows with Min
 *    (the previous one bounds the next search), and every minute the model runs bills at least
 *    Min units and at least the units serving its traffic, so once that bound for a Min costs
 *    more than the best pair, no higher Min can win.
 */
export function searchMinMax({ base, floorUnits, maxFloorUnits = 0, maxThrottledPct, fixedFleet = false }: SearchInput): SearchResult {
  const upper = Math.max(floorUnits, maxFloorUnits, ceilTolerant(peakTpsOf(base.demandTps) / base.capTps));
  let simulations = 0;
  const unitsWanted = base.unitsWanted ?? unitsWantedPerMinute(base.demandTps, base.capTps);
  const search: Search = {
    base,
    floorUnits,
    maxFloorUnits,
    upper,
    maxThrottledPct,
    run: (minUnits, maxUnits) => {
      simulations++;
      return simulate({ ...base, unitsWanted, minUnits, maxUnits });
    },
    ok: (t) => throttledPct(t) <= maxThrottledPct + 1e-12,
  };
  const { pick, feasible } = fixedFleet ? cheapestFixedFleet(search) : cheapestPair(search);
  return { ...pick, feasible, simulations, upperUnits: upper };
}

type Pair = { minUnits: number; maxUnits: number; totals: SimTotals };

/** What every step of one search shares: its bounds, the throttling limit and the simulator, which counts its runs. */
interface Search {
  base: SearchInput['base'];
  floorUnits: number;
  maxFloorUnits: number;
  /** Highest Max worth trying (SearchResult.upperUnits). */
  upper: number;
  maxThrottledPct: number;
  run: (minUnits: number, maxUnits: number) => SimTotals;
  /** Within the throttling limit. */
  ok: (t: SimTotals) => boolean;
}

/** The answer, or when no pair is within the limit, the pair that throttled least. */
interface Pick {
  pick: Pair;
  feasible: boolean;
}

/** More units never throttle more: the smallest feasible fleet is the cheapest, found by bisection. */
function cheapestFixedFleet({ floorUnits, maxFloorUnits, upper, run, ok }: Search): Pick {
  const top = run(upper, upper);
  if (!ok(top)) return { pick: { minUnits: upper, maxUnits: upper, totals: top }, feasible: false };
  const fleet = smallestFeasible(Math.min(upper, Math.max(floorUnits, maxFloorUnits)), upper, top, (n) => run(n, n), ok);
  return { pick: { minUnits: fleet.units, maxUnits: fleet.units, totals: fleet.totals }, feasible: true };
}

/** Mins on a grid, ascending, then refined around the best of them; each Min gets its smallest feasible Max. */
function cheapestPair(search: Search): Pick {
  const trials = minTrials(search);
  const candidates = search.upper - search.floorUnits + 1;
  const gridStep = candidates <= EXACT_MIN_CANDIDATES ? 1 : Math.ceil(candidates / EXACT_MIN_CANDIDATES);
  scanMinGrid(search, trials, gridStep);
  refineAroundBest(search, trials, gridStep);
  const { best, leastThrottled } = trials.found;
  return { pick: best ?? leastThrottled!, feasible: best !== undefined };
}

/** One Min tried at a time, keeping the standings: what the grid scan and the refinement share. */
interface MinTrials {
  /** The cheapest feasible pair so far, and the pair that throttled least (the answer when none is feasible). */
  found: { best?: Pair; leastThrottled?: Pair };
  /** No pair with this Min can beat the best so far. */
  hopeless: (min: number) => boolean;
  /** The smallest feasible Max for `min`, searched down from `hiStart`, entered in `found`; undefined when none is. */
  tryMin: (min: number, hiStart: number) => Pair | undefined;
}

function minTrials(search: Search): MinTrials {
  const found: MinTrials['found'] = {};
  const runMinutes = runningMinutes(search.base);
  const costLowerBound = costLowerBoundOf(search.base, search.maxThrottledPct);
  return {
    found,
    hopeless: (min) =>
      found.best !== undefined &&
      (min * runMinutes >= found.best.totals.unitMinutesBilled || costLowerBound(min) >= found.best.totals.unitMinutesBilled),
    tryMin: (min, hiStart) => {
      const { top, cheapest } = smallestFeasibleMax(search, min, hiStart);
      if (!found.leastThrottled || top.totals.requestsThrottled < found.leastThrottled.totals.requestsThrottled) found.leastThrottled = top;
      if (cheapest && (!found.best || cheapest.totals.unitMinutesBilled < found.best.totals.unitMinutesBilled - 1e-9))
        found.best = cheapest;
      return cheapest;
    },
  };
}

/** Every Min (exact) or a grid of Mins, ascending, so each feasible Max bounds the next search. */
function scanMinGrid({ floorUnits, upper }: Search, { hopeless, tryMin }: MinTrials, gridStep: number): void {
  let prevMax = upper;
  for (let min = floorUnits; min <= upper; min += gridStep) {
    if (hopeless(min)) break;
    const p = tryMin(min, prevMax);
    if (p) prevMax = p.maxUnits;
  }
}

/** Around the best grid point: halve the step, try one step either side, move to the better. */
function refineAroundBest({ floorUnits, upper }: Search, { found, hopeless, tryMin }: MinTrials, gridStep: number): void {
  for (let step = gridStep; step > 1;) {
    step = Math.ceil(step / 2);
    const center = found.best ?? found.leastThrottled!;
    for (const min of [center.minUnits - step, center.minUnits + step]) {
      if (min < floorUnits || min > upper || hopeless(min)) continue;
      tryMin(min, upper);
    }
  }
}

/**
 * The smallest feasible Max for `min`, searched down from `hiStart` (a feasible Max of a lower
 * Min, or upper); `top` is the highest Max simulated, the least-throttling pair for this Min.
 */
function smallestFeasibleMax(search: Search, min: number, hiStart: number): { top: Pair; cheapest?: Pair } {
  const { run, ok } = search;
  let hi = Math.max(min, hiStart, search.maxFloorUnits);
  let hiTotals = run(min, hi);
  if (!ok(hiTotals) && hi < search.upper) {
    hi = search.upper;
    hiTotals = run(min, hi);
  }
  const top = { minUnits: min, maxUnits: hi, totals: hiTotals };
  if (!ok(hiTotals)) return { top };
  const bracket = gallopDown(search, min, hi, hiTotals);
  const max = smallestFeasible(bracket.lo, bracket.hi, bracket.hiTotals, (n) => run(min, n), ok);
  return { top, cheapest: { minUnits: min, maxUnits: max.units, totals: max.totals } };
}

/**
 * The smallest feasible Max rarely moves from one Min to the next: gallop down from a feasible
 * `hi` (1, 2, 4... below) and leave only the step that failed to bisect.
 */
function gallopDown(
  { maxFloorUnits, run, ok }: Search,
  min: number,
  hi: number,
  hiTotals: SimTotals,
): { lo: number; hi: number; hiTotals: SimTotals } {
  let lo = Math.max(min, maxFloorUnits);
  let step = 1;
  while (hi - step >= lo) {
    const t = run(min, hi - step);
    if (!ok(t)) {
      lo = hi - step + 1;
      break;
    }
    hi -= step;
    hiTotals = t;
    step *= 2;
  }
  return { lo, hi, hiTotals };
}

/** Minutes the model runs: all of them, or those its schedule keeps it running. */
function runningMinutes(base: SearchInput['base']): number {
  if (!base.schedule) return base.demandTps.length;
  let minutes = 0;
  for (let i = 0; i < base.schedule.length; i++) minutes += base.schedule[i]!;
  return minutes;
}

/**
 * Unit-minutes below which no pair with a given Min bills: each running minute bills at least
 * Min units and at least the units that serve its traffic, less what the allowed throttling spares.
 */
function costLowerBoundOf(base: SearchInput['base'], maxThrottledPct: number): (minUnits: number) => number {
  // Units needed at full capacity each running minute (-1: not running).
  const needUnits = new Float64Array(base.demandTps.length);
  let totalRequests = 0;
  for (let t = 0; t < needUnits.length; t++) {
    totalRequests += base.demandTps[t]! * 60;
    needUnits[t] = base.schedule && base.schedule[t] === 0 ? -1 : base.demandTps[t]! / base.tpsPerUnit;
  }
  // Throttling may spare at most this many unit-minutes of serving.
  const slackUnitMinutes = (totalRequests * maxThrottledPct) / 100 / (60 * base.tpsPerUnit);
  return (min) => {
    let sum = 0;
    for (let t = 0; t < needUnits.length; t++) {
      const need = needUnits[t]!;
      if (need >= 0) sum += need > min ? need : min;
    }
    return sum - slackUnitMinutes;
  };
}

/**
 * Bisection for the smallest unit count in [lo, hi] whose simulation is feasible, when `hi` is
 * (with totals `hiTotals`) and feasibility never turns off as units grow.
 */
function smallestFeasible(
  lo: number,
  hi: number,
  hiTotals: SimTotals,
  simulateWith: (units: number) => SimTotals,
  ok: (t: SimTotals) => boolean,
): { units: number; totals: SimTotals } {
  while (lo < hi) {
    const mid = midpoint(lo, hi);
    const t = simulateWith(mid);
    if (ok(t)) {
      hi = mid;
      hiTotals = t;
    } else lo = mid + 1;
  }
  return { units: hi, totals: hiTotals };
}

/** The middle of two unit counts, correct beyond 2^31 (where `(lo + hi) >> 1` wraps). */
function midpoint(lo: number, hi: number): number {
  return lo + Math.floor((hi - lo) / 2);
}

/** Every pair, for tests: the reference the search must match. */
export function bruteForceMinMax(
  { base, floorUnits, maxFloorUnits = 0, maxThrottledPct }: SearchInput,
  upper: number,
): { minUnits: number; maxUnits: number; unitMinutesBilled: number } | undefined {
  let best: { minUnits: number; maxUnits: number; unitMinutesBilled: number } | undefined;
  for (let min = floorUnits; min <= upper; min++) {
    for (let max = Math.max(min, maxFloorUnits); max <= upper; max++) {
      const t = simulate({ ...base, minUnits: min, maxUnits: max });
      if (throttledPct(t) > maxThrottledPct + 1e-12) continue;
      if (!best || t.unitMinutesBilled < best.unitMinutesBilled - 1e-9)
        best = { minUnits: min, maxUnits: max, unitMinutesBilled: t.unitMinutesBilled };
    }
  }
  return best;
}
