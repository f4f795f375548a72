import { posix, sep } from 'node:path';
import { UserError } from '../core/errors.js';
import type { Plan } from '../plan/plan.js';
import { formatUsd, roundTo, roundUsd } from '../core/money.js';
import { formatPct } from '../core/numbers.js';
import type { BaselinePlan } from './baseline.js';
import type { WorkloadBudget } from './rules.js';
import {
  GATE_SCHEMA_ID,
  type Basis,
  type Change,
  type Diff,
  type Figures,
  type GateResult,
  type GateTotal,
  type GateWorkload,
  type Level,
  type RuleResult,
  type RuleSpec,
  type Verdict,
} from './result.js';

/** The plan figures the gate reads; a current plan and a baseline plan both have them. */
export type PlanFigures = Pick<Plan, 'name' | 'id' | 'minInferenceUnits' | 'maxInferenceUnits'> &
  Partial<Pick<Plan, 'peakTps' | 'tpsPerUnit'>> & { monthlyCostUsd: { min: number; max: number; expected?: number; simulated?: number } };

export interface GateInput {
  workloads: Array<{ plan: PlanFigures; file: string; budget: WorkloadBudget }>;
  /** Rules on the total, from the command line. */
  totalRules: RuleSpec[];
  baseline: { file: string; plans: BaselinePlan[] } | null;
  failOn: Level;
}

/** Current figures always have a cost. */
type KnownFigures = Figures & { monthlyCostUsd: number };

/**
 * The gate: pure. A workload is matched with the baseline by its `id:` when it has one, else by
 * `name`; a workload without an id left unmatched whose file held a workload gone from the
 * baseline is taken as that workload renamed (matchedBy: 'file'). Both sides of every
 * comparison are priced on the workload's budget.basis, so a rename never compares Max with expected.
 */
export function evaluateGate(input: GateInput): GateResult {
  const keyOf = (p: { id?: string | undefined; name: string }) => p.id ?? p.name;
  const byKey = new Map<string, string>();
  for (const w of input.workloads) {
    const key = keyOf(w.plan);
    const other = byKey.get(key);
    if (other !== undefined) {
      const what = w.plan.id !== undefined ? `id '${key}'` : `name '${key}'`;
      throw UserError.at(w.file, `workload ${what} is also used by ${other}; the gate matches workloads by id, else by name, so they must differ`);
    }
    byKey.set(key, w.file);
  }
  const baselinePlans = input.baseline?.plans ?? [];
  const baselineByKey = new Map(baselinePlans.map((p) => [keyOf(p), p]));
  const hasBaseline = input.baseline !== null;

  // Match by key first; then pair what is left by file path (a likely rename).
  const matched = new Map<number, { before: BaselinePlan; by: 'id' | 'name' | 'file' }>();
  const used = new Set<BaselinePlan>();
  input.workloads.forEach(({ plan }, i) => {
    const before = baselineByKey.get(keyOf(plan));
    if (before && !used.has(before)) {
      matched.set(i, { before, by: plan.id !== undefined ? 'id' : 'name' });
      used.add(before);
    }
  });
  input.workloads.forEach(({ plan, file }, i) => {
    if (matched.has(i) || plan.id !== undefined) return;
    const before = baselinePlans.find((p) => !used.has(p) && p.id === undefined && p.file !== undefined && samePath(p.file, file));
    if (before) {
      matched.set(i, { before, by: 'file' });
      used.add(before);
    }
  });

  const rows: GateWorkload[] = input.workloads.map(({ plan, file, budget }, i) => {
    const cost = costOn(plan, budget.basis);
    if (cost === undefined) {
      const at = budget.basisAt;
      const need = budget.basis === 'simulated' ? 'traffic.profile or traffic.trace (the simulation runs on it)' : 'traffic.peak_hours_per_day (the expected cost comes from it)';
      throw UserError.at(file, `budget.basis: ${budget.basis} needs ${need}`, at?.line, at?.col);
    }
    const current: KnownFigures = { minInferenceUnits: plan.minInferenceUnits, maxInferenceUnits: plan.maxInferenceUnits, monthlyCostUsd: cost };
    const match = matched.get(i);
    const before = match?.before;
    const baseline: Figures | null = before ? figuresOf(before, budget.basis) : null;
    const renamed = before !== undefined && before.name !== plan.name;
    const change: Change | null = !hasBaseline ? null : !baseline ? 'added' : renamed ? 'renamed' : sameFigures(current, baseline) ? 'unchanged' : 'changed';
    // An added workload's difference is taken from nothing, so totals of differences add up too.
    const diff = hasBaseline ? diffOf(current, baseline ?? ZERO) : null;
    const ctx: RuleContext = { subject: `${budget.basis === 'max' ? '' : `${budget.basis} `}monthly cost`, unitsPrefix: '', current, baseline, diff, hasBaseline, added: change === 'added' };
    const rules = budget.rules.map((r) => evaluateRule(r, ctx));
    // Peak demand beside the capacity at Max, for the views' demand-vs-capacity chart.
    const demand = plan.peakTps !== undefined && plan.tpsPerUnit !== undefined ? { demand: { peakTps: plan.peakTps, capacityAtMaxTps: roundTo(plan.maxInferenceUnits * plan.tpsPerUnit, 3) } } : {};
    return {
      name: plan.name,
      ...(plan.id !== undefined ? { id: plan.id } : {}),
      file,
      ...(match ? { matchedBy: match.by } : {}),
      ...(renamed ? { previousName: before.name } : {}),
      basis: budget.basis,
      change,
      current,
      baseline,
      diff,
      rules,
      status: worst(rules),
      ...demand,
    };
  });

  for (const p of baselinePlans) {
    if (used.has(p)) continue;
    // Gone from the pull request: priced on the basis its budget checked when the baseline was made.
    const basis = p.recommendation?.gate.basis ?? 'max';
    const baseline = figuresOf(p, basis);
    rows.push({ name: p.name, ...(p.id !== undefined ? { id: p.id } : {}), file: null, basis, change: 'removed', current: null, baseline, diff: diffOf(ZERO, baseline), rules: [], status: 'pass' });
  }

  const total = totalOf(rows, input.totalRules, hasBaseline);
  const all = [...rows.flatMap((r) => r.rules), ...total.rules];
  const count = (s: RuleResult['status']) => all.filter((r) => r.status === s).length;
  const counts = { failed: count('fail'), warned: count('warn'), passed: count('pass'), skipped: count('skip') };
  const status: Verdict = counts.failed > 0 || (counts.warned > 0 && input.failOn === 'warn') ? 'fail' : counts.warned > 0 ? 'warn' : 'pass';
  return { schema: GATE_SCHEMA_ID, status, failOn: input.failOn, baseline: input.baseline ? { file: input.baseline.file } : null, workloads: rows, total, counts };
}

/** Paths as written on two command lines: the same file when they normalise alike. */
function samePath(a: string, b: string): boolean {
  const norm = (p: string) => posix.normalize(p.split(sep).join('/')).replace(/^\.\//, '');
  return norm(a) === norm(b);
}

const ZERO: Figures = { minInferenceUnits: 0, maxInferenceUnits: 0, monthlyCostUsd: 0 };

function costOn(p: PlanFigures, basis: Basis): number | undefined {
  return p.monthlyCostUsd[basis];
}

function figuresOf(p: PlanFigures, basis: Basis): Figures {
  return { minInferenceUnits: p.minInferenceUnits, maxInferenceUnits: p.maxInferenceUnits, monthlyCostUsd: costOn(p, basis) ?? null };
}

function sameFigures(a: Figures, b: Figures): boolean {
  return a.minInferenceUnits === b.minInferenceUnits && a.maxInferenceUnits === b.maxInferenceUnits && a.monthlyCostUsd === b.monthlyCostUsd;
}

function diffOf(after: Figures, before: Figures | null): Diff | null {
  if (!before) return null;
  const a = after.monthlyCostUsd;
  const b = before.monthlyCostUsd;
  return {
    minInferenceUnits: after.minInferenceUnits - before.minInferenceUnits,
    maxInferenceUnits: after.maxInferenceUnits - before.maxInferenceUnits,
    monthlyCostUsd: a === null || b === null ? null : roundUsd(a - b),
    monthlyCostPct: a === null || b === null || b === 0 ? null : roundTo(((a - b) / b) * 100, 2),
  };
}

/** Totals are sums of the rows so a report's columns add up; each row's cost is on its own basis. */
function totalOf(rows: GateWorkload[], rules: RuleSpec[], hasBaseline: boolean): GateTotal {
  const sum = (list: Array<Figures | null>): Figures => {
    const present = list.filter((f): f is Figures => f !== null);
    const unknownCost = present.some((f) => f.monthlyCostUsd === null);
    return {
      minInferenceUnits: present.reduce((s, f) => s + f.minInferenceUnits, 0),
      maxInferenceUnits: present.reduce((s, f) => s + f.maxInferenceUnits, 0),
      monthlyCostUsd: unknownCost ? null : roundUsd(present.reduce((s, f) => s + (f.monthlyCostUsd ?? 0), 0)),
    };
  };
  const current = sum(rows.map((r) => r.current)) as KnownFigures; // rows' current costs are always known
  const baseline = hasBaseline ? sum(rows.map((r) => r.baseline)) : null;
  const diff = diffOf(current, baseline);
  const ctx: RuleContext = { subject: 'total monthly cost', unitsPrefix: 'total ', current, baseline, diff, hasBaseline, added: false };
  const results = rules.map((r) => evaluateRule(r, ctx));
  return { current, baseline, diff, rules: results, status: worst(results) };
}

interface RuleContext {
  /** How the cost is named in messages: 'monthly cost', 'expected monthly cost', 'total monthly cost'. */
  subject: string;
  unitsPrefix: string;
  current: KnownFigures;
  baseline: Figures | null;
  /** current − baseline (an added workload's from zero); the increase rules read it. */
  diff: Diff | null;
  hasBaseline: boolean;
  added: boolean;
}

const usd = formatUsd;
const signed = (text: string, x: number) => (x > 0 ? `+${text}` : text);

function evaluateRule(spec: RuleSpec, ctx: RuleContext): RuleResult {
  const result = (status: RuleResult['status'], actual: number | null, unit: RuleResult['unit'], message: string): RuleResult => ({
    id: spec.id,
    level: spec.level,
    status,
    actual,
    limit: spec.limit,
    unit,
    message,
    from: spec.from,
  });
  const done = (broken: boolean, actual: number, unit: RuleResult['unit'], message: string) =>
    result(broken ? (spec.level === 'error' ? 'fail' : 'warn') : 'pass', actual, unit, message);
  const skip = (unit: RuleResult['unit'], why: string) => result('skip', null, unit, `not checked: ${why}`);
  const { current, baseline, subject } = ctx;
  const cost = current.monthlyCostUsd;

  switch (spec.id) {
    case 'monthly_usd': {
      const over = cost > spec.limit;
      return done(over, cost, 'usd', `${subject} ${usd(cost)} is ${over ? `over the ${usd(spec.limit)} budget by ${usd(roundUsd(cost - spec.limit))}` : `within the ${usd(spec.limit)} budget`}`);
    }
    case 'max_increase_usd': {
      if (!ctx.hasBaseline) return skip('usd', 'no --baseline given');
      // A workload new since the baseline costs its whole amount more than before.
      const before = ctx.added ? 0 : baseline?.monthlyCostUsd ?? null;
      const rise = ctx.diff?.monthlyCostUsd ?? null;
      if (before === null || rise === null) return skip('usd', 'the baseline has no cost on this basis');
      const over = rise > spec.limit;
      const was = ctx.added ? 'new workload' : `${usd(before)} → ${usd(cost)}`;
      return done(over, rise, 'usd', `${subject} changed by ${signed(usd(rise), rise)} (${was}), ${over ? 'over' : 'within'} the allowed +${usd(spec.limit)}`);
    }
    case 'max_increase_pct': {
      if (!ctx.hasBaseline) return skip('pct', 'no --baseline given');
      if (ctx.added) return skip('pct', 'new workload, no baseline cost to compare with');
      const before = baseline?.monthlyCostUsd ?? null;
      if (before === null) return skip('pct', 'the baseline has no cost on this basis');
      const pct = ctx.diff?.monthlyCostPct ?? null;
      if (pct === null) return skip('pct', 'the baseline cost is $0.00');
      const over = pct > spec.limit;
      return done(over, pct, 'pct', `${subject} changed by ${signed(formatPct(pct), pct)} (${usd(before)} → ${usd(cost)}), ${over ? 'over' : 'within'} the allowed +${formatPct(spec.limit)}`);
    }
    case 'max_units': {
      const n = current.maxInferenceUnits;
      const over = n > spec.limit;
      return done(over, n, 'units', `${ctx.unitsPrefix}MaxInferenceUnits ${n} ${over ? 'is over' : 'is within'} the limit of ${spec.limit}`);
    }
    case 'min_units': {
      const n = current.minInferenceUnits;
      const under = n < spec.limit;
      return done(under, n, 'units', `${ctx.unitsPrefix}MinInferenceUnits ${n} ${under ? 'is under' : 'meets'} the required ${spec.limit}`);
    }
  }
}

function worst(rules: RuleResult[]): Verdict {
  if (rules.some((r) => r.status === 'fail')) return 'fail';
  if (rules.some((r) => r.status === 'warn')) return 'warn';
  return 'pass';
}
