import { createHash } from 'node:crypto';
import type { BatchFleet, Plan, PlanReport, PlanSearch, ZoneOutageCheck } from '../contracts/plan.js';
import { PLAN_SCHEMA_ID } from '../contracts/ids.js';
import type { Warning } from '../core/errors.js';
import { roundTo, roundUsd } from '../core/money.js';
import { formatExact } from '../core/numbers.js';
import { staticRule, zoneCheckAt, type StaticRule } from '../sizing/static-rule.js';
import type { ResolvedWorkload } from '../workload/resolve.js';
import { basisOf, costsOnBases } from './bases.js';
import { headlineOf } from './headline.js';
import type { SearchedPair } from './search-pair.js';
import { totalPlans } from './totals.js';
import { savingsOf } from './savings.js';
import { batchFleet } from './batch.js';

/**
 * The one answer for each workload: the Min/Max pair to run and its monthly cost, computed once
 * here and shown by every command (plan, gate, simulate's default pair, demo, report).
 *  - Without traffic over time, the peak/baseline rule's pair.
 *  - With it, the cheapest pair the simulator finds within max_throttled_pct, raised until a zone
 *    outage at the busiest hour is survived when survive_zone_outage asks (zone-promise.ts).
 * The rule's pair and the searched pair stay in the result as steps of the derivation.
 */
export async function planWorkloads(workloads: ResolvedWorkload[]): Promise<PlanReport> {
  // The simulator loads only for a workload with traffic over time: plain plans start fast.
  const search = workloads.some((r) => r.overTime) ? (await import('./search-pair.js')).searchPair : undefined;
  const plans = workloads.map((r) => planWorkload(r, search));
  return { schema: PLAN_SCHEMA_ID, plans, totals: totalPlans(plans) };
}

type SearchPair = (r: ResolvedWorkload, rule: StaticRule) => SearchedPair;

type Pair = { minUnits: number; maxUnits: number };

/** The pair to run: a batch fleet's, else the search's when it found one within the limit, else the rule's. */
function answerOf(rule: StaticRule, searched: SearchedPair | undefined, batch: BatchFleet | undefined): { pair: Pair; useSearch: boolean } {
  const useSearch = searched !== undefined && searched.feasible;
  if (batch) return { pair: { minUnits: batch.units, maxUnits: batch.units }, useSearch };
  if (useSearch) return { pair: searched.pair, useSearch };
  return { pair: { minUnits: rule.units.minInferenceUnits, maxUnits: rule.units.maxInferenceUnits }, useSearch };
}

/** The pair's cost on every basis that applies, worked out, and the basis the answer is quoted on. */
function costsOf(r: ResolvedWorkload, pair: Pair, searched: SearchedPair | undefined, useSearch: boolean, batch: BatchFleet | undefined) {
  const w = r.workload;
  const simulatedUsd = searched ? (useSearch ? searched.monthlyCostUsd : searched.staticRule.monthlyCostUsd) : undefined;
  const { costs, derivation } = costsOnBases(w, pair, r.price.pricePerUnitHourUsd, simulatedUsd);
  if (batch) {
    costs.batch = batch.monthlyCostUsd;
    derivation.batch = batch.derivation;
  }
  const basis = batch ? 'batch' : basisOf(w, r.overTime !== undefined);
  return { costs, derivation, basis: costs[basis] === undefined ? 'max' : basis, monthlyCostUsd: costs[basis] ?? costs.max };
}

/** Min units' hourly cost per thousand images at baseline traffic; none below a request every 1,000 s (too few to price). */
function costPer1000ImagesOf(pair: Pair, usdPerUnitHour: number, baselineTps: number): { usd: number; derivation: string } | null {
  if (baselineTps < 0.001) return null;
  const usd = ((pair.minUnits * usdPerUnitHour) / (baselineTps * 3600)) * 1000;
  return {
    usd,
    derivation: `${pair.minUnits} × $${usdPerUnitHour} / (${formatExact(baselineTps)} × 3600) × 1000 = $${usd.toFixed(4)}`,
  };
}

function staticRuleFigures(rule: StaticRule, searched: SearchedPair | undefined): Plan['staticRule'] {
  return {
    minInferenceUnits: rule.units.minInferenceUnits,
    maxInferenceUnits: rule.units.maxInferenceUnits,
    azFloor: rule.units.floor,
    azFloorApplied: rule.units.azFloorApplied,
    unitsAddedForOutage: rule.units.zoneOutageUnitsAdded,
    ...(searched
      ? { simulated: { monthlyCostUsd: searched.staticRule.monthlyCostUsd, throttledPct: searched.staticRule.throttledPct } }
      : {}),
  };
}

/** `savings: false`: the answer alone, for a saving that plans a changed workload again. */
export function planWorkload(r: ResolvedWorkload, search?: SearchPair, opts: { savings?: boolean } = {}): Plan {
  const w = r.workload;
  const rule = staticRule(r);
  const searched = r.overTime && search ? search(r, rule) : undefined;
  const batch = w.traffic.batch ? batchFleet(r, rule.capTps) : undefined;
  const { pair, useSearch } = answerOf(rule, searched, batch);
  const cost = costsOf(r, pair, searched, useSearch, batch);
  const zone = zoneOutageOf(r, pair.maxUnits, searched);
  const costPer1000 = costPer1000ImagesOf(pair, r.price.pricePerUnitHourUsd, w.traffic.baseline_tps);
  const plan: Omit<Plan, 'headline' | 'savings'> = {
    name: w.name,
    ...(w.id !== undefined ? { id: w.id } : {}),
    ...(r.file !== undefined ? { file: r.file } : {}),
    contentSha256: contentDigest(w),
    service: w.service,
    region: w.region,
    task: w.model.task,
    pricePerUnitHourUsd: r.price.pricePerUnitHourUsd,
    priceSource: r.price.priceSource,
    tpsSource: r.tpsSource.kind === 'constant' ? 'model.tps_per_unit' : `bench file ${r.tpsSource.file}, model ${r.tpsSource.model.name}`,
    calibration: r.calibration.factor,
    classes: r.classes.map((c) => ({ ...c, msPerImage: roundTo(c.msPerImage, 3) })),
    tpsPerUnit: r.tpsPerUnit,
    tpsPerUnitLow: r.tpsPerUnitLow,
    unitsIfTpsLow: rule.unitsIfTpsLow,
    targetUtilization: w.scaling.target_utilization,
    capacityPerUnitTps: rule.capTps,
    baselineTps: w.traffic.baseline_tps,
    peakTps: w.traffic.peak_tps,
    minInferenceUnits: pair.minUnits,
    maxInferenceUnits: pair.maxUnits,
    monthlyCostUsd: cost.monthlyCostUsd,
    costBasis: cost.basis,
    costByBasis: cost.costs,
    pairSource: useSearch ? 'search' : 'static-rule',
    autoscale: w.scaling.autoscale,
    hoursPerMonth: roundTo(rule.hoursPerMonth, 2),
    costPer1000ImagesUsd: costPer1000 === null ? null : roundTo(costPer1000.usd, 4),
    staticRule: staticRuleFigures(rule, searched),
    ...(searched ? { search: searchFigures(r, searched) } : {}),
    zoneOutage: zone,
    derivation: {
      ...(r.calibration.anchored ? { calibration: r.calibration.derivation } : {}),
      ...rule.derivation,
      monthlyCost: cost.derivation,
      ...(costPer1000 !== null ? { costPer1000Images: costPer1000.derivation } : {}),
      zoneOutage: zoneCheckAt(pair.maxUnits, w.availability.zones, r.tpsPerUnit, w.traffic.peak_tps).derivation,
    },
    notes: notesOf(r, rule, searched, zone),
    ...(w.model.project_version_arn !== undefined
      ? { startCommand: startCommand(w.model.project_version_arn, pair.minUnits, pair.maxUnits) }
      : {}),
    warnings: warningsOf(r, rule, zone, searched),
    ...(batch ? { batch } : {}),
  };
  const savings = opts.savings === false ? [] : savingsOf(r, plan, (changed) => planWorkload(changed, search, { savings: false }));
  return { ...plan, savings, headline: headlineOf({ ...plan, savings }) };
}

function searchFigures(r: ResolvedWorkload, s: SearchedPair): PlanSearch {
  return {
    trafficSource: r.overTime!.source,
    maxThrottledPct: r.workload.scaling.max_throttled_pct,
    scaleUpMinutes: r.workload.scaling.scale_up_minutes,
    minInferenceUnits: s.pair.minUnits,
    maxInferenceUnits: s.pair.maxUnits,
    feasible: s.feasible,
    monthlyCostUsd: s.monthlyCostUsd,
    throttledPct: s.throttledPct,
    simulations: s.simulations,
    raisedForZonePromise: s.raisedForZonePromise,
    monthlySavingUsd: roundUsd(s.staticRule.monthlyCostUsd - s.monthlyCostUsd),
  };
}

/** The zone figures at the recommended Max, and the promise's check: simulated where there is traffic over time. */
function zoneOutageOf(r: ResolvedWorkload, maxUnits: number, searched: SearchedPair | undefined): ZoneOutageCheck {
  const av = r.workload.availability;
  const atMax = zoneCheckAt(maxUnits, av.zones, r.tpsPerUnit, r.workload.traffic.peak_tps);
  const common = {
    zones: av.zones,
    required: av.survive_zone_outage,
    unitsLostWorstCase: atMax.unitsLost,
    capacityLeftAtMaxTps: atMax.leftTps,
    servesPeak: atMax.servesPeak,
  };
  if (searched) return { ...common, check: 'simulated', holds: searched.zoneHolds, outage: searched.outage };
  return { ...common, check: 'static', holds: av.zones >= 2 && atMax.servesPeak };
}

function notesOf(r: ResolvedWorkload, rule: StaticRule, s: SearchedPair | undefined, zone: ZoneOutageCheck): string[] {
  const notes: string[] = [];
  const w = r.workload;
  if (s && !s.feasible)
    notes.push(`no Min/Max keeps throttling at or below ${w.scaling.max_throttled_pct}%: the peak/baseline rule's pair is the answer`);
  if (s?.feasible && s.pair.maxUnits < rule.units.maxForPeak) {
    notes.push(
      `Max ${s.pair.maxUnits} is below ceil(${w.traffic.peak_tps} / ${formatExact(rule.capTps)}) = ${rule.units.maxForPeak}: the search judges throttling at full TPS per unit (${formatExact(r.tpsPerUnit)}), ` +
        `not the ${formatExact(rule.capTps)} the autoscaler targets, and keeps it within max_throttled_pct`,
    );
  }
  if (s && (s.raisedForZonePromise.min > 0 || s.raisedForZonePromise.max > 0)) {
    notes.push(
      `the zone promise raised the cheapest pair by ${s.raisedForZonePromise.min} Min and ${s.raisedForZonePromise.max} Max unit(s)`,
    );
  }
  if (zone.required && !zone.holds) {
    notes.push(
      w.availability.zones < 2
        ? 'survive_zone_outage with zones: 1: losing the only zone loses every unit; no pair keeps the promise'
        : `no pair up to the search's limit keeps the zone promise${zone.outage ? ` (the outage from ${zone.outage.start} throttles ${zone.outage.throttledPct}% of its window, ${zone.outage.throttledAfterLag} requests after the ${zone.outage.lagMinutes}-minute lag)` : ''}`,
    );
  }
  return notes;
}

function warningsOf(r: ResolvedWorkload, rule: StaticRule, zone: ZoneOutageCheck, s: SearchedPair | undefined): Warning[] {
  const warnings = [...rule.warnings];
  const av = r.workload.availability;
  if (!zone.required && (av.zones >= 2 || av.production) && !zone.servesPeak) {
    const peak = r.workload.traffic.peak_tps;
    warnings.push({
      code: 'zone-outage-throttles',
      message:
        av.zones < 2
          ? `with zones: 1, losing the zone loses every unit: nothing serves the ${peak} TPS peak (spread the units over 2 or more zones)`
          : `losing one zone at Max leaves ${formatExact(zone.capacityLeftAtMaxTps)} TPS for a ${peak} TPS peak: requests above it fail with ProvisionedThroughputExceededException (set availability.survive_zone_outage: true to size for it)`,
    });
  }
  if (s && !s.feasible)
    warnings.push({
      code: 'no-pair-within-limit',
      message: `no Min/Max keeps throttling at or below ${r.workload.scaling.max_throttled_pct}% on this traffic`,
    });
  return warnings;
}

/** The workload as resolved, less what a rename changes: equal digests are the same workload under another name. */
function contentDigest(w: ResolvedWorkload['workload']): string {
  const { name: _name, id: _id, ...rest } = w;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

/** Starting a model is how its unit count changes; Max only when it differs (equal means no autoscaling). */
function startCommand(arn: string, min: number, max: number): string {
  const region = arn.split(':')[3];
  return (
    `aws rekognition start-project-version --region ${region} --project-version-arn ${arn} --min-inference-units ${min}` +
    (max > min ? ` --max-inference-units ${max}` : '')
  );
}
