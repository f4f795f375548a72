import * as z from 'zod';
import { hasControlChars, truncate } from '../core/escape.js';
import { UserError } from '../core/errors.js';
import { BOUNDS } from '../workload/bounds.js';
import { PLAN_SCHEMA_ID } from '../contracts/ids.js';
import { BASES, PlanReportSchema } from '../contracts/plan.js';
import { parseJsonText } from '../core/saved-json.js';
import { parseYamlLocated, zodProblems } from '../core/yaml.js';
import type { PlanFigures } from './gate.js';

/**
 * A baseline is a plan JSON (`capacity-plan plan --format json`). plan@3 is read with the plan
 * result's own schema. Older plans stay readable for the figures the gate compares: plan@2 is
 * `{schema, plans, totals}` whose plans carry monthlyCostUsd by basis and their gate basis under
 * recommendation; plan@1 was a single plan object for one file and `{schema, plans, totals}` for several.
 */
const PLAN_V1 = 'capacity-plan/plan@1';
const PLAN_V2 = 'capacity-plan/plan@2';
const READABLE = [PLAN_SCHEMA_ID, PLAN_V2, PLAN_V1] as const;
const usd = z
  .number()
  .nonnegative()
  .max(BOUNDS.units * BOUNDS.pricePerUnitHourUsd * 24 * 366);
const units = z.number().int().nonnegative().max(BOUNDS.units);

const OldPlanSchema = z.looseObject({
  // Names reach the PR comment and the terminal, like a workload's: no control characters.
  name: z
    .string()
    .min(1)
    .max(200)
    .refine((s) => !hasControlChars(s), { error: 'name must not contain control characters' }),
  id: z.string().min(1).optional(),
  file: z.string().optional(),
  minInferenceUnits: units,
  maxInferenceUnits: units,
  /** Each figure under the basis it was computed on; `simulated` only for traffic over time. */
  monthlyCostUsd: z.looseObject({ min: usd, max: usd, expected: usd.optional(), simulated: usd.optional() }),
  /** The basis the workload's budget checked when the baseline was made (plan@2 with a recommendation). */
  recommendation: z.looseObject({ gate: z.looseObject({ basis: z.enum(BASES) }) }).optional(),
});
type OldPlan = z.infer<typeof OldPlanSchema>;

const OldMultiSchema = z.looseObject({ schema: z.enum([PLAN_V2, PLAN_V1]), plans: z.array(OldPlanSchema) });
const SingleV1Schema = OldPlanSchema.extend({ schema: z.literal(PLAN_V1) });

const fromOld = (p: OldPlan): PlanFigures => {
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

/** Parses and validates a baseline's text; refuses other schema versions. Problems carry file:line:col. */
export function parseBaseline(text: string, file: string): PlanFigures[] {
  const data = parseJsonText(text, file, 'baseline');
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw UserError.at(file, 'baseline must be a plan JSON object (capacity-plan plan --format json)', 1, 1);
  const schema = (data as Record<string, unknown>).schema;
  if (!(READABLE as readonly unknown[]).includes(schema)) {
    const what =
      schema === undefined
        ? 'has no "schema" key'
        : `has schema ${typeof schema === 'string' ? JSON.stringify(truncate(schema)) : 'of another type'}`;
    throw UserError.at(
      file,
      `baseline ${what}; this capacity-plan reads ${READABLE.join(', ')} (make it with 'capacity-plan plan --format json')`,
    );
  }
  // Slow path only on failure: re-read the JSON (a YAML subset) with positions to point at the bad value.
  const refuse = (error: z.ZodError) => new UserError(zodProblems(parseYamlLocated(text, file), error));
  const parse = <S extends z.ZodType>(s: S): z.output<S> => {
    const parsed = s.safeParse(data);
    if (!parsed.success) throw refuse(parsed.error);
    return parsed.data;
  };
  const plans: PlanFigures[] =
    schema === PLAN_SCHEMA_ID
      ? parse(PlanReportSchema).plans
      : 'plans' in data || schema === PLAN_V2
        ? parse(OldMultiSchema).plans.map(fromOld)
        : [fromOld(parse(SingleV1Schema))];
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
