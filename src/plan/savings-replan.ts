import type { Plan } from '../contracts/plan.js';
import type { ResolvedWorkload } from '../workload/resolve.js';

/** The answer for a changed workload (another limit, smaller images), planned as the real one is. */
export type Replan = (r: ResolvedWorkload) => Omit<Plan, 'headline' | 'savings'>;
