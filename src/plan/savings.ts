import type { Plan, Saving } from '../contracts/plan.js';
import type { ResolvedWorkload } from '../workload/resolve.js';
import { imageSizeSaving } from './savings-image.js';
import { stopScheduleSaving } from './savings-stop.js';
import { throttleTradeoff } from './savings-throttle.js';
import type { Replan } from './savings-replan.js';

/**
 * Every way the plan can prove to pay less, largest saving first (ties: by kind). Each is priced
 * against the answer's own cost on its basis, and none breaks max_throttled_pct, the zone
 * promise or a service limit: each kind checks its own (see its file).
 */
export function savingsOf(r: ResolvedWorkload, plan: Omit<Plan, 'headline' | 'savings'>, replan: Replan): Saving[] {
  if (plan.batch) return [];
  const found = [stopScheduleSaving(r, plan), imageSizeSaving(r, plan, replan), throttleTradeoff(r, plan, replan)];
  return found
    .filter((s): s is Saving => s !== undefined)
    .sort((a, b) => b.monthlySavingUsd - a.monthlySavingUsd || a.kind.localeCompare(b.kind));
}
