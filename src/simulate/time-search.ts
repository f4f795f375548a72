import type { ResolvedWorkload } from '../workload/resolve.js';
import type { Workload } from '../workload/schema.js';
import type { TrafficOverTime } from '../workload/traffic.js';
import { roundTo, roundUsd } from '../core/money.js';
import { searchMinMax } from './search.js';
import { simulate, throttledPct, type SimTotals } from './engine.js';
import { monthFigures, simulationSetup, type SimulationSetup } from './setup.js';
import type { DemandSeries } from '../workload/series.js';

export interface PairFigures {
  minInferenceUnits: number;
  maxInferenceUnits: number;
  monthlyCostUsd: number;
  throttledPct: number;
}

/** The cost-optimal pair from the search and the static planner's pair, simulated on the same traffic (no scenarios). */
export interface PairComparison {
  searched: PairFigures;
  /** false: no pair keeps throttling within max_throttled_pct; `searched` throttles least. */
  feasible: boolean;
  simulations: number;
  static: PairFigures;
  /** survive_zone_outage: whether it was asked and whether any pair can keep it (not with one zone). */
  zoneOutage: { required: boolean; possible: boolean; maxFloorUnits: number };
}

function pairFigures(minUnits: number, maxUnits: number, t: SimTotals, series: DemandSeries, usdPerHour: number): PairFigures {
  return { minInferenceUnits: minUnits, maxInferenceUnits: maxUnits, monthlyCostUsd: monthFigures(t, series, usdPerHour).monthlyCostUsd, throttledPct: roundTo(throttledPct(t), 4) };
}

/** Searches the cheapest Min/Max and simulates the static pair next to it: for both `simulate` and `plan`. */
export function comparePairs(w: Workload, setup: SimulationSetup, series: DemandSeries, usdPerHour: number, staticMin: number, staticMax: number): PairComparison {
  const base = setup.scheduledBase;
  const found = searchMinMax({ base, floorUnits: setup.floorUnits, maxFloorUnits: setup.maxFloorUnits, maxThrottledPct: w.scaling.max_throttled_pct, fixedFleet: !w.scaling.autoscale });
  const staticTotals = simulate({ ...base, minUnits: staticMin, maxUnits: staticMax });
  return {
    searched: pairFigures(found.minUnits, found.maxUnits, found.totals, series, usdPerHour),
    feasible: found.feasible,
    simulations: found.simulations,
    static: pairFigures(staticMin, staticMax, staticTotals, series, usdPerHour),
    zoneOutage: { required: w.availability.survive_zone_outage, possible: setup.zoneSafe, maxFloorUnits: setup.maxFloorUnits },
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
  /**
   * survive_zone_outage kept by the search: `required` as asked; `possible` false when no pair
   * survives (one zone); `maxFloorUnits` the fewest Max units that serve the peak after a zone loss.
   */
  zoneOutage: { required: boolean; possible: boolean; maxFloorUnits: number };
}

/** The search for a workload with traffic over time, next to the static planner's pair. */
export function searchForPlan(r: ResolvedWorkload, overTime: TrafficOverTime, staticMin: number, staticMax: number): TimeSearch {
  const w = r.workload;
  const { series } = overTime;
  const c = comparePairs(w, simulationSetup(r, series), series, r.price.pricePerUnitHourUsd, staticMin, staticMax);
  return {
    trafficSource: overTime.source,
    maxThrottledPct: w.scaling.max_throttled_pct,
    scaleUpMinutes: w.scaling.scale_up_minutes,
    searched: { ...c.searched, feasible: c.feasible },
    static: c.static,
    monthlySavingUsd: roundUsd(c.static.monthlyCostUsd - c.searched.monthlyCostUsd),
    zoneOutage: c.zoneOutage,
  };
}
