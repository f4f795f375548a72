import type { Plan, Saving } from '../contracts/plan.js';
import type { ResolvedWorkload } from '../workload/resolve.js';
import { imageSizeSaving } from './savings-image.js';
import { stopScheduleSaving } from './savings-stop.js';
import { throttleTradeoff } from './savings-throttle.js';

/** The answer for a changed workload (another limit, smaller images), planned as the real one is. */
export type Replan = (r: ResolvedWorkload) => Omit<Plan, 'headline' | 'savings'>;

/**
 * Every way the plan can prove to pay less, largest saving first (ties: by kind). Each is priced
 * against the answer's own cost on its basis, and none breaks max_throttled_pct, the zone
 * promise or a service limit: each kind checks its own (see its file).
 */
export function savingsOf(r: ResolvedWorkload, plan: Omit<Plan, 'headline' | 'savings'>, replan: Replan): Saving[] {
  if (plan.batch) return [];
  const found = [stopScheduleSaving(r, plan), imageSizeSaving(r, plan, replan), throttleTradeoff(r, plan, replan)];
  return found.filter((s): s is Saving => s !== undefined).sort((a, b) => b.monthlySavingUsd - a.monthlySavingUsd || a.kind.localeCompare(b.kind));
}

/** The largest saving of each plan, added: savings of one workload overlap, so only its best counts. */
export function savingsAvailableUsd(plans: Array<Pick<Plan, 'savings'>>): number {
  const cents = plans.reduce((s, p) => s + Math.round((p.savings[0]?.monthlySavingUsd ?? 0) * 100), 0);
  return cents / 100;
}
