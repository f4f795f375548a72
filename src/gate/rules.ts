import type { z } from 'zod';
import type { LocatedDocument } from '../core/yaml.js';
import { BudgetSchema } from '../workload/schema.js';
import type { Level, RuleId, RuleSpec } from './result.js';

type Budget = z.infer<typeof BudgetSchema>;

/** Budget keys that are rules, in the schema's order (the order reports list them). */
const BUDGET_RULE_IDS = Object.keys(BudgetSchema.shape).filter((k): k is RuleId => k !== 'basis' && k !== 'level');

export interface WorkloadBudget {
  rules: RuleSpec[];
}

/** A workload's `budget:` section as rule specs, each pointing at the line of its key. */
export function budgetRules(budget: Budget | undefined, doc: Pick<LocatedDocument, 'locate'>, file: string): WorkloadBudget {
  if (!budget) return { rules: [] };
  const rules: RuleSpec[] = [];
  for (const id of BUDGET_RULE_IDS) {
    const written = budget[id];
    if (written === undefined) continue;
    const { limit, level } = typeof written === 'number' ? { limit: written, level: undefined } : written;
    const at = doc.locate(['budget', id], { key: true });
    rules.push({ id, limit, level: level ?? budget.level, from: { file, key: `budget.${id}`, line: at.line, col: at.col } });
  }
  return { rules };
}

/** The flags that set rules on the total, with the rule each one sets. */
export const FLAG_RULES = {
  maxMonthlyCost: { id: 'monthly_usd', flag: '--max-monthly-cost' },
  maxIncreaseUsd: { id: 'max_increase_usd', flag: '--max-increase-usd' },
  maxIncreasePct: { id: 'max_increase_pct', flag: '--max-increase-pct' },
  maxUnits: { id: 'max_units', flag: '--max-units' },
} as const satisfies Record<string, { id: RuleId; flag: string }>;

export type FlagLimits = Partial<Record<keyof typeof FLAG_RULES, number>>;

/** Flag rules apply to the total and are always error level: `--fail-on warn` is how CI tightens warnings. */
export function flagRules(limits: FlagLimits): RuleSpec[] {
  const rules: RuleSpec[] = [];
  for (const [name, { id, flag }] of Object.entries(FLAG_RULES) as Array<
    [keyof typeof FLAG_RULES, (typeof FLAG_RULES)[keyof typeof FLAG_RULES]]
  >) {
    const limit = limits[name];
    if (limit !== undefined) rules.push({ id, limit, level: 'error' satisfies Level, from: { flag } });
  }
  return rules;
}
