import * as z from 'zod';
import { hasControlChars, truncate } from '../core/escape.js';
import { UserError } from '../core/errors.js';
import { BOUNDS } from '../workload/bounds.js';
import { PLAN_SCHEMA_ID } from '../plan/plan.js';
import { parseYamlLocated, zodProblems } from '../core/yaml.js';

/**
 * A baseline is a plan JSON (`capacity-plan plan --format json`): plan@2 is always
 * `{schema, plans, totals}`; plan@1, from earlier versions, was a single plan object for one
 * file and `{schema, plans, totals}` for several. Only the figures the gate compares are
 * validated; the rest of a plan may grow (additive changes) without breaking old baselines.
 */
const PLAN_V1 = 'capacity-plan/plan@1';
const READABLE = [PLAN_SCHEMA_ID, PLAN_V1] as const;
const usd = z.number().nonnegative().max(BOUNDS.units * BOUNDS.pricePerUnitHourUsd * 24 * 366);
const units = z.number().int().nonnegative().max(BOUNDS.units);

const BaselinePlanSchema = z.looseObject({
  // Names reach the PR comment and the terminal, like a workload's: no control characters.
  name: z.string().min(1).max(200).refine((s) => !hasControlChars(s), { error: 'name must not contain control characters' }),
  id: z.string().min(1).optional(),
  file: z.string().optional(),
  minInferenceUnits: units,
  maxInferenceUnits: units,
  /** Each figure under the basis it was computed on; `simulated` only for traffic over time. */
  monthlyCostUsd: z.looseObject({ min: usd, max: usd, expected: usd.optional(), simulated: usd.optional() }),
  /** The basis the workload's budget checked when the baseline was made (plan@2 with a recommendation). */
  recommendation: z.looseObject({ gate: z.looseObject({ basis: z.enum(['max', 'expected', 'min', 'simulated']) }) }).optional(),
});
export type BaselinePlan = z.infer<typeof BaselinePlanSchema>;

const MultiSchema = z.looseObject({ schema: z.enum(READABLE), plans: z.array(BaselinePlanSchema) });
const SingleV1Schema = BaselinePlanSchema.extend({ schema: z.literal(PLAN_V1) });

/** Parses and validates a baseline's text; refuses other schema versions. Problems carry file:line:col. */
export function parseBaseline(text: string, file: string): BaselinePlan[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw notJson(text, file, (err as Error).message);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw UserError.at(file, 'baseline must be a plan JSON object (capacity-plan plan --format json)', 1, 1);
  const schema = (data as Record<string, unknown>).schema;
  if (!(READABLE as readonly unknown[]).includes(schema)) {
    const what = schema === undefined ? 'has no "schema" key' : `has schema ${typeof schema === 'string' ? JSON.stringify(truncate(schema)) : 'of another type'}`;
    throw UserError.at(file, `baseline ${what}; this capacity-plan reads ${READABLE.join(' and ')} (make it with 'capacity-plan plan --format json')`);
  }
  // Slow path only on failure: re-read the JSON (a YAML subset) with positions to point at the bad value.
  const refuse = (error: z.ZodError) => new UserError(zodProblems(parseYamlLocated(text, file), error));
  let plans: BaselinePlan[];
  if ('plans' in data || schema === PLAN_SCHEMA_ID) {
    const parsed = MultiSchema.safeParse(data);
    if (!parsed.success) throw refuse(parsed.error);
    plans = parsed.data.plans;
  } else {
    const parsed = SingleV1Schema.safeParse(data);
    if (!parsed.success) throw refuse(parsed.error);
    plans = [parsed.data];
  }
  const seen = new Set<string>();
  for (const p of plans) {
    const key = p.id ?? p.name;
    if (seen.has(key)) throw UserError.at(file, `baseline has two workloads ${p.id !== undefined ? 'with id' : 'named'} '${truncate(key)}'; the gate matches workloads by id, else by name`);
    seen.add(key);
  }
  return plans;
}

/**
 * V8 reports some JSON errors by character offset and some only with a snippet; users want
 * line and column, so fall back to the YAML parser (JSON is YAML) to place the error.
 */
function notJson(text: string, file: string, v8Message: string): UserError {
  let detail = v8Message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*$/s, '');
  let line: number | undefined;
  let col: number | undefined;
  const m = /position (\d+)/.exec(v8Message);
  if (m) {
    const before = text.slice(0, Math.min(Number(m[1]), text.length));
    line = before.split('\n').length;
    col = before.length - before.lastIndexOf('\n');
  } else {
    try {
      parseYamlLocated(text, file);
    } catch (err) {
      const p = err instanceof UserError ? err.problems[0] : undefined;
      if (p) ({ line, col, message: detail } = p);
    }
  }
  return UserError.at(file, `baseline is not valid JSON: ${detail}`, line, col);
}
