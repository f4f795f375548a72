import * as z from 'zod';
import { PLAN_V1_SCHEMA_ID, PLAN_V2_SCHEMA_ID } from './ids.js';
import { BasisSchema, PlanNameSchema } from './plan.js';

/**
 * Plans written before plan@3, as far as `gate --baseline` still reads them: the figures it
 * compares. plan@2 is `{schema, plans, totals}` whose plans carry monthlyCostUsd by basis and
 * their gate basis under recommendation; plan@1 was a single plan object for one workload file
 * and `{schema, plans, totals}` for several. Keys the gate does not read pass unchecked.
 */

const usd = z.number().nonnegative();
const units = z.number().int().nonnegative();

const LegacyPlanSchema = z.looseObject({
  name: PlanNameSchema,
  id: z.string().min(1).optional(),
  file: z.string().optional(),
  minInferenceUnits: units,
  maxInferenceUnits: units,
  /** Each figure under the basis it was computed on; `simulated` only for traffic over time. */
  monthlyCostUsd: z.looseObject({ min: usd, max: usd, expected: usd.optional(), simulated: usd.optional() }),
  /** The basis the workload's budget checked when the baseline was made (plan@2 with a recommendation). */
  recommendation: z.looseObject({ gate: z.looseObject({ basis: BasisSchema }) }).optional(),
});

const severalPlans = <Id extends string>(id: Id) => z.looseObject({ schema: z.literal(id), plans: z.array(LegacyPlanSchema) });

export const PlanV2Schema = severalPlans(PLAN_V2_SCHEMA_ID);

const SeveralV1Schema = severalPlans(PLAN_V1_SCHEMA_ID);
const SingleV1Schema = LegacyPlanSchema.extend({ schema: z.literal(PLAN_V1_SCHEMA_ID) }).transform((plan) => ({ plans: [plan] }));

/** plan@1's schema for this file: its shape says which (a union would lose where the file is wrong). */
export function planV1Schema(data: object): typeof SeveralV1Schema | typeof SingleV1Schema {
  return 'plans' in data ? SeveralV1Schema : SingleV1Schema;
}

export type LegacyPlan = z.output<typeof LegacyPlanSchema>;
