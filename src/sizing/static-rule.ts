import type { Warning } from '../core/errors.js';
import { scheduledHoursPerMonth } from '../core/hours.js';
import { exactProduct, formatExact, formatHours } from '../core/numbers.js';
import type { ResolvedWorkload } from '../workload/resolve.js';
import { lowTps } from '../workload/tps.js';
import { computeUnits, servesAfterZoneLoss, worstZoneUnits, type UnitCounts } from './units.js';

/**
 * The peak/baseline rule: pure, no I/O, on a workload whose inputs are already resolved. It sizes
 * Min from baseline_tps and Max from peak_tps at the target utilization, with the zone floor and
 * zone-outage sizing. It is the answer for a workload without traffic over time, and the first
 * step of the derivation for one with it (the search starts from what it knows).
 */
export interface StaticRule {
  /** tpsPerUnit × target_utilization, exactly as printed. */
  capTps: number;
  units: UnitCounts;
  /** The units the low end of the TPS interval would need. */
  unitsIfTpsLow: { min: number; max: number };
  hoursPerMonth: number;
  /** Each step with the numbers in it, as printed. */
  derivation: {
    tpsPerUnit: string;
    tpsPerUnitLow: string;
    capacityPerUnitTps: string;
    minInferenceUnits: string;
    maxInferenceUnits: string;
    hoursPerMonth: string;
  };
  warnings: Warning[];
}

export function staticRule(r: ResolvedWorkload): StaticRule {
  const w = r.workload;
  const av = w.availability;
  const unitsAt = (tpsPerUnit: number) =>
    computeUnits({
      tpsPerUnit,
      targetUtilization: w.scaling.target_utilization,
      baselineTps: w.traffic.baseline_tps,
      peakTps: w.traffic.peak_tps,
      production: av.production,
      zones: av.zones,
      surviveZoneOutage: av.survive_zone_outage,
      autoscale: w.scaling.autoscale,
    });
  const units = unitsAt(r.tpsPerUnit);
  const low = unitsAt(r.tpsPerUnitLow);
  const hoursPerMonth = scheduledHoursPerMonth(w.schedule.hours_per_day, w.schedule.days_per_week);
  return {
    capTps: units.capTps,
    units,
    unitsIfTpsLow: { min: low.minInferenceUnits, max: low.maxInferenceUnits },
    hoursPerMonth,
    derivation: staticDerivation(r, units, low, hoursPerMonth),
    warnings: staticWarnings(r, units, low),
  };
}

function staticDerivation(r: ResolvedWorkload, u: UnitCounts, low: UnitCounts, hoursPerMonth: number): StaticRule['derivation'] {
  const w = r.workload;
  const { baseline_tps: baselineTps, peak_tps: peakTps } = w.traffic;
  const tps = formatExact;
  const calibration = r.calibration;
  const mixTerms = r.classes.map((c) => `${c.share}/${tps(c.tps)}`).join(' + ');
  const lowTerms = r.classes.map((c) => `${c.share}/${tps(lowTps(c))}`).join(' + ');
  const mixTps =
    calibration.mixTps !== undefined
      ? `${tps(calibration.mixTps)} TPS measured by a real unit on this image mix (model.calibration.tps)`
      : `${calibration.factor} / (${mixTerms}) = ${tps(r.tpsPerUnit)} TPS`;
  return {
    tpsPerUnit: mixTps,
    tpsPerUnitLow:
      (calibration.mixTps !== undefined
        ? `${tps(r.tpsPerUnitLow)} TPS (measured on the mix)`
        : `${calibration.factor} / (${lowTerms}) = ${tps(r.tpsPerUnitLow)} TPS (each class lowered by its uncertainty)`) +
      ` → Min ${low.minInferenceUnits}, Max ${low.maxInferenceUnits}`,
    capacityPerUnitTps: `${tps(r.tpsPerUnit)} × ${w.scaling.target_utilization} = ${tps(u.capTps)} TPS`,
    minInferenceUnits:
      `max(floor ${u.floor}, ceil(${tps(baselineTps)} / ${tps(u.capTps)}) = ${u.minForBaseline})` +
      (u.zoneOutageUnitsAdded.min ? ` + ${u.zoneOutageUnitsAdded.min} for a zone outage` : '') +
      (!w.scaling.autoscale ? ', fixed fleet: = Max' : '') +
      ` = ${u.minInferenceUnits}`,
    // Max starts from Min before any zone-outage units: unitsAddedForOutage.max counts from there.
    maxInferenceUnits:
      `max(${Math.max(u.floor, u.minForBaseline)}, ceil(${tps(peakTps)} / ${tps(u.capTps)}) = ${u.maxForPeak})` +
      (u.zoneOutageUnitsAdded.max ? ` + ${u.zoneOutageUnitsAdded.max} for a zone outage` : '') +
      ` = ${u.maxInferenceUnits}`,
    hoursPerMonth: `${w.schedule.hours_per_day} h × ${w.schedule.days_per_week} d × 730 / 168 = ${formatHours(hoursPerMonth)} h`,
  };
}

/** The zone check at a Max, as printed: the units left after losing the worst zone, at full TPS, against the peak. */
export function zoneCheckAt(maxUnits: number, zones: number, tpsPerUnit: number, peakTps: number) {
  const lost = worstZoneUnits(maxUnits, zones);
  const leftTps = exactProduct(maxUnits - lost, tpsPerUnit);
  const servesPeak = servesAfterZoneLoss(maxUnits, zones, tpsPerUnit, peakTps);
  return {
    unitsLost: lost,
    leftTps,
    servesPeak,
    derivation: `(${maxUnits} − ceil(${maxUnits} / ${zones}) = ${maxUnits - lost}) × ${formatExact(tpsPerUnit)} = ${formatExact(leftTps)} TPS ${servesPeak ? '≥' : '<'} peak ${formatExact(peakTps)}`,
  };
}

function staticWarnings(r: ResolvedWorkload, u: UnitCounts, low: UnitCounts): Warning[] {
  const w = r.workload;
  const av = w.availability;
  const warnings: Warning[] = [...r.warnings];
  for (const c of r.classes) {
    if (c.outsideMeasuredRange.length > 0) {
      warnings.push({
        code: 'outside-measured-range',
        message: `images[${c.index}]: ${c.outsideMeasuredRange.join('; ')}: the cost model extrapolates`,
      });
    }
  }
  if (w.service === 'lookout-for-vision') {
    warnings.push({ code: 'end-of-support', message: 'Amazon Lookout for Vision reached end of support on 2025-10-31; plan a migration' });
  }
  if (!av.production) {
    warnings.push({
      code: 'no-zone-redundancy',
      message: 'production: false plans 1 unit minimum: a single unit has no availability-zone redundancy',
    });
  }
  if (av.survive_zone_outage && av.zones < 2) {
    warnings.push({ code: 'single-zone', message: 'survive_zone_outage with zones: 1: nothing is left after losing the only zone' });
  }
  const min = u.minInferenceUnits;
  const max = u.maxInferenceUnits;
  if (low.maxInferenceUnits > max || low.minInferenceUnits > min) {
    const minMoves = low.minInferenceUnits > min;
    const maxMoves = low.maxInferenceUnits > max;
    const now = [minMoves ? `Min ${min}` : '', maxMoves ? `Max ${max}` : ''].filter(Boolean).join(', ');
    const then =
      minMoves && maxMoves
        ? `Min ${low.minInferenceUnits}, Max ${low.maxInferenceUnits}`
        : String(minMoves ? low.minInferenceUnits : low.maxInferenceUnits);
    const lowerPct = (1 - r.tpsPerUnitLow / r.tpsPerUnit) * 100;
    const why = r.classes.filter((c) => c.uncertaintyPct > 0).map((c) => `images[${c.index}]: ${c.uncertainty}`);
    warnings.push({
      code: 'tps-uncertain',
      message: `peak/baseline rule ${now}; ${then} if TPS is ${lowerPct.toFixed(1)}% lower than measured (${why.join('; ')})`,
    });
  }
  if (r.tpsSource.kind === 'bench' && r.calibration.factor === 1 && !r.calibration.anchored) {
    warnings.push({
      code: 'uncalibrated',
      message: 'TPS is from a local bench unit with calibration 1: set model.calibration to real-unit TPS / local-unit TPS once measured',
    });
  }
  return warnings;
}
