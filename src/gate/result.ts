/**
 * What a gate run decides, as data. Every output format (table, json, markdown, github)
 * is rendered from this one result; the JSON view is this object as it stands.
 */

import type { z } from 'zod';
import type { BudgetSchema } from '../workload/schema.js';

export const GATE_SCHEMA_ID = 'capacity-plan/gate@1';

type Budget = z.infer<typeof BudgetSchema>;
/** The budget keys that are rules (every key but basis and level), from the workload schema. */
export type RuleId = Exclude<keyof Budget, 'basis' | 'level'>;
export type Level = Budget['level'];
/** Which monthly cost a workload's cost rules compare. */
export type Basis = NonNullable<Budget['basis']> | 'batch';
/** `skip`: the rule could not be checked (e.g. an increase rule with no baseline figure); never fails the gate. */
type RuleStatus = 'pass' | 'warn' | 'fail' | 'skip';
export type Verdict = 'pass' | 'warn' | 'fail';
/** How a workload compares with the baseline; null when there is no baseline. */
export type Change = 'added' | 'removed' | 'changed' | 'unchanged' | 'renamed';

/** Where a rule was written: a budget key in a workload file, or a command-line flag (applies to the total). */
type RuleSource = { file: string; key: string; line: number; col: number } | { flag: string };

export interface RuleSpec {
  id: RuleId;
  limit: number;
  level: Level;
  from: RuleSource;
}

export interface RuleResult extends RuleSpec {
  status: RuleStatus;
  /** The figure compared with the limit (USD, percent or units); null when skipped. */
  actual: number | null;
  unit: 'usd' | 'pct' | 'units';
  message: string;
}

export interface Figures {
  minInferenceUnits: number;
  maxInferenceUnits: number;
  /** Monthly cost on the row's basis; null only for a baseline made before the workload had that cost (e.g. no expected cost). */
  monthlyCostUsd: number | null;
}

export interface Diff {
  minInferenceUnits: number;
  maxInferenceUnits: number;
  monthlyCostUsd: number | null;
  /** Percentage change of the monthly cost; null when the baseline cost is 0 or unknown. */
  monthlyCostPct: number | null;
}

export interface GateWorkload {
  name: string;
  /** The workload's `id:`, when it has one: the key it was matched with the baseline by. */
  id?: string;
  /**
   * How this workload was matched with the baseline: by `id`, by `name`, by `file` (no id, a new
   * name at the same path relative to the workload root: a likely rename), or by `content` (no id,
   * renamed and moved but otherwise the same workload).
   */
  matchedBy?: 'id' | 'name' | 'file' | 'content';
  /** The baseline's name for it, when it was renamed. */
  previousName?: string;
  /** The workload file as given on the command line; null for a workload only in the baseline. */
  file: string | null;
  /** The cost both sides are priced on: the basis the plan's answer is quoted on (a removed workload: its baseline's, else max). */
  basis: Basis;
  change: Change | null;
  current: Figures | null;
  baseline: Figures | null;
  /** current − baseline; an added workload counts from 0, a removed one down to 0. Null without a baseline. */
  diff: Diff | null;
  rules: RuleResult[];
  status: Verdict;
  /** The current plan's peak TPS and what its Max units serve (Max × TPS per unit); absent for a removed workload. */
  demand?: { peakTps: number; capacityAtMaxTps: number };
}

export interface GateTotal {
  /** Sums of the workload rows, so the table adds up: each workload's cost is on its own basis. */
  current: Figures;
  baseline: Figures | null;
  diff: Diff | null;
  rules: RuleResult[];
  status: Verdict;
}

export interface GateResult {
  schema: typeof GATE_SCHEMA_ID;
  /** fail: the gate fails (exit 1); warn: passes with warnings; pass: every rule passed. */
  status: Verdict;
  failOn: Level;
  baseline: { file: string } | null;
  workloads: GateWorkload[];
  total: GateTotal;
  counts: { failed: number; warned: number; passed: number; skipped: number };
}
