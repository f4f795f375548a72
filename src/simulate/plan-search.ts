import { formatUsd } from '../core/money.js';
import { formatPct } from '../core/numbers.js';
import { computePlan, totalPlans, type Plan, type PlanTotals } from '../plan/plan.js';
import { ceilTolerant } from '../plan/units.js';
import type { ResolvedWorkload } from '../workload/resolve.js';
import type { Workload } from '../workload/schema.js';
import type { TimeSearch } from './time-search.js';

type Basis = NonNullable<Workload['budget']>['basis'];

/**
 * The one answer for a workload: the Min/Max pair to run, the monthly cost to expect, and the
 * figure the gate checks. The plan's other figures are its derivation.
 */
export interface Recommendation {
  minInferenceUnits: number;
  maxInferenceUnits: number;
  /** static-rule: the peak/baseline rule; search: the cost-optimal pair simulated on the traffic. */
  source: 'static-rule' | 'search';
  /** The monthly cost to expect for this pair, and what it is: simulated, expected (peak hours) or Max all month. */
  monthlyCostUsd: number;
  costBasis: 'simulated' | 'expected' | 'max';
  /** For traffic over time: this pair simulated minute by minute. */
  simulated?: { monthlyCostUsd: number; throttledPct: number };
  /** What the gate compares for this workload: budget.basis (default max) and the cost on it. */
  gate: { basis: Basis; monthlyCostUsd: number | null };
  /** Why this pair, when it is not plain: the search's Max below ceil(peak / usable), a promise no pair keeps. */
  notes: string[];
  /** The recommendation as one line a person can act on. */
  headline: string;
}

export type PlanWithSearch = Plan & { timeSearch?: TimeSearch; recommendation: Recommendation };

/** What every plan view renders: the plans and their totals. */
export interface PlanReport {
  /** timeSearch: present when the workload has a traffic profile or trace. */
  plans: PlanWithSearch[];
  totals: PlanTotals;
}

const BASIS_WORDS: Record<Basis, string> = { max: 'Max all month', expected: 'expected', min: 'Min all month', simulated: 'simulated' };

/** The pair to run and the figures to quote, from the static plan and, for traffic over time, the search. */
export function recommend(plan: Plan, basis: Basis, ts: TimeSearch | undefined): Recommendation {
  const notes: string[] = [];
  const useSearch = ts !== undefined && ts.searched.feasible && (!ts.zoneOutage.required || ts.zoneOutage.possible);
  const pair = useSearch ? ts.searched : { minInferenceUnits: plan.minInferenceUnits, maxInferenceUnits: plan.maxInferenceUnits };
  let simulated: Recommendation['simulated'];
  if (ts) {
    const s = useSearch ? ts.searched : ts.static;
    simulated = { monthlyCostUsd: s.monthlyCostUsd, throttledPct: s.throttledPct };
    if (!ts.searched.feasible) notes.push(`no Min/Max keeps throttling at or below ${formatPct(ts.maxThrottledPct)}: the static rule's pair is kept`);
    if (ts.zoneOutage.required && !ts.zoneOutage.possible) notes.push('survive_zone_outage with zones: 1: no pair survives losing the only zone');
  }
  const maxForPeak = ceilTolerant(plan.peakTps / plan.capacityPerUnitTps);
  if (useSearch && pair.maxInferenceUnits < maxForPeak) {
    notes.push(
      `Max ${pair.maxInferenceUnits} is below ceil(${plan.peakTps} / ${plan.capacityPerUnitTps}) = ${maxForPeak}: the search judges throttling at full TPS per unit (${plan.tpsPerUnit}), ` +
        `not the ${plan.capacityPerUnitTps} the autoscaler targets, and keeps it within max_throttled_pct`,
    );
  }
  const costBasis: Recommendation['costBasis'] = useSearch ? 'simulated' : plan.monthlyCostUsd.expected !== undefined ? 'expected' : 'max';
  const monthlyCostUsd = costBasis === 'simulated' ? simulated!.monthlyCostUsd : costBasis === 'expected' ? plan.monthlyCostUsd.expected! : plan.monthlyCostUsd.max;
  const gateCost = basis === 'simulated' ? (simulated?.monthlyCostUsd ?? null) : (plan.monthlyCostUsd[basis] ?? null);

  const extra = costBasis !== 'simulated' && simulated ? ` (simulated ${formatUsd(simulated.monthlyCostUsd)}, ${formatPct(simulated.throttledPct)} throttled)` : costBasis === 'simulated' ? `, ${formatPct(simulated!.throttledPct)} throttled` : '';
  const gateText =
    basis === costBasis || gateCost === monthlyCostUsd
      ? `the gate checks this figure`
      : `the gate checks ${BASIS_WORDS[basis]} ${gateCost === null ? '(not available)' : formatUsd(gateCost)}`;
  const headline =
    `${plan.name}: run MinInferenceUnits ${pair.minInferenceUnits} / MaxInferenceUnits ${pair.maxInferenceUnits} — ` +
    `${formatUsd(monthlyCostUsd)}/month ${BASIS_WORDS[costBasis]}${extra}; ${gateText}`;
  return {
    minInferenceUnits: pair.minInferenceUnits,
    maxInferenceUnits: pair.maxInferenceUnits,
    source: useSearch ? 'search' : 'static-rule',
    monthlyCostUsd,
    costBasis,
    ...(simulated ? { simulated } : {}),
    gate: { basis, monthlyCostUsd: gateCost },
    notes,
    headline,
  };
}

/**
 * The static plan of each workload and, for traffic over time, the cost-optimal Min/Max search
 * beside it, and the recommendation. The simulator is loaded only when a workload needs it, so
 * plain workloads start fast.
 */
export async function planWorkloads(workloads: ResolvedWorkload[]): Promise<PlanReport> {
  const search = workloads.some((r) => r.overTime) ? (await import('./time-search.js')).searchForPlan : undefined;
  const plans = workloads.map((r): PlanWithSearch => {
    const plan = computePlan(r);
    const basis = r.workload.budget?.basis ?? 'max';
    const timeSearch = r.overTime && search ? search(r, r.overTime, plan.minInferenceUnits, plan.maxInferenceUnits) : undefined;
    const recommendation = recommend(plan, basis, timeSearch);
    const withSimulated: Plan = recommendation.simulated ? { ...plan, monthlyCostUsd: { ...plan.monthlyCostUsd, simulated: recommendation.simulated.monthlyCostUsd } } : plan;
    return { ...withSimulated, ...(timeSearch ? { timeSearch } : {}), recommendation };
  });
  return { plans, totals: totalPlans(plans) };
}
