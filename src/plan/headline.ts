import type { Plan } from '../contracts/plan.js';
import { formatUsd } from '../core/money.js';
import { formatPct } from '../core/numbers.js';
import { BASIS_WORDS } from './bases.js';

/** The answer as one line a person can act on: the pair, its cost and basis, and the zone promise. */
export function headlineOf(p: Omit<Plan, 'headline'>): string {
  const throttled =
    p.costBasis === 'simulated'
      ? ` (${formatPct(p.search?.feasible ? p.search.throttledPct : (p.staticRule.simulated?.throttledPct ?? 0))} throttled)`
      : '';
  return `${p.name}: run MinInferenceUnits ${p.minInferenceUnits} / MaxInferenceUnits ${p.maxInferenceUnits} — ${formatUsd(p.monthlyCostUsd)}/month ${BASIS_WORDS[p.costBasis]}${throttled}${batchText(p)}${zoneText(p)}`;
}

function zoneText(p: Omit<Plan, 'headline'>): string {
  const z = p.zoneOutage;
  if (!z.required) return '';
  if (!z.holds) return '; does NOT survive a zone outage (see the notes)';
  const o = z.outage;
  if (!o) return '; survives losing a zone at peak';
  const hours = +(o.durationMinutes / 60).toFixed(2);
  return `; survives a ${hours} h zone outage from ${o.start} (${formatPct(o.throttledPct)} of its requests throttled, at most ${formatPct(o.allowedPct)})`;
}

function batchText(p: Omit<Plan, 'headline'>): string {
  const b = p.batch;
  if (!b) return '';
  return `; ${b.runHoursPerBatch} h per batch of ${b.images.toLocaleString('en-US')} images every ${b.every}, ${b.meetsDeadline ? 'within' : 'NOT within'} the ${b.deadlineHours} h deadline`;
}
