import { truncate } from '../core/escape.js';
import { UserError } from '../core/errors.js';
import type { LegacyPlan } from '../contracts/plan-legacy.js';
import { readResult, schemaIdsOf } from '../contracts/read-result.js';
import type { PlanFigures } from './gate.js';

/** A baseline is a plan JSON (`capacity-plan plan --format json`); plans before plan@3 still give the figures the gate compares. */
const BASELINE_IDS = schemaIdsOf(['plan', 'legacy-plan']);

const fromLegacy = (p: LegacyPlan): PlanFigures => {
  const { min, max, expected, simulated } = p.monthlyCostUsd;
  return {
    name: p.name,
    id: p.id,
    file: p.file,
    minInferenceUnits: p.minInferenceUnits,
    maxInferenceUnits: p.maxInferenceUnits,
    costByBasis: { min, max, ...(expected !== undefined ? { expected } : {}), ...(simulated !== undefined ? { simulated } : {}) },
    costBasis: p.recommendation?.gate.basis,
  };
};

/** Parses and validates a baseline's text; refuses other schema versions and two workloads the gate could not tell apart. */
export async function parseBaseline(text: string, file: string): Promise<PlanFigures[]> {
  const read = await readResult(text, file, BASELINE_IDS);
  const plans: PlanFigures[] = read.kind === 'plan' ? read.result.plans : read.result.plans.map(fromLegacy);
  const seen = new Set<string>();
  for (const p of plans) {
    const key = p.id ?? p.name;
    if (seen.has(key))
      throw UserError.at(
        file,
        `baseline has two workloads ${p.id !== undefined ? 'with id' : 'named'} '${truncate(key)}'; the gate matches workloads by id, else by name`,
      );
    seen.add(key);
  }
  return plans;
}
