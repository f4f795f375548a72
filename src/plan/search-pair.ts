import type { ZoneOutageCheck } from '../contracts/plan.js';
import { roundTo } from '../core/money.js';
import { BOUNDS } from '../workload/bounds.js';
import { simulate, throttledPct, type SimTotals } from '../simulate/engine.js';
import { searchMinMax } from '../simulate/search.js';
import { monthFigures, simulationSetup } from '../simulate/setup.js';
import type { StaticRule } from '../sizing/static-rule.js';
import type { ResolvedWorkload } from '../workload/resolve.js';
import { checkZoneOutage, keepZonePromise, outageHolds } from './zone-promise.js';

/** The searched pair for a workload with traffic over time, with the static rule's pair simulated beside it. */
export interface SearchedPair {
  pair: { minUnits: number; maxUnits: number };
  /** false: no pair keeps throttling within max_throttled_pct (the answer falls back to the rule's pair). */
  feasible: boolean;
  monthlyCostUsd: number;
  throttledPct: number;
  simulations: number;
  raisedForZonePromise: { min: number; max: number };
  /** The answer's zone outage simulated at the busiest hour, and whether the promise holds (also when not asked). */
  outage: NonNullable<ZoneOutageCheck['outage']>;
  zoneHolds: boolean;
  staticRule: { monthlyCostUsd: number; throttledPct: number };
}

/**
 * The cheapest pair on the traffic over time within max_throttled_pct (simulate/search.ts), kept
 * to the zone promise when survive_zone_outage asks: floors from the static zone check, then the
 * simulated outage at the busiest hour, raising the pair until it holds.
 */
export function searchPair(r: ResolvedWorkload, rule: StaticRule): SearchedPair {
  const w = r.workload;
  const series = r.overTime!.series;
  const setup = simulationSetup(r, series);
  const usd = r.price.pricePerUnitHourUsd;
  const found = searchMinMax({
    base: setup.scheduledBase,
    floorUnits: setup.floorUnits,
    maxFloorUnits: setup.maxFloorUnits,
    maxThrottledPct: w.scaling.max_throttled_pct,
    fixedFleet: !w.scaling.autoscale,
  });
  const ruleTotals = simulate({ ...setup.scheduledBase, minUnits: rule.units.minInferenceUnits, maxUnits: rule.units.maxInferenceUnits });
  const figures = (t: SimTotals) => ({
    monthlyCostUsd: monthFigures(t, series, usd).monthlyCostUsd,
    throttledPct: roundTo(throttledPct(t), 4),
  });
  const durationMinutes = Math.round(w.availability.zone_outage_hours * 60);
  const check = (pair: { minUnits: number; maxUnits: number }) => checkZoneOutage(setup, series, pair, durationMinutes);
  let pair = { minUnits: found.minUnits, maxUnits: found.maxUnits };
  let totals = found.totals;
  // An infeasible search leaves the rule's pair as the answer: its outage is the one to judge.
  let outage = check(found.feasible ? pair : { minUnits: rule.units.minInferenceUnits, maxUnits: rule.units.maxInferenceUnits });
  let simulations = found.simulations + 1;
  if (found.feasible && w.availability.survive_zone_outage && setup.zoneSafe && !outageHolds(outage)) {
    const upper = Math.min(BOUNDS.units, Math.max(2 * found.upperUnits, rule.units.maxInferenceUnits + w.availability.zones));
    const kept = keepZonePromise(check, pair, upper);
    if (kept.pair.minUnits !== pair.minUnits || kept.pair.maxUnits !== pair.maxUnits) {
      pair = w.scaling.autoscale ? kept.pair : { minUnits: kept.pair.maxUnits, maxUnits: kept.pair.maxUnits };
      totals = simulate({ ...setup.scheduledBase, ...pair });
      outage = check(pair);
      simulations += 2;
    }
  }
  return {
    pair,
    feasible: found.feasible,
    ...figures(totals),
    simulations,
    raisedForZonePromise: { min: pair.minUnits - found.minUnits, max: pair.maxUnits - found.maxUnits },
    outage,
    zoneHolds: setup.zoneSafe && outageHolds(outage),
    staticRule: figures(ruleTotals),
  };
}
