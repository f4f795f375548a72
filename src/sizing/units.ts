import { exactProduct } from '../core/numbers.js';

/**
 * The unit-count rule. Floor: 2 units in production (one per availability zone at least
 * twice over), 1 otherwise. Min covers baseline, Max covers peak, both at the target
 * utilization. When a zone outage must be survived, the units left after losing the
 * worst zone (ceil(N / zones) units) must carry the traffic at full capacity.
 */
interface UnitInputs {
  tpsPerUnit: number;
  targetUtilization: number;
  baselineTps: number;
  peakTps: number;
  production: boolean;
  zones: number;
  surviveZoneOutage: boolean;
  autoscale: boolean;
}

export interface UnitCounts {
  floor: number;
  /** Usable TPS per unit at the target utilization. */
  capTps: number;
  minForBaseline: number;
  maxForPeak: number;
  minInferenceUnits: number;
  maxInferenceUnits: number;
  azFloorApplied: boolean;
  /** Units added on top of the utilization rule so a zone outage is survived. */
  zoneOutageUnitsAdded: { min: number; max: number };
}

export function worstZoneUnits(units: number, zones: number): number {
  return Math.ceil(units / zones);
}

/** TPS the fleet keeps when the zone holding the most units fails, at full per-unit capacity. */
export function capacityAfterZoneLoss(units: number, zones: number, tpsPerUnit: number): number {
  return (units - worstZoneUnits(units, zones)) * tpsPerUnit;
}

/**
 * Whether the units left after losing the worst zone serve `tps`: they must number at least
 * ceil(tps / tpsPerUnit), with ceilTolerant's tolerance, so the zone check and the unit counts
 * forgive the same floating-point noise (3 units of 9.999999999 TPS serve 30 TPS in both).
 */
export function servesAfterZoneLoss(units: number, zones: number, tpsPerUnit: number, tps: number): boolean {
  return units - worstZoneUnits(units, zones) >= ceilTolerant(tps / tpsPerUnit);
}

/** The fewest units that serve `tps` after losing a zone; undefined with one zone (nothing is left). */
export function unitsToSurviveZoneLoss(zones: number, tpsPerUnit: number, tps: number): number | undefined {
  return zones < 2 ? undefined : surviveOutage(1, zones, tpsPerUnit, tps);
}

/**
 * Smallest N >= start whose units left after a zone outage serve `tps`, in closed form. Units left
 * = N - ceil(N/zones) = floor(N(zones-1)/zones), which is at least L = ceil(tps / tpsPerUnit)
 * exactly when N(zones-1)/zones >= L (L is whole), so N = ceil(L·zones / (zones-1)). Counting up
 * instead took peak ÷ tpsPerUnit steps, and never ended once N passed 2^53 (N + 1 === N).
 */
function surviveOutage(start: number, zones: number, tpsPerUnit: number, tps: number): number {
  if (zones < 2) return start; // one zone: nothing is left after losing it; callers warn.
  const unitsLeftNeeded = ceilTolerant(tps / tpsPerUnit);
  // The closed form's neighbourhood: at most a few steps absorb floating-point rounding.
  let n = Math.max(start, Math.floor(((unitsLeftNeeded - 2) * zones) / (zones - 1)));
  for (let k = 0; k < 8 && !servesAfterZoneLoss(n, zones, tpsPerUnit, tps); k++) n++;
  return n;
}

/** ceil() that forgives floating-point noise: 30 / (12.5 * 0.8) must be 3, not 4. */
export function ceilTolerant(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) < 1e-9 ? r : Math.ceil(x);
}

export function computeUnits(i: UnitInputs): UnitCounts {
  const floor = i.production ? 2 : 1;
  const capTps = exactProduct(i.tpsPerUnit, i.targetUtilization);
  const minForBaseline = ceilTolerant(i.baselineTps / capTps);
  const maxForPeak = ceilTolerant(i.peakTps / capTps);
  let min = Math.max(floor, minForBaseline);
  let max = Math.max(min, maxForPeak);
  const added = { min: 0, max: 0 };
  if (i.surviveZoneOutage && i.zones >= 2) {
    const min2 = surviveOutage(min, i.zones, i.tpsPerUnit, i.baselineTps);
    const max2 = surviveOutage(Math.max(max, min2), i.zones, i.tpsPerUnit, i.peakTps);
    added.min = min2 - min;
    added.max = max2 - max;
    min = min2;
    max = max2;
  }
  if (!i.autoscale) min = max;
  // Applied: Min sits at the floor because of it. Not when zone-outage sizing or a fixed fleet
  // lifted Min past the floor anyway (then the floor changed nothing).
  const azFloorApplied = floor > minForBaseline && min === floor;
  return {
    floor,
    capTps,
    minForBaseline,
    maxForPeak,
    minInferenceUnits: min,
    maxInferenceUnits: max,
    azFloorApplied,
    zoneOutageUnitsAdded: added,
  };
}
