import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { parseBaseline } from '../../src/gate/baseline.js';
import { evaluateGate, type PlanFigures } from '../../src/gate/gate.js';
import type { RuleSpec } from '../../src/gate/result.js';
import { budgetRules } from '../../src/gate/rules.js';

type Basis = 'max' | 'expected' | 'min' | 'simulated';
const plan = (name: string, max: number, min = 2, expected?: number, costBasis: Basis = 'max') => ({
  name,
  minInferenceUnits: min,
  maxInferenceUnits: max,
  costByBasis: { min: min * 730, max: max * 730, ...(expected !== undefined ? { expected } : {}) },
  costBasis,
});
const at = { file: 'w.yaml', key: 'budget.x', line: 1, col: 1 };
const rule = (id: RuleSpec['id'], limit: number, level: RuleSpec['level'] = 'error'): RuleSpec => ({ id, limit, level, from: at });
const workload = (p: ReturnType<typeof plan>, rules: RuleSpec[]) => ({ plan: p, file: `${p.name}.yaml`, budget: { rules } });

describe('evaluateGate (pure)', () => {
  it('an expected-cost budget against a baseline without an expected cost: cost unknown, increase rules not checked', () => {
    const r = evaluateGate({
      workloads: [
        workload(plan('a', 4, 2, 1825, 'expected'), [rule('max_increase_usd', 100), rule('max_increase_pct', 5), rule('max_units', 4)]),
      ],
      totalRules: [],
      baseline: { file: 'b.json', plans: [plan('a', 4)] },
      failOn: 'error',
    });
    const w = r.workloads[0]!;
    expect(w.baseline).toEqual({ minInferenceUnits: 2, maxInferenceUnits: 4, monthlyCostUsd: null });
    expect(w.diff).toEqual({ minInferenceUnits: 0, maxInferenceUnits: 0, monthlyCostUsd: null, monthlyCostPct: null });
    expect(w.rules.map((x) => x.status)).toEqual(['skip', 'skip', 'pass']);
    expect(r.total.baseline?.monthlyCostUsd).toBeNull();
    expect(r.status).toBe('pass');
  });

  it('refuses two workloads with one name: the baseline match would be ambiguous', () => {
    expect(() =>
      evaluateGate({
        workloads: [workload(plan('a', 4), []), { ...workload(plan('a', 5), []), file: 'other.yaml' }],
        totalRules: [],
        baseline: null,
        failOn: 'error',
      }),
    ).toThrow(UserError);
  });

  it('matches a renamed workload without id by its file path, then one renamed and moved by its content', () => {
    const current: PlanFigures[] = [
      { ...plan('shelf-v2', 5), file: 'workloads/shelf.yaml' },
      { ...plan('dock-renamed', 3), file: 'workloads/dock-new.yaml', contentSha256: 'c0ffee' },
    ];
    const before: PlanFigures[] = [
      { ...plan('shelf', 4), file: 'workloads/shelf.yaml' },
      { ...plan('dock', 3), file: 'workloads/dock.yaml', contentSha256: 'c0ffee' },
    ];
    const r = evaluateGate({
      workloads: current.map((p) => ({
        plan: { ...p, costBasis: 'max' as const },
        file: p.file!,
        budget: { rules: [rule('max_increase_pct', 10)] },
      })),
      totalRules: [],
      baseline: { file: 'b.json', plans: before },
      failOn: 'error',
    });
    expect(r.workloads.map((w) => [w.name, w.matchedBy, w.change, w.previousName])).toEqual([
      ['shelf-v2', 'file', 'renamed', 'shelf'],
      ['dock-renamed', 'content', 'renamed', 'dock'],
    ]);
    // 4 → 5 units all month: +25%, over the +10% allowed, so the rename cannot hide the rise.
    expect(r.workloads[0]!.rules[0]!.status).toBe('fail');
    expect(r.status).toBe('fail');
  });

  it('property: totals are the sums of the rows, and the verdict follows the rule levels and --fail-on', () => {
    const row = fc.record({
      max: fc.integer({ min: 1, max: 60 }),
      baseMax: fc.option(fc.integer({ min: 1, max: 60 })),
      limit: fc.integer({ min: 1, max: 60 }),
      warn: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), fc.boolean(), (rows, failOnWarn) => {
        const r = evaluateGate({
          workloads: rows.map((x, i) => workload(plan(`w${i}`, x.max, 1), [rule('max_units', x.limit, x.warn ? 'warn' : 'error')])),
          totalRules: [],
          baseline: { file: 'b.json', plans: rows.flatMap((x, i) => (x.baseMax === null ? [] : [plan(`w${i}`, x.baseMax, 1)])) },
          failOn: failOnWarn ? 'warn' : 'error',
        });
        expect(r.total.current.maxInferenceUnits).toBe(rows.reduce((s, x) => s + x.max, 0));
        expect(r.total.current.monthlyCostUsd).toBe(rows.reduce((s, x) => s + x.max * 730, 0));
        expect(r.total.baseline!.monthlyCostUsd).toBe(rows.reduce((s, x) => s + (x.baseMax ?? 0) * 730, 0));
        const errorBroken = rows.some((x) => x.max > x.limit && !x.warn);
        const warnBroken = rows.some((x) => x.max > x.limit && x.warn);
        expect(r.status).toBe(errorBroken || (warnBroken && failOnWarn) ? 'fail' : warnBroken ? 'warn' : 'pass');
        expect(r.workloads.map((w) => w.change)).toEqual(
          rows.map((x) => (x.baseMax === null ? 'added' : x.baseMax === x.max ? 'unchanged' : 'changed')),
        );
      }),
    );
  });
});

describe('budgetRules', () => {
  it('gives each rule the budget level unless it sets its own, and locates its key', () => {
    const doc = {
      locate: (path: ReadonlyArray<PropertyKey>) => ({ line: 10 + ['monthly_usd', 'max_units', 'basis'].indexOf(String(path[1])), col: 3 }),
    };
    const b = budgetRules({ monthly_usd: 100, max_units: { limit: 3, level: 'error' }, basis: 'min', level: 'warn' }, doc, 'w.yaml');
    expect(b.rules).toEqual([
      { id: 'monthly_usd', limit: 100, level: 'warn', from: { file: 'w.yaml', key: 'budget.monthly_usd', line: 10, col: 3 } },
      { id: 'max_units', limit: 3, level: 'error', from: { file: 'w.yaml', key: 'budget.max_units', line: 11, col: 3 } },
    ]);
  });
});

describe('parseBaseline', () => {
  const p = { name: 'a', minInferenceUnits: 2, maxInferenceUnits: 4, monthlyCostUsd: { min: 1460, max: 2920 }, derivation: {} };
  it('reads plan@2 files, and plan@1 single-plan and multi-plan files', async () => {
    const v2 = await parseBaseline(
      JSON.stringify({ schema: 'capacity-plan/plan@2', plans: [{ ...p, recommendation: { gate: { basis: 'min' } } }], totals: {} }),
      'b.json',
    );
    expect(v2).toEqual([
      {
        name: 'a',
        id: undefined,
        file: undefined,
        minInferenceUnits: 2,
        maxInferenceUnits: 4,
        costByBasis: { min: 1460, max: 2920 },
        costBasis: 'min',
      },
    ]);
    await expect(parseBaseline(JSON.stringify({ schema: 'capacity-plan/plan@2', ...p }), 'b.json')).rejects.toThrow(/plans/);
    expect((await parseBaseline(JSON.stringify({ schema: 'capacity-plan/plan@1', ...p }), 'b.json')).map((x) => x.name)).toEqual(['a']);
    expect(
      (await parseBaseline(JSON.stringify({ schema: 'capacity-plan/plan@1', plans: [p, { ...p, name: 'b' }], totals: {} }), 'b.json')).map(
        (x) => x.name,
      ),
    ).toEqual(['a', 'b']);
  });
  it('refuses other schemas, non-objects and duplicate names', async () => {
    await expect(parseBaseline(JSON.stringify({ ...p }), 'b.json')).rejects.toThrow(
      /^b\.json:1:1: plan result file has no "schema" key; this capacity-plan reads capacity-plan\/plan@3, capacity-plan\/plan@2, capacity-plan\/plan@1$/,
    );
    await expect(parseBaseline(JSON.stringify({ schema: 'capacity-plan/bench@1' }), 'b.json')).rejects.toThrow(
      /has schema 'capacity-plan\/bench@1'/,
    );
    await expect(parseBaseline('[]', 'b.json')).rejects.toThrow(/b\.json:1:1: plan result file is not a JSON object/);
    await expect(parseBaseline(JSON.stringify({ schema: 'capacity-plan/plan@1', plans: [p, p] }), 'b.json')).rejects.toThrow(
      /two workloads named 'a'/,
    );
  });
});
