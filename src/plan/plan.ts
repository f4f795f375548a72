import type { Warning } from '../core/errors.js';
import { scheduledHoursPerMonth } from '../core/hours.js';
import { formatUsd, roundTo, roundUsd } from '../core/money.js';
import { formatHours, formatTps } from '../core/numbers.js';
import type { ResolvedWorkload } from '../workload/resolve.js';
import type { Workload } from '../workload/schema.js';
import type { ClassTps } from '../workload/tps.js';
import { capacityAfterZoneLoss, computeUnits, servesAfterZoneLoss, worstZoneUnits } from './units.js';

export const PLAN_SCHEMA_ID = 'capacity-plan/plan@2';

export interface Plan {
  name: string;
  /** The workload's `id:`, the key a gate baseline is matched by when present. */
  id?: string;
  file?: string;
  service: Workload['service'];
  region: string;
  task: Workload['model']['task'];
  pricePerUnitHourUsd: number;
  priceSource: string;
  tpsSource: string;
  /** Real-unit TPS / local-unit TPS (derivation.calibration says how an anchored one was worked out). */
  calibration: number;
  classes: ClassTps[];
  tpsPerUnit: number;
  /** tpsPerUnit with every class at the low end of its interval (ClassTps.uncertaintyPct). */
  tpsPerUnitLow: number;
  /** The units the low end would need; they differ from Min/Max only when the interval matters (tps-uncertain warning). */
  unitsIfTpsLow: { min: number; max: number };
  targetUtilization: number;
  capacityPerUnitTps: number;
  baselineTps: number;
  peakTps: number;
  minInferenceUnits: number;
  maxInferenceUnits: number;
  azFloor: number;
  azFloorApplied: boolean;
  autoscale: boolean;
  hoursPerMonth: number;
  inferenceHoursPerMonth: { min: number; max: number; expected?: number };
  /** simulated: the recommended pair simulated minute by minute (traffic over time only; added by planWorkloads). */
  monthlyCostUsd: { min: number; max: number; expected?: number; simulated?: number };
  costPer1000ImagesUsd: number | null;
  zoneOutage: {
    zones: number;
    required: boolean;
    unitsLostWorstCase: number;
    capacityLeftAtMaxTps: number;
    servesPeak: boolean;
    unitsAddedForOutage: { min: number; max: number };
  };
  /** Each headline number with the formula and the numbers in it. */
  derivation: PlanDerivation;
  /** The AWS CLI command that starts model.project_version_arn with this Min/Max. */
  startCommand?: string;
  warnings: Warning[];
}

/** The formula behind each headline number, with the numbers in it. */
export interface PlanDerivation {
  /** Present when the calibration was worked out from a measured image. */
  calibration?: string;
  tpsPerUnit: string;
  tpsPerUnitLow: string;
  capacityPerUnitTps: string;
  minInferenceUnits: string;
  maxInferenceUnits: string;
  hoursPerMonth: string;
  inferenceHoursMin: string;
  inferenceHoursMax: string;
  inferenceHoursExpected?: string;
  monthlyCostMin: string;
  monthlyCostMax: string;
  monthlyCostExpected?: string;
  costPer1000Images?: string;
  zoneOutage: string;
}

const r2 = (x: number) => roundTo(x, 2);

/** The static planner: pure, no I/O, on a workload whose inputs are already resolved. */
export function computePlan(r: ResolvedWorkload): Plan {
  const { workload: w, tpsSource, price, file, classes, tpsPerUnit } = r;
  const warnings: Warning[] = [...r.warnings];
  const calibration = r.calibration.factor;
  const baselineTps = w.traffic.baseline_tps;
  const peakTps = w.traffic.peak_tps;
  const av = w.availability;
  const unitsAt = (tps: number) =>
    computeUnits({
      tpsPerUnit: tps,
      targetUtilization: w.scaling.target_utilization,
      baselineTps,
      peakTps,
      production: av.production,
      zones: av.zones,
      surviveZoneOutage: av.survive_zone_outage,
      autoscale: w.scaling.autoscale,
    });
  const u = unitsAt(tpsPerUnit);
  const min = u.minInferenceUnits;
  const max = u.maxInferenceUnits;
  const low = unitsAt(r.tpsPerUnitLow);
  const lowerPct = (1 - r.tpsPerUnitLow / tpsPerUnit) * 100;
  const hoursPerMonth = scheduledHoursPerMonth(w.schedule.hours_per_day, w.schedule.days_per_week);
  const hoursMin = min * hoursPerMonth;
  const hoursMax = max * hoursPerMonth;
  const peakH = w.traffic.peak_hours_per_day;
  const hoursExpected =
    peakH === undefined ? undefined : scheduledHoursPerMonth(max * peakH + min * (w.schedule.hours_per_day - peakH), w.schedule.days_per_week);
  const usdPerUnitHour = price.pricePerUnitHourUsd;
  const costMinUsd = roundUsd(hoursMin * usdPerUnitHour);
  const costMaxUsd = roundUsd(hoursMax * usdPerUnitHour);
  const costPer1000 = baselineTps > 0 ? ((min * usdPerUnitHour) / (baselineTps * 3600)) * 1000 : null;

  const lost = worstZoneUnits(max, av.zones);
  const left = capacityAfterZoneLoss(max, av.zones, tpsPerUnit);
  const servesPeak = servesAfterZoneLoss(max, av.zones, tpsPerUnit, peakTps);

  for (const c of classes) {
    if (c.outsideMeasuredRange.length > 0) {
      warnings.push({ code: 'outside-measured-range', message: `images[${c.index}]: ${c.outsideMeasuredRange.join('; ')}: the cost model extrapolates` });
    }
  }
  if (w.service === 'lookout-for-vision') {
    warnings.push({ code: 'end-of-support', message: 'Amazon Lookout for Vision reached end of support on 2025-10-31; plan a migration' });
  }
  if (!av.production) {
    warnings.push({ code: 'no-zone-redundancy', message: 'production: false plans 1 unit minimum: a single unit has no availability-zone redundancy' });
  }
  if (av.survive_zone_outage && av.zones < 2) {
    warnings.push({ code: 'single-zone', message: 'survive_zone_outage with zones: 1: nothing is left after losing the only zone' });
  }
  if (!servesPeak && !av.survive_zone_outage && (av.zones >= 2 || av.production)) {
    warnings.push({
      code: 'zone-outage-throttles',
      message:
        av.zones < 2
          ? `with zones: 1, losing the zone loses every unit: nothing serves the ${peakTps} TPS peak (spread the units over 2 or more zones)`
          : `losing one zone at Max leaves ${formatTps(left)} TPS for a ${peakTps} TPS peak: requests above it fail with ProvisionedThroughputExceededException (set availability.survive_zone_outage: true to size for it)`,
    });
  }
  if (low.maxInferenceUnits > max || low.minInferenceUnits > min) {
    const minMoves = low.minInferenceUnits > min;
    const maxMoves = low.maxInferenceUnits > max;
    const now = [minMoves ? `Min ${min}` : '', maxMoves ? `Max ${max}` : ''].filter(Boolean).join(', ');
    const then = minMoves && maxMoves ? `Min ${low.minInferenceUnits}, Max ${low.maxInferenceUnits}` : String(minMoves ? low.minInferenceUnits : low.maxInferenceUnits);
    const why = classes.filter((c) => c.uncertaintyPct > 0).map((c) => `images[${c.index}]: ${c.uncertainty}`);
    warnings.push({ code: 'tps-uncertain', message: `${now}; ${then} if TPS is ${lowerPct.toFixed(1)}% lower than measured (${why.join('; ')})` });
  }
  if (tpsSource.kind === 'bench' && calibration === 1 && !r.calibration.anchored) {
    warnings.push({ code: 'uncalibrated', message: 'TPS is from a local bench unit with calibration 1: set model.calibration to real-unit TPS / local-unit TPS once measured' });
  }

  // Derivations print every number with the shared formatters and multiply out as printed: an
  // hours figure that is not exact to the cent of an hour is shown as its formula, not rounded.
  const tps = formatTps;
  const fmt4 = (x: number) => String(roundTo(x, 4));
  const exact2 = (x: number) => Math.abs(x * 100 - Math.round(x * 100)) < 1e-6;
  const priceText = `$${usdPerUnitHour}`;
  const hpmText = exact2(hoursPerMonth) ? formatHours(hoursPerMonth) : `(${w.schedule.hours_per_day} × ${w.schedule.days_per_week} × 730 / 168)`;
  const hoursText = (units: number, hours: number) => (exact2(hours) ? `${formatHours(hours)} h` : `${units} × ${hpmText} h`);
  const mixTerms = classes.map((c) => `${c.share}/${tps(c.tps)}`).join(' + ');
  const lowTerms = classes.map((c) => `${c.share}/${tps(c.tps * (1 - Math.min(c.uncertaintyPct, 90) / 100))}`).join(' + ');
  const derivation: PlanDerivation = {
    ...(r.calibration.anchored ? { calibration: r.calibration.derivation } : {}),
    tpsPerUnit: `${fmt4(calibration)} / (${mixTerms}) = ${tps(tpsPerUnit)} TPS`,
    tpsPerUnitLow: `${fmt4(calibration)} / (${lowTerms}) = ${tps(r.tpsPerUnitLow)} TPS (each class lowered by its uncertainty) → Min ${low.minInferenceUnits}, Max ${low.maxInferenceUnits}`,
    capacityPerUnitTps: `${tps(tpsPerUnit)} × ${w.scaling.target_utilization} = ${tps(u.capTps)} TPS`,
    minInferenceUnits:
      `max(floor ${u.floor}, ceil(${baselineTps} / ${tps(u.capTps)}) = ${u.minForBaseline})` +
      (u.zoneOutageUnitsAdded.min ? ` + ${u.zoneOutageUnitsAdded.min} for a zone outage` : '') +
      (!w.scaling.autoscale ? ', fixed fleet: = Max' : '') +
      ` = ${min}`,
    // unitsAddedForOutage.max counts from max(Min, ceil(peak / usable)), i.e. after Max is raised to Min.
    maxInferenceUnits:
      `max(Min, ceil(${peakTps} / ${tps(u.capTps)}) = ${u.maxForPeak})` + (u.zoneOutageUnitsAdded.max ? ` + ${u.zoneOutageUnitsAdded.max} for a zone outage` : '') + ` = ${max}`,
    hoursPerMonth: `${w.schedule.hours_per_day} h × ${w.schedule.days_per_week} d × 730 / 168 = ${formatHours(hoursPerMonth)} h`,
    inferenceHoursMin: `${min} × ${hpmText} = ${formatHours(hoursMin)} h`,
    inferenceHoursMax: `${max} × ${hpmText} = ${formatHours(hoursMax)} h`,
    monthlyCostMin: `${hoursText(min, hoursMin)} × ${priceText} = ${formatUsd(costMinUsd)}`,
    monthlyCostMax: `${hoursText(max, hoursMax)} × ${priceText} = ${formatUsd(costMaxUsd)}`,
    zoneOutage: `(${max} − ceil(${max} / ${av.zones}) = ${max - lost}) × ${tps(tpsPerUnit)} = ${tps(left)} TPS ${servesPeak ? '≥' : '<'} peak ${peakTps}`,
  };
  if (hoursExpected !== undefined && peakH !== undefined) {
    const formula = `(${max} × ${peakH} h + ${min} × ${w.schedule.hours_per_day - peakH} h) × ${w.schedule.days_per_week} d × 730 / 168`;
    derivation.inferenceHoursExpected = `${formula} = ${formatHours(hoursExpected)} h`;
    derivation.monthlyCostExpected = `${exact2(hoursExpected) ? `${formatHours(hoursExpected)} h` : formula} × ${priceText} = ${formatUsd(roundUsd(hoursExpected * usdPerUnitHour))}`;
  }
  if (costPer1000 !== null) derivation.costPer1000Images = `${min} × ${priceText} / (${baselineTps} × 3600) × 1000 = $${costPer1000.toFixed(4)}`;

  return {
    name: w.name,
    ...(w.id !== undefined ? { id: w.id } : {}),
    ...(file !== undefined ? { file } : {}),
    service: w.service,
    region: w.region,
    task: w.model.task,
    pricePerUnitHourUsd: usdPerUnitHour,
    priceSource: price.priceSource,
    tpsSource: tpsSource.kind === 'constant' ? 'model.tps_per_unit' : `bench file ${tpsSource.file}, model ${tpsSource.model.name}`,
    calibration: roundTo(calibration, 4),
    classes: classes.map((c) => ({ ...c, msPerImage: roundTo(c.msPerImage, 3), tps: roundTo(c.tps, 3), uncertaintyPct: roundTo(c.uncertaintyPct, 2) })),
    tpsPerUnit: roundTo(tpsPerUnit, 3),
    tpsPerUnitLow: roundTo(r.tpsPerUnitLow, 3),
    unitsIfTpsLow: { min: low.minInferenceUnits, max: low.maxInferenceUnits },
    targetUtilization: w.scaling.target_utilization,
    capacityPerUnitTps: roundTo(u.capTps, 3),
    baselineTps,
    peakTps,
    minInferenceUnits: min,
    maxInferenceUnits: max,
    azFloor: u.floor,
    azFloorApplied: u.azFloorApplied,
    autoscale: w.scaling.autoscale,
    hoursPerMonth: r2(hoursPerMonth),
    inferenceHoursPerMonth: { min: r2(hoursMin), max: r2(hoursMax), ...(hoursExpected !== undefined ? { expected: r2(hoursExpected) } : {}) },
    monthlyCostUsd: {
      min: costMinUsd,
      max: costMaxUsd,
      ...(hoursExpected !== undefined ? { expected: roundUsd(hoursExpected * usdPerUnitHour) } : {}),
    },
    costPer1000ImagesUsd: costPer1000 === null ? null : roundTo(costPer1000, 4),
    zoneOutage: {
      zones: av.zones,
      required: av.survive_zone_outage,
      unitsLostWorstCase: lost,
      capacityLeftAtMaxTps: roundTo(left, 3),
      servesPeak,
      unitsAddedForOutage: u.zoneOutageUnitsAdded,
    },
    derivation,
    ...(w.model.project_version_arn !== undefined ? { startCommand: startCommand(w.model.project_version_arn, min, max) } : {}),
    warnings,
  };
}

/** Starting a model is how its unit count changes; Max only when it differs (equal means no autoscaling). */
function startCommand(arn: string, min: number, max: number): string {
  const region = arn.split(':')[3];
  return (
    `aws rekognition start-project-version --region ${region} --project-version-arn ${arn} --min-inference-units ${min}` +
    (max > min ? ` --max-inference-units ${max}` : '')
  );
}

export interface PlanTotals {
  minInferenceUnits: number;
  maxInferenceUnits: number;
  inferenceHoursPerMonth: { min: number; max: number; expected?: number };
  monthlyCostUsd: { min: number; max: number; expected?: number };
}

/**
 * Totals over several plans: the sum of the figures each plan shows (cents), like an invoice,
 * so the total row always equals the rows above it. Expected is summed only when every plan has one.
 */
export function totalPlans(plans: Plan[]): PlanTotals {
  const sum = (f: (p: Plan) => number) => plans.reduce((s, p) => s + f(p), 0);
  const allExpected = plans.every((p) => p.monthlyCostUsd.expected !== undefined);
  return {
    minInferenceUnits: sum((p) => p.minInferenceUnits),
    maxInferenceUnits: sum((p) => p.maxInferenceUnits),
    inferenceHoursPerMonth: {
      min: r2(sum((p) => p.inferenceHoursPerMonth.min)),
      max: r2(sum((p) => p.inferenceHoursPerMonth.max)),
      ...(allExpected ? { expected: r2(sum((p) => p.inferenceHoursPerMonth.expected ?? 0)) } : {}),
    },
    monthlyCostUsd: {
      // Sums of the rounded rows, never re-derived from rounded hours, so the total is the rows' sum to the cent.
      min: roundUsd(sum((p) => p.monthlyCostUsd.min)),
      max: roundUsd(sum((p) => p.monthlyCostUsd.max)),
      ...(allExpected ? { expected: roundUsd(sum((p) => p.monthlyCostUsd.expected ?? 0)) } : {}),
    },
  };
}
