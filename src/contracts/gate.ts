import * as z from 'zod';
import { int, nonneg, num, str } from './common.js';
import { GATE_SCHEMA_ID } from './ids.js';
import { BasisSchema } from './plan.js';

/**
 * The gate result, `capacity-plan/gate@1`: what a gate run decides, as data. Every output format
 * (table, json, markdown, github, html) is rendered from it; the JSON view is this object as it stands.
 */

const RULE_IDS = ['monthly_usd', 'max_increase_usd', 'max_increase_pct', 'max_units', 'min_units'] as const;
const LevelSchema = z.enum(['warn', 'error']);
const VerdictSchema = z.enum(['pass', 'warn', 'fail']);

/** Where a rule was written: a budget key in a workload file, or a command-line flag (applies to the total). */
const RuleSourceSchema = z.union([z.object({ file: str, key: str, line: int, col: int }), z.object({ flag: str })]);

const RuleSpecSchema = z.object({ id: z.enum(RULE_IDS), limit: num, level: LevelSchema, from: RuleSourceSchema });

const RuleResultSchema = RuleSpecSchema.extend({
  /** `skip`: the rule could not be checked (e.g. an increase rule with no baseline figure); never fails the gate. */
  status: z.enum(['pass', 'warn', 'fail', 'skip']),
  /** The figure compared with the limit (USD, percent or units); null when skipped. */
  actual: num.nullable(),
  unit: z.enum(['usd', 'pct', 'units']),
  message: str,
});

const FiguresSchema = z.object({
  minInferenceUnits: int,
  maxInferenceUnits: int,
  /** Monthly cost on the row's basis; null only for a baseline made before the workload had that cost. */
  monthlyCostUsd: nonneg.nullable(),
});

const DiffSchema = z.object({
  minInferenceUnits: z.number().int(),
  maxInferenceUnits: z.number().int(),
  monthlyCostUsd: num.nullable(),
  /** Percentage change of the monthly cost; null when the baseline cost is 0 or unknown. */
  monthlyCostPct: num.nullable(),
});

const GateWorkloadSchema = z.object({
  name: str,
  /** The workload's `id:`, when it has one: the key it was matched with the baseline by. */
  id: str.optional(),
  /**
   * How this workload was matched with the baseline: by `id`, by `name`, by `file` (no id, a new
   * name at the same path relative to the workload root: a likely rename), or by `content` (no id,
   * renamed and moved but otherwise the same workload).
   */
  matchedBy: z.enum(['id', 'name', 'file', 'content']).optional(),
  /** The baseline's name for it, when it was renamed. */
  previousName: str.optional(),
  /** The workload file as given on the command line; null for a workload only in the baseline. */
  file: str.nullable(),
  /** The cost both sides are priced on: the basis the plan's answer is quoted on (a removed workload: its baseline's, else max). */
  basis: BasisSchema,
  /** How a workload compares with the baseline; null when there is no baseline. */
  change: z.enum(['added', 'removed', 'changed', 'unchanged', 'renamed']).nullable(),
  current: FiguresSchema.nullable(),
  baseline: FiguresSchema.nullable(),
  /** current − baseline; an added workload counts from 0, a removed one down to 0. Null without a baseline. */
  diff: DiffSchema.nullable(),
  rules: z.array(RuleResultSchema),
  status: VerdictSchema,
  /** The current plan's peak TPS and what its Max units serve (Max × TPS per unit); absent for a removed workload. */
  demand: z.object({ peakTps: nonneg, capacityAtMaxTps: nonneg }).optional(),
});

export const GateResultSchema = z.object({
  schema: z.literal(GATE_SCHEMA_ID),
  /** fail: the gate fails (exit 1); warn: passes with warnings; pass: every rule passed. */
  status: VerdictSchema,
  failOn: LevelSchema,
  baseline: z.object({ file: str }).nullable(),
  workloads: z.array(GateWorkloadSchema),
  /** Sums of the workload rows, so the table adds up: each workload's cost is on its own basis. */
  total: z.object({
    current: FiguresSchema,
    baseline: FiguresSchema.nullable(),
    diff: DiffSchema.nullable(),
    rules: z.array(RuleResultSchema),
    status: VerdictSchema,
  }),
  counts: z.object({ failed: int, warned: int, passed: int, skipped: int }),
});

export type GateResult = z.output<typeof GateResultSchema>;
export type GateWorkload = z.output<typeof GateWorkloadSchema>;
export type GateTotal = GateResult['total'];
export type RuleSpec = z.output<typeof RuleSpecSchema>;
export type RuleResult = z.output<typeof RuleResultSchema>;
export type RuleId = RuleSpec['id'];
export type Level = z.output<typeof LevelSchema>;
export type Verdict = z.output<typeof VerdictSchema>;
export type Change = NonNullable<GateWorkload['change']>;
export type Figures = z.output<typeof FiguresSchema>;
export type Diff = z.output<typeof DiffSchema>;
