import { posix, sep } from 'node:path';
import { UserError } from '../core/errors.js';
import { formatUsd, roundTo, roundUsd } from '../core/money.js';
import { formatPct } from '../core/numbers.js';
import { duplicateKeyProblems } from './keys.js';
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

/**
 * The plan figures the gate reads, from a current plan or a baseline plan: the recommended pair,
 * its cost on every basis it has, and the basis its answer is quoted on.
 */
export interface PlanFigures {
  name: string;
  id?: string | undefined;
  /** The workload file as planned, relative to its workload root where the caller knows one. */
  file?: string | undefined;
  /** A digest of the workload's content without name and id: a renamed, moved workload keeps it. */
  contentSha256?: string | undefined;
  minInferenceUnits: number;
  maxInferenceUnits: number;
  costByBasis: Partial<Record<Basis, number>>;
  /** The basis the answer is quoted on (a baseline made before plan@3 may not say). */
  costBasis?: Basis | undefined;
  peakTps?: number;
  tpsPerUnit?: number;
}

export interface GateInput {
  /** file: as given on the command line; `plan.file` is what rename matching compares. */
  workloads: Array<{
    plan: PlanFigures & { costBasis: Basis };
    file: string;
    budget: WorkloadBudget;
    keyAt?: { line: number; col: number };
  }>;
  /** Rules on the total, from the command line. */
  totalRules: RuleSpec[];
  baseline: { file: string; plans: PlanFigures[] } | null;
  failOn: Level;
}

/** Current figures always have a cost. */
type KnownFigures = Figures & { monthlyCostUsd: number };

/**
 * The gate: pure. Each workload is checked on its plan's answer: the recommended pair and its cost
 * on the plan's basis. A workload is matched with the baseline by its `id:`, else its name; what
 * is left is paired by file path (relative to the workload root: a renamed workload in the same
 * file), then by content (a workload renamed and moved, otherwise the same) — matchedBy says which.
 * Both sides of every comparison are priced on the current workload's basis.
 */
export function evaluateGate(input: GateInput): GateResult {
  checkDistinctKeys(input.workloads);
  const baselinePlans = input.baseline?.plans ?? [];
  const hasBaseline = input.baseline !== null;
  const matched = matchBaseline(
    input.workloads.map((w) => w.plan),
    baselinePlans,
  );
  const used = new Set([...matched.values()].map((m) => m.before));
  const rows = [
    ...input.workloads.map((w, i) => workloadRow(w, matched.get(i), hasBaseline)),
    ...baselinePlans.filter((p) => !used.has(p)).map(removedRow),
  ];
  const total = totalOf(rows, input.totalRules, hasBaseline);
  const counts = countRules([...rows.flatMap((r) => r.rules), ...total.rules]);
  return {
    schema: GATE_SCHEMA_ID,
    status: verdictOf(counts, input.failOn),
    failOn: input.failOn,
    baseline: input.baseline ? { file: input.baseline.file } : null,
    workloads: rows,
    total,
    counts,
  };
}

/** A workload of the pull request: its answer, how it compares with its baseline match, and its budget's rules. */
function workloadRow({ plan, file, budget }: GateInput['workloads'][number], match: Match | undefined, hasBaseline: boolean): GateWorkload {
  const basis = plan.costBasis;
  const current: KnownFigures = {
    minInferenceUnits: plan.minInferenceUnits,
    maxInferenceUnits: plan.maxInferenceUnits,
    monthlyCostUsd: plan.costByBasis[basis]!,
  };
  const before = match?.before;
  const baseline: Figures | null = before ? figuresOf(before, basis) : null;
  const renamed = before !== undefined && before.name !== plan.name;
  const change: Change | null = !hasBaseline
    ? null
    : !baseline
      ? 'added'
      : renamed
        ? 'renamed'
        : sameFigures(current, baseline)
          ? 'unchanged'
          : 'changed';
  // An added workload's difference is taken from nothing, so totals of differences add up too.
  const diff = hasBaseline ? diffOf(current, baseline ?? ZERO) : null;
  const ctx: RuleContext = {
    subject: `${BASIS_SUBJECT[basis]}monthly cost`,
    unitsPrefix: '',
    current,
    baseline,
    diff,
    hasBaseline,
    added: change === 'added',
  };
  const rules = budget.rules.map((r) => evaluateRule(r, ctx));
  // Peak demand beside the capacity at Max, for the views' demand-vs-capacity chart.
  const demand =
    plan.peakTps !== undefined && plan.tpsPerUnit !== undefined
      ? { demand: { peakTps: plan.peakTps, capacityAtMaxTps: roundTo(plan.maxInferenceUnits * plan.tpsPerUnit, 3) } }
      : {};
  return {
    name: plan.name,
    ...(plan.id !== undefined ? { id: plan.id } : {}),
    file,
    ...(match ? { matchedBy: match.by } : {}),
    ...(renamed ? { previousName: before.name } : {}),
    basis,
    change,
    current,
    baseline,
    diff,
    rules,
    status: worst(rules),
    ...demand,
  };
}

/** A baseline workload gone from the pull request: priced on the basis its own answer was quoted on. */
function removedRow(p: PlanFigures): GateWorkload {
  const basis = p.costBasis ?? 'max';
  const baseline = figuresOf(p, basis);
  return {
    name: p.name,
    ...(p.id !== undefined ? { id: p.id } : {}),
    file: null,
    basis,
    change: 'removed',
    current: null,
    baseline,
    diff: diffOf(ZERO, baseline),
    rules: [],
    status: 'pass',
  };
}

function countRules(all: RuleResult[]): GateResult['counts'] {
  const count = (s: RuleResult['status']) => all.filter((r) => r.status === s).length;
  return { failed: count('fail'), warned: count('warn'), passed: count('pass'), skipped: count('skip') };
}

/** A failed rule fails the gate; a warning fails it only with --fail-on warn. */
function verdictOf(counts: GateResult['counts'], failOn: Level): Verdict {
  return counts.failed > 0 || (counts.warned > 0 && failOn === 'warn') ? 'fail' : counts.warned > 0 ? 'warn' : 'pass';
}

const BASIS_SUBJECT: Record<Basis, string> = { simulated: 'simulated ', expected: 'expected ', max: '', min: 'Min ', batch: 'batch ' };

/** The gate matches by id, else by name: two current workloads may not share one. */
function checkDistinctKeys(workloads: GateInput['workloads']): void {
  const problems = duplicateKeyProblems(
    workloads.map((w) => ({ file: w.file, id: w.plan.id, name: w.plan.name, ...(w.keyAt ? { at: w.keyAt } : {}) })),
  );
  if (problems.length) throw new UserError(problems);
}

type Match = { before: PlanFigures; by: 'id' | 'name' | 'file' | 'content' };

/** Pairs current plans with baseline plans: by key (id, else name), then file path, then content. */
function matchBaseline(current: PlanFigures[], baseline: PlanFigures[]): Map<number, Match> {
  const keyOf = (p: PlanFigures) => p.id ?? p.name;
  const byKey = new Map(baseline.map((p) => [keyOf(p), p]));
  const matched = new Map<number, Match>();
  const used = new Set<PlanFigures>();
  const take = (i: number, before: PlanFigures | undefined, by: Match['by']) => {
    if (!before || used.has(before) || matched.has(i)) return;
    matched.set(i, { before, by });
    used.add(before);
  };
  current.forEach((p, i) => take(i, byKey.get(keyOf(p)), p.id !== undefined ? 'id' : 'name'));
  // A workload with an id is matched by it alone: an id that changed is a new workload.
  const unkeyed = (p: PlanFigures) => p.id === undefined;
  current.forEach((p, i) => {
    if (!unkeyed(p) || p.file === undefined) return;
    take(
      i,
      baseline.find((b) => !used.has(b) && unkeyed(b) && b.file !== undefined && samePath(b.file, p.file!)),
      'file',
    );
  });
  current.forEach((p, i) => {
    if (!unkeyed(p) || p.contentSha256 === undefined) return;
    take(
      i,
      baseline.find((b) => !used.has(b) && unkeyed(b) && b.contentSha256 === p.contentSha256),
      'content',
    );
  });
  return matched;
}

/** Paths as planned: the same file when they normalise alike. */
function samePath(a: string, b: string): boolean {
  const norm = (p: string) => posix.normalize(p.split(sep).join('/')).replace(/^\.\//, '');
  return norm(a) === norm(b);
}

const ZERO: Figures = { minInferenceUnits: 0, maxInferenceUnits: 0, monthlyCostUsd: 0 };

function figuresOf(p: PlanFigures, basis: Basis): Figures {
  return { minInferenceUnits: p.minInferenceUnits, maxInferenceUnits: p.maxInferenceUnits, monthlyCostUsd: p.costByBasis[basis] ?? null };
}

function sameFigures(a: Figures, b: Figures): boolean {
  return (
    a.minInferenceUnits === b.minInferenceUnits && a.maxInferenceUnits === b.maxInferenceUnits && a.monthlyCostUsd === b.monthlyCostUsd
  );
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
      return done(
        over,
        cost,
        'usd',
        `${subject} ${usd(cost)} is ${over ? `over the ${usd(spec.limit)} budget by ${usd(roundUsd(cost - spec.limit))}` : `within the ${usd(spec.limit)} budget`}`,
      );
    }
    case 'max_increase_usd': {
      if (!ctx.hasBaseline) return skip('usd', 'no --baseline given');
      // A workload new since the baseline costs its whole amount more than before.
      const before = ctx.added ? 0 : (baseline?.monthlyCostUsd ?? null);
      const rise = ctx.diff?.monthlyCostUsd ?? null;
      if (before === null || rise === null) return skip('usd', 'the baseline has no cost on this basis');
      const over = rise > spec.limit;
      const was = ctx.added ? 'new workload' : `${usd(before)} → ${usd(cost)}`;
      return done(
        over,
        rise,
        'usd',
        `${subject} changed by ${signed(usd(rise), rise)} (${was}), ${over ? 'over' : 'within'} the allowed +${usd(spec.limit)}`,
      );
    }
    case 'max_increase_pct': {
      if (!ctx.hasBaseline) return skip('pct', 'no --baseline given');
      if (ctx.added) return skip('pct', 'new workload, no baseline cost to compare with');
      const before = baseline?.monthlyCostUsd ?? null;
      if (before === null) return skip('pct', 'the baseline has no cost on this basis');
      const pct = ctx.diff?.monthlyCostPct ?? null;
      if (pct === null) return skip('pct', 'the baseline cost is $0.00');
      const over = pct > spec.limit;
      return done(
        over,
        pct,
        'pct',
        `${subject} changed by ${signed(formatPct(pct), pct)} (${usd(before)} → ${usd(cost)}), ${over ? 'over' : 'within'} the allowed +${formatPct(spec.limit)}`,
      );
    }
    case 'max_units': {
      const n = current.maxInferenceUnits;
      const over = n > spec.limit;
      return done(
        over,
        n,
        'units',
        `${ctx.unitsPrefix}MaxInferenceUnits ${n} ${over ? 'is over' : 'is within'} the limit of ${spec.limit}`,
      );
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
