import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GateResult, RuleResult } from '../../src/gate/result.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { FIRST_BUDGET_LINE, workloadYaml, writeWorkload, type WorkloadSpec } from '../helpers/gate-workloads.js';

// Figures (see test/gate/workloads.ts): cost = $730 × MaxInferenceUnits; Max = ceil(peak_tps / 8).
// peak 16 → 2 units $1,460; 30 → 4 units $2,920; 40 → 5 units $3,650; 50 → 7 units $5,110.

function setUp(workloads: WorkloadSpec[], baseline?: WorkloadSpec[]): { dir: string; files: string[]; baseArgs: string[] } {
  const dir = tempDir('gate-test-');
  const files = workloads.map((w) => writeWorkload(dir, w));
  let baseArgs: string[] = [];
  if (baseline) {
    // The baseline is made the way CI makes it: `plan --format json` over the target branch's files.
    const baseDir = join(dir, 'base');
    mkdirSync(baseDir);
    const baseFiles = baseline.map((w) => join('base', writeWorkload(baseDir, w)));
    const r = runCli(['plan', ...baseFiles, '--format', 'json', '--out', 'baseline.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    baseArgs = ['--baseline', 'baseline.json'];
  }
  return { dir, files, baseArgs };
}

function gateJson(dir: string, args: string[], env: Record<string, string> = {}): { code: number; result: GateResult; stderr: string } {
  const r = runCli(['gate', ...args, '--format', 'json'], { cwd: dir, env });
  expect(r.stderr).toBe('');
  return { code: r.code, result: JSON.parse(r.stdout) as GateResult, stderr: r.stderr };
}

const rulesOf = (r: GateResult, name: string): RuleResult[] => r.workloads.find((w) => w.name === name)!.rules;
const only = (r: GateResult, name: string): RuleResult => {
  const rules = rulesOf(r, name);
  expect(rules).toHaveLength(1);
  return rules[0]!;
};

describe('gate: each budget rule kind passes, warns and fails', () => {
  const cases: Array<{
    kind: string;
    base?: number;
    pass: WorkloadSpec;
    warn: WorkloadSpec;
    fail: WorkloadSpec;
    actual: [number, number, number];
  }> = [
    {
      kind: 'monthly_usd',
      pass: { name: 'p', peakTps: 30, budget: ['monthly_usd: 3000'] },
      warn: { name: 'w', peakTps: 40, budget: ['monthly_usd: {limit: 3000, level: warn}'] },
      fail: { name: 'f', peakTps: 40, budget: ['monthly_usd: 3000'] },
      actual: [2920, 3650, 3650],
    },
    {
      kind: 'max_units',
      pass: { name: 'p', peakTps: 30, budget: ['max_units: 4'] }, // equal to the limit passes
      warn: { name: 'w', peakTps: 40, budget: ['max_units: {limit: 4, level: warn}'] },
      fail: { name: 'f', peakTps: 40, budget: ['max_units: 4'] },
      actual: [4, 5, 5],
    },
    {
      kind: 'min_units',
      pass: { name: 'p', peakTps: 30, budget: ['min_units: 2'] },
      warn: { name: 'w', peakTps: 30, budget: ['min_units: {limit: 3, level: warn}'] },
      fail: { name: 'f', peakTps: 30, budget: ['min_units: 3'] },
      actual: [2, 2, 2],
    },
    {
      kind: 'max_increase_usd',
      base: 30,
      pass: { name: 'p', peakTps: 40, budget: ['max_increase_usd: 730'] },
      warn: { name: 'w', peakTps: 50, budget: ['max_increase_usd: {limit: 1000, level: warn}'] },
      fail: { name: 'f', peakTps: 50, budget: ['max_increase_usd: 1000'] },
      actual: [730, 2190, 2190],
    },
    {
      kind: 'max_increase_pct',
      base: 30,
      pass: { name: 'p', peakTps: 40, budget: ['max_increase_pct: 25'] },
      warn: { name: 'w', peakTps: 50, budget: ['max_increase_pct: {limit: 50, level: warn}'] },
      fail: { name: 'f', peakTps: 50, budget: ['max_increase_pct: 50'] },
      actual: [25, 75, 75],
    },
  ];

  for (const c of cases) {
    it(c.kind, () => {
      const specs = [c.pass, c.warn, c.fail];
      const { dir, files, baseArgs } = setUp(
        specs,
        c.base === undefined ? undefined : specs.map((s) => ({ name: s.name, peakTps: c.base! })),
      );
      const { code, result } = gateJson(dir, [...files, ...baseArgs]);
      expect(code).toBe(1);
      expect(result.status).toBe('fail');
      const got = ['p', 'w', 'f'].map((n) => only(result, n));
      expect(got.map((r) => r.id)).toEqual([c.kind, c.kind, c.kind]);
      expect(got.map((r) => r.status)).toEqual(['pass', 'warn', 'fail']);
      expect(got.map((r) => r.level)).toEqual(['error', 'warn', 'error']);
      expect(got.map((r) => r.actual)).toEqual(c.actual);
      expect(result.workloads.map((w) => w.status)).toEqual(['pass', 'warn', 'fail']);
      expect(result.counts).toEqual({ failed: 1, warned: 1, passed: 1, skipped: 0 });
      expect(got[2]!.from).toEqual({ file: 'f.yaml', key: `budget.${c.kind}`, line: FIRST_BUDGET_LINE, col: 3 });
    });
  }

  it('budget.level: warn sets the level of every rule; a rule of its own overrides it', () => {
    const { dir, files } = setUp([
      { name: 'a', peakTps: 40, budget: ['level: warn', 'monthly_usd: 3000', 'max_units: {limit: 4, level: error}'] },
    ]);
    const { code, result } = gateJson(dir, files);
    expect(code).toBe(1);
    expect(rulesOf(result, 'a').map((r) => [r.id, r.level, r.status])).toEqual([
      ['monthly_usd', 'warn', 'warn'],
      ['max_units', 'error', 'fail'],
    ]);
  });

  it("basis selects the expected or Min monthly cost; the default is the plan's own basis", () => {
    // Expected: (4 units × 6 h + 2 units × 18 h) × 7 d × 730 / 168 = 1825 unit-hours = $1,825.
    const { dir, files } = setUp([
      { name: 'max', peakTps: 30, peakHoursPerDay: 6, budget: ['monthly_usd: 2000', 'basis: max'] },
      { name: 'expected', peakTps: 30, peakHoursPerDay: 6, budget: ['monthly_usd: 2000', 'basis: expected'] },
      { name: 'min', peakTps: 30, budget: ['monthly_usd: 1460', 'basis: min'] },
    ]);
    const { code, result } = gateJson(dir, files);
    expect(code).toBe(1);
    expect(['max', 'expected', 'min'].map((n) => [only(result, n).actual, only(result, n).status])).toEqual([
      [2920, 'fail'],
      [1825, 'pass'],
      [1460, 'pass'],
    ]);
    expect(result.workloads.map((w) => w.basis)).toEqual(['max', 'expected', 'min']);
    expect(result.total.current.monthlyCostUsd).toBe(2920 + 1825 + 1460);
    // No basis written: with peak_hours_per_day the plan quotes, and the gate checks, the expected cost.
    const dflt = setUp([{ name: 'dflt', peakTps: 30, peakHoursPerDay: 6, budget: ['monthly_usd: 2000'] }]);
    const d = gateJson(dflt.dir, dflt.files).result;
    expect([d.workloads[0]!.basis, d.workloads[0]!.current!.monthlyCostUsd]).toEqual(['expected', 1825]);
  });

  it('increase rules are not checked without a baseline, and do not fail the gate', () => {
    const { dir, files } = setUp([{ name: 'a', peakTps: 50, budget: ['max_increase_usd: 1', 'max_increase_pct: 1'] }]);
    const { code, result } = gateJson(dir, files);
    expect(code).toBe(0);
    expect(rulesOf(result, 'a').map((r) => [r.status, r.actual, r.message])).toEqual([
      ['skip', null, 'not checked: no --baseline given'],
      ['skip', null, 'not checked: no --baseline given'],
    ]);
    expect(result.status).toBe('pass');
  });
});

describe('gate: flag rules apply to the total', () => {
  // a: 4 units $2,920 (unchanged); b: 4 → 5 units, $2,920 → $3,650. Total $5,840 → $6,570: +$730, +12.5 %; Max units 8 → 9.
  const workloads: WorkloadSpec[] = [
    { name: 'a', peakTps: 30 },
    { name: 'b', peakTps: 40 },
  ];
  const base: WorkloadSpec[] = [
    { name: 'a', peakTps: 30 },
    { name: 'b', peakTps: 30 },
  ];
  let dir: string;
  let args: string[];
  beforeAll(() => {
    const s = setUp(workloads, base);
    dir = s.dir;
    args = [...s.files, ...s.baseArgs];
  });

  it('every flag at its exact limit passes (exit 0)', () => {
    const { code, result } = gateJson(dir, [
      ...args,
      '--max-monthly-cost',
      '6570',
      '--max-increase-usd',
      '730',
      '--max-increase-pct',
      '12.5',
      '--max-units',
      '9',
    ]);
    expect(code).toBe(0);
    expect(result.status).toBe('pass');
    expect(result.total.rules.map((r) => [r.id, r.status, r.actual, r.limit, r.from])).toEqual([
      ['monthly_usd', 'pass', 6570, 6570, { flag: '--max-monthly-cost' }],
      ['max_increase_usd', 'pass', 730, 730, { flag: '--max-increase-usd' }],
      ['max_increase_pct', 'pass', 12.5, 12.5, { flag: '--max-increase-pct' }],
      ['max_units', 'pass', 9, 9, { flag: '--max-units' }],
    ]);
  });

  for (const [flag, limit, id] of [
    ['--max-monthly-cost', '6569.99', 'monthly_usd'],
    ['--max-increase-usd', '729', 'max_increase_usd'],
    ['--max-increase-pct', '12', 'max_increase_pct'],
    ['--max-units', '8', 'max_units'],
  ] as const) {
    it(`${flag} just under the total fails (exit 1)`, () => {
      const { code, result } = gateJson(dir, [...args, flag, limit]);
      expect(code).toBe(1);
      expect(result.total.rules).toHaveLength(1);
      expect(result.total.rules[0]).toMatchObject({ id, level: 'error', status: 'fail', limit: Number(limit) });
      expect(result.total.status).toBe('fail');
    });
  }
});

describe('gate: baseline diff', () => {
  const base: WorkloadSpec[] = [
    { name: 'same', peakTps: 30 },
    { name: 'grows', peakTps: 30 },
    { name: 'dropped', peakTps: 30, baselineTps: 20 },
  ];
  const now: WorkloadSpec[] = [
    { name: 'same', peakTps: 30 },
    { name: 'grows', peakTps: 40 },
    { name: 'fresh', peakTps: 16, budget: ['max_increase_usd: 1000', 'max_increase_pct: 10'] },
  ];

  it('shows changed, unchanged, added and removed workloads and totals before → after', () => {
    const { dir, files, baseArgs } = setUp(now, base);
    const { code, result } = gateJson(dir, [...files, ...baseArgs]);
    expect(code).toBe(1);
    expect(result.baseline).toEqual({ file: 'baseline.json' });
    expect(result.workloads.map((w) => [w.name, w.change, w.file])).toEqual([
      ['same', 'unchanged', 'same.yaml'],
      ['grows', 'changed', 'grows.yaml'],
      ['fresh', 'added', 'fresh.yaml'],
      ['dropped', 'removed', null],
    ]);
    const grows = result.workloads[1]!;
    expect(grows.baseline).toEqual({ minInferenceUnits: 2, maxInferenceUnits: 4, monthlyCostUsd: 2920 });
    expect(grows.current).toEqual({ minInferenceUnits: 2, maxInferenceUnits: 5, monthlyCostUsd: 3650 });
    expect(grows.diff).toEqual({ minInferenceUnits: 0, maxInferenceUnits: 1, monthlyCostUsd: 730, monthlyCostPct: 25 });
    const fresh = result.workloads[2]!;
    expect(fresh.baseline).toBeNull();
    expect(fresh.diff).toEqual({ minInferenceUnits: 2, maxInferenceUnits: 2, monthlyCostUsd: 1460, monthlyCostPct: null });
    // A new workload's whole cost is its increase; a percentage of nothing is not checked.
    expect(fresh.rules.map((r) => [r.id, r.status, r.actual])).toEqual([
      ['max_increase_usd', 'fail', 1460],
      ['max_increase_pct', 'skip', null],
    ]);
    const dropped = result.workloads[3]!;
    expect(dropped.current).toBeNull();
    expect(dropped.baseline).toEqual({ minInferenceUnits: 3, maxInferenceUnits: 4, monthlyCostUsd: 2920 });
    expect(dropped.diff).toEqual({ minInferenceUnits: -3, maxInferenceUnits: -4, monthlyCostUsd: -2920, monthlyCostPct: -100 });
    // The differences add up to the total's.
    expect(result.workloads.reduce((sum, w) => sum + w.diff!.monthlyCostUsd!, 0)).toBe(result.total.diff!.monthlyCostUsd);
    // Totals: now 2920 + 3650 + 1460 = 8030; before 2920 × 3 = 8760.
    expect(result.total.current).toEqual({ minInferenceUnits: 6, maxInferenceUnits: 11, monthlyCostUsd: 8030 });
    expect(result.total.baseline).toEqual({ minInferenceUnits: 7, maxInferenceUnits: 12, monthlyCostUsd: 8760 });
    expect(result.total.diff).toEqual({ minInferenceUnits: -1, maxInferenceUnits: -1, monthlyCostUsd: -730, monthlyCostPct: -8.33 });
  });

  it('reads a single-plan baseline too', () => {
    const { dir, files, baseArgs } = setUp(
      [{ name: 'grows', peakTps: 40, budget: ['max_increase_pct: 20'] }],
      [{ name: 'grows', peakTps: 30 }],
    );
    const { code, result } = gateJson(dir, [...files, ...baseArgs]);
    expect(code).toBe(1);
    expect(result.workloads[0]!.change).toBe('changed');
    expect(only(result, 'grows')).toMatchObject({ status: 'fail', actual: 25, limit: 20 });
  });

  it('the table view shows before → after and every rule', () => {
    const { dir, files, baseArgs } = setUp(now, base);
    const r = runCli(['gate', ...files, ...baseArgs], { cwd: dir, env: { COLUMNS: '200' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /grows\s+│ changed\s+│\s+2\s+│\s+4 → 5 \(\+1\)\s+│\s+\$2,920\.00\s+│\s+\$3,650\.00\s+│\s+\+\$730\.00 \(\+25%\)/,
    );
    expect(r.stdout).toContain(
      'FAIL fresh budget.max_increase_usd (fresh.yaml:17): monthly cost changed by +$1,460.00 (new workload), over the allowed +$1,000.00',
    );
    expect(r.stdout).toContain('SKIP fresh budget.max_increase_pct (fresh.yaml:18)');
    expect(r.stdout).toContain('gate failed: 1 rule failed, 1 not checked; total $8,760.00 → $8,030.00/month, -$730.00 (-8.33%)');
  });
});

describe('gate: --fail-on and exit codes', () => {
  it('warnings pass by default (exit 0) and fail with --fail-on warn (exit 1)', () => {
    const { dir, files } = setUp([
      { name: 'a', peakTps: 40, budget: ['monthly_usd: {limit: 3000, level: warn}'] },
      { name: 'b', peakTps: 30, budget: ['monthly_usd: 3000'] },
    ]);
    const lax = gateJson(dir, files);
    expect(lax.code).toBe(0);
    expect(lax.result.status).toBe('warn');
    const strict = gateJson(dir, [...files, '--fail-on', 'warn']);
    expect(strict.code).toBe(1);
    expect(strict.result.status).toBe('fail');
    expect(strict.result.failOn).toBe('warn');
    expect(only(strict.result, 'a').status).toBe('warn');
  });

  it('exit 0 with no rules at all', () => {
    const { dir, files } = setUp([{ name: 'a', peakTps: 30 }]);
    const { code, result } = gateJson(dir, files);
    expect(code).toBe(0);
    expect(result.counts).toEqual({ failed: 0, warned: 0, passed: 0, skipped: 0 });
  });

  const invalid: Array<{ what: string; make: (dir: string) => string[]; stderr: RegExp }> = [
    {
      what: 'a baseline with an unknown schema version',
      make: (dir) => {
        writeFileSync(join(dir, 'b.json'), JSON.stringify({ schema: 'capacity-plan/plan@9', plans: [] }));
        return ['a.yaml', '--baseline', 'b.json'];
      },
      stderr:
        /^capacity-plan: b\.json:1:1: plan result file has schema 'capacity-plan\/plan@9'; this capacity-plan reads capacity-plan\/plan@3, capacity-plan\/plan@2, capacity-plan\/plan@1\n$/,
    },
    {
      what: 'a gate result given as the baseline',
      make: (dir) => {
        writeFileSync(join(dir, 'b.json'), JSON.stringify({ schema: 'capacity-plan/gate@1' }));
        return ['a.yaml', '--baseline', 'b.json'];
      },
      stderr: /b\.json:1:1: plan result file has schema 'capacity-plan\/gate@1'/,
    },
    {
      what: 'a baseline that is not JSON',
      make: (dir) => {
        writeFileSync(join(dir, 'b.json'), '{\n  "schema": "capacity-plan/plan@1",\n  "plans": [,]\n}\n');
        return ['a.yaml', '--baseline', 'b.json'];
      },
      stderr: /^capacity-plan: b\.json:3:13: plan result file is not valid JSON/,
    },
    {
      what: 'a baseline with a wrong figure',
      make: (dir) => {
        const plan = { name: 'a', minInferenceUnits: 2, maxInferenceUnits: 'four', monthlyCostUsd: { min: 1, max: 2 } };
        writeFileSync(join(dir, 'b.json'), JSON.stringify({ schema: 'capacity-plan/plan@1', plans: [plan] }, null, 2));
        return ['a.yaml', '--baseline', 'b.json'];
      },
      stderr: /^capacity-plan: b\.json:7:28: plans\[0\]\.maxInferenceUnits: expected number, got the string "four"/,
    },
    { what: 'a missing baseline file', make: () => ['a.yaml', '--baseline', 'nope.json'], stderr: /nope\.json: baseline file not found/ },
    { what: 'a missing workload file', make: () => ['nope.yaml'], stderr: /nope\.yaml: workload file not found/ },
    {
      what: 'a negative budget',
      make: (dir) => [writeWorkload(dir, { name: 'n', peakTps: 30, budget: ['monthly_usd: -5'] })],
      stderr: new RegExp(`^capacity-plan: n\\.yaml:${FIRST_BUDGET_LINE}:16: budget\\.monthly_usd: must be greater than 0`),
    },
    {
      what: 'an unknown rule level',
      make: (dir) => [writeWorkload(dir, { name: 'n', peakTps: 30, budget: ['max_units: {limit: 2, level: info}'] })],
      stderr: new RegExp(`n\\.yaml:${FIRST_BUDGET_LINE}:14: budget\\.max_units: must be a number or \\{limit: N, level: warn\\|error\\}`),
    },
    {
      what: 'an unknown budget key',
      make: (dir) => [writeWorkload(dir, { name: 'n', peakTps: 30, budget: ['max_usd: 5'] })],
      stderr: new RegExp(`n\\.yaml:${FIRST_BUDGET_LINE}:3: unknown key 'max_usd' in budget`),
    },
    {
      what: 'basis: expected without peak_hours_per_day',
      make: (dir) => [writeWorkload(dir, { name: 'n', peakTps: 30, budget: ['monthly_usd: 5000', 'basis: expected'] })],
      stderr: new RegExp(`n\\.yaml:${FIRST_BUDGET_LINE + 1}:\\d+: budget\\.basis: expected needs traffic\\.peak_hours_per_day`),
    },
    {
      what: 'two workloads with one name',
      make: (dir) => {
        writeFileSync(join(dir, 'a2.yaml'), workloadYaml({ name: 'a', peakTps: 40 }));
        return ['a.yaml', 'a2.yaml'];
      },
      stderr: /a2\.yaml:2:7: workload name 'a' is also used by a\.yaml/,
    },
    {
      what: 'a non-numeric flag',
      make: () => ['a.yaml', '--max-monthly-cost', 'lots'],
      stderr: /--max-monthly-cost: expected an amount in USD greater than 0, got 'lots'/,
    },
    {
      what: 'a fractional --max-units',
      make: () => ['a.yaml', '--max-units', '2.5'],
      stderr: /--max-units: expected a whole number of units/,
    },
    {
      what: 'a negative increase',
      make: () => ['a.yaml', '--baseline', 'a.json', '--max-increase-usd', '-1'],
      stderr: /--max-increase-usd: expected an amount in USD, at least 0, got '-1'/,
    },
    {
      what: 'an increase flag without --baseline',
      make: () => ['a.yaml', '--max-increase-pct', '5'],
      stderr: /--max-increase-pct needs --baseline/,
    },
    { what: 'an unknown --fail-on', make: () => ['a.yaml', '--fail-on', 'info'], stderr: /--fail-on/ },
    { what: 'an unknown --format', make: () => ['a.yaml', '--format', 'xml'], stderr: /--format/ },
  ];

  for (const c of invalid) {
    it(`exit 2 for ${c.what}`, () => {
      const { dir } = setUp([{ name: 'a', peakTps: 30, budget: ['monthly_usd: 3000'] }]);
      const r = runCli(['gate', ...c.make(dir)], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(c.stderr);
      expect(r.stderr).not.toMatch(/\n\s+at /); // one line, no stack trace
    });
  }
});

describe("validate is gate's pre-check: what gate refuses about the workloads, validate refuses at the same line", () => {
  const cases: Array<{ what: string; make: (dir: string) => string[] }> = [
    {
      what: 'basis: expected without peak_hours_per_day',
      make: (dir) => [writeWorkload(dir, { name: 'n', peakTps: 30, budget: ['monthly_usd: 5000', 'basis: expected'] })],
    },
    {
      what: 'basis: simulated without traffic over time',
      make: (dir) => [writeWorkload(dir, { name: 's', peakTps: 30, budget: ['basis: simulated'] })],
    },
    {
      what: 'two workloads with one name',
      make: (dir) => {
        writeFileSync(join(dir, 'a2.yaml'), workloadYaml({ name: 'a', peakTps: 40 }));
        return ['a.yaml', 'a2.yaml'];
      },
    },
    {
      what: 'two workloads with one id',
      make: (dir) => {
        writeFileSync(join(dir, 'x.yaml'), workloadYaml({ name: 'x', peakTps: 40 }).replace('name: x\n', 'name: x\nid: shelf\n'));
        writeFileSync(join(dir, 'y.yaml'), workloadYaml({ name: 'y', peakTps: 40 }).replace('name: y\n', 'name: y\nid: shelf\n'));
        return ['x.yaml', 'y.yaml'];
      },
    },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const { dir } = setUp([{ name: 'a', peakTps: 30 }]);
      const files = c.make(dir);
      const gate = runCli(['gate', ...files], { cwd: dir });
      const validate = runCli(['validate', ...files], { cwd: dir });
      expect([gate.code, validate.code]).toEqual([2, 2]);
      // gate stops at the first problem; validate lists it, same file, line, column and words.
      const problem = gate.stderr.replace(/^capacity-plan: /, '').trimEnd();
      expect(problem).toMatch(/^\S+\.yaml:\d+:\d+: /);
      expect(validate.stderr.split('\n')).toContain(problem);
    });
  }
});

const EXPECTED = join(ROOT, 'test', 'fixtures', 'expected', 'gate');

/** Compares with a stored file; UPDATE_EXPECTED=1 rewrites it (then review the diff). */
function matchesExpected(actual: string, name: string): void {
  const path = join(EXPECTED, name);
  if (process.env.UPDATE_EXPECTED === '1' || !existsSync(path)) {
    if (process.env.UPDATE_EXPECTED !== '1') throw new Error(`${path} is missing: run with UPDATE_EXPECTED=1 and review it`);
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

/** A pull request that grows one workload, adds one and removes one, with every kind of rule outcome. */
function pullRequest(root = tempDir('gate-out-'), sub = '.'): { dir: string; args: string[] } {
  const dir = join(root, sub);
  mkdirSync(join(dir, 'base'), { recursive: true });
  const base: WorkloadSpec[] = [
    { name: 'shelf-audit', peakTps: 30 },
    { name: 'returns-desk', peakTps: 16 },
    { name: 'dock-cameras', peakTps: 30, baselineTps: 20 },
  ];
  const now: WorkloadSpec[] = [
    { name: 'shelf-audit', peakTps: 50, budget: ['monthly_usd: 5000', 'max_increase_pct: {limit: 50, level: warn}', 'max_units: 8'] },
    { name: 'returns-desk', peakTps: 16, budget: ['monthly_usd: 2000', 'min_units: 2'] },
    { name: 'night-sorter', peakTps: 24, budget: ['max_increase_usd: 2500', 'max_increase_pct: 10'] },
  ];
  const baseFiles = base.map((w) => join('base', writeWorkload(join(dir, 'base'), w)));
  expect(runCli(['plan', ...baseFiles, '--format', 'json', '--out', 'baseline.json'], { cwd: dir }).code).toBe(0);
  const files = now.map((w) => writeWorkload(dir, w));
  return { dir, args: [...files, '--baseline', 'baseline.json', '--max-monthly-cost', '8000', '--max-units', '20'] };
}

describe('gate --format markdown', () => {
  it('matches the stored pull-request comment: baseline diff with failed, warned, unchecked and passed rules', () => {
    const { dir, args } = pullRequest();
    const r = runCli(['gate', ...args, '--format', 'markdown'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toMatch(/^❌ \*\*capacity-plan gate failed\*\*/);
    matchesExpected(r.stdout, 'pull-request.md');
  });

  it('matches the stored comment without a baseline, all rules passing', () => {
    const dir = tempDir('gate-out-');
    const files = [
      writeWorkload(dir, { name: 'shelf-audit', peakTps: 30, peakHoursPerDay: 6, budget: ['monthly_usd: 2000', 'basis: expected'] }),
      writeWorkload(dir, { name: 'returns-desk', peakTps: 16, budget: ['max_units: {limit: 2, level: warn}'] }),
    ];
    const r = runCli(['gate', ...files, '--format', 'markdown', '--max-monthly-cost', '3285'], { cwd: dir });
    expect(r.code).toBe(0);
    matchesExpected(r.stdout, 'no-baseline.md');
  });

  it('--out writes the same text as stdout', () => {
    const { dir, args } = pullRequest();
    const r = runCli(['gate', ...args, '--format', 'markdown', '--out', 'comment.md'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    matchesExpected(readFileSync(join(dir, 'comment.md'), 'utf8'), 'pull-request.md');
  });
});

describe('gate --format github', () => {
  it('annotates the workload file at the line of the budget key, and the total without a file', () => {
    const { dir, args } = pullRequest();
    const r = runCli(['gate', ...args, '--format', 'github'], { cwd: dir });
    expect(r.code).toBe(1);
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    const L = FIRST_BUDGET_LINE;
    expect(annotations).toEqual([
      `::error file=shelf-audit.yaml,line=${L},col=3,title=capacity-plan gate%3A budget.monthly_usd::shelf-audit: monthly cost $5,110.00 is over the $5,000.00 budget by $110.00`,
      `::warning file=shelf-audit.yaml,line=${L + 1},col=3,title=capacity-plan gate%3A budget.max_increase_pct::shelf-audit: monthly cost changed by +75%25 ($2,920.00 → $5,110.00), over the allowed +50%25`,
      '::error title=capacity-plan gate%3A --max-monthly-cost::total: total monthly cost $8,760.00 is over the $8,000.00 budget by $760.00',
    ]);
    // Without $GITHUB_STEP_SUMMARY the markdown follows on stdout so nothing is lost.
    expect(r.stdout).toContain('❌ **capacity-plan gate failed**');
  });

  it('appends the markdown to $GITHUB_STEP_SUMMARY and names files relative to $GITHUB_WORKSPACE', () => {
    const root = tempDir('gate-gh-');
    const { dir, args } = pullRequest(root, 'deploy/workloads');
    const summary = join(root, 'summary.md');
    writeFileSync(summary, '## an earlier step\n');
    const r = runCli(['gate', ...args, '--format', 'github'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: root } });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('| Workload');
    expect(r.stdout).toContain(`::error file=deploy/workloads/shelf-audit.yaml,line=${FIRST_BUDGET_LINE},col=3,`);
    const markdown = runCli(['gate', ...args, '--format', 'markdown'], { cwd: dir }).stdout;
    const fromRoot = markdown.replace(/\((\S+\.yaml):/g, '(deploy/workloads/$1:');
    expect(fromRoot).not.toBe(markdown);
    expect(readFileSync(summary, 'utf8')).toBe('## an earlier step\n' + fromRoot + '\n');
  });

  it('an unwritable $GITHUB_STEP_SUMMARY is exit 2', () => {
    const { dir, args } = pullRequest();
    const r = runCli(['gate', ...args, '--format', 'github'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot append to \$GITHUB_STEP_SUMMARY: EISDIR/);
  });
});

describe('gate: renames compare like with like', () => {
  // peak 30 → Max 4, Min 2; peak_hours_per_day 6: expected = (4 × 6 + 2 × 18) × 7 × 730 / 168 × $1 = $1,825.00.
  // peak 38 → Max 5: expected = (5 × 6 + 2 × 18) × 7 × 730 / 168 = $2,007.50, +10%. Priced as one removed
  // workload at Max ($2,920.00) and one added at expected, the total would read -31% and pass.
  const before = (name: string) => workloadYaml({ name, peakTps: 30, peakHoursPerDay: 6, budget: ['basis: expected'] });
  const after = (name: string) => workloadYaml({ name, peakTps: 38, peakHoursPerDay: 6, budget: ['basis: expected'] });

  function gateAfterRename(extra: string[] = [], withId = false): { code: number; result: GateResult; stdout: string } {
    const dir = tempDir('gate-rename-');
    const id = withId ? 'id: shelf\n' : '';
    writeFileSync(join(dir, 'w.yaml'), id + before('shelf-audit'));
    expect(runCli(['plan', 'w.yaml', '-f', 'json', '--out', 'baseline.json'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, withId ? 'moved.yaml' : 'w.yaml'), id + after('shelf-audit-eu'));
    const r = runCli(['gate', withId ? 'moved.yaml' : 'w.yaml', '--baseline', 'baseline.json', '-f', 'json', ...extra], { cwd: dir });
    return { code: r.code, result: JSON.parse(r.stdout) as GateResult, stdout: r.stdout };
  }

  it('without an id, a new name in the same file is a likely rename, priced on the rule basis on both sides: a 10% rise fails --max-increase-pct 5', () => {
    const { code, result } = gateAfterRename(['--max-increase-pct', '5']);
    expect(code).toBe(1);
    expect(result.workloads).toHaveLength(1);
    expect(result.workloads[0]).toMatchObject({
      name: 'shelf-audit-eu',
      previousName: 'shelf-audit',
      change: 'renamed',
      matchedBy: 'file',
      basis: 'expected',
    });
    expect(result.total.baseline?.monthlyCostUsd).toBe(1825);
    expect(result.total.current.monthlyCostUsd).toBe(2007.5);
    expect(result.total.diff?.monthlyCostPct).toBe(10);
    expect(result.total.rules[0]).toMatchObject({ id: 'max_increase_pct', status: 'fail', actual: 10 });
  });

  it('with an id, the rename is found in another file too', () => {
    const { code, result } = gateAfterRename(['--max-increase-usd', '100'], true);
    expect(code).toBe(1);
    expect(result.workloads[0]).toMatchObject({ id: 'shelf', previousName: 'shelf-audit', change: 'renamed', matchedBy: 'id' });
    expect(result.total.diff?.monthlyCostUsd).toBe(182.5);
  });

  it('the table names the rename', () => {
    const dir = tempDir('gate-rename-table-');
    writeFileSync(join(dir, 'w.yaml'), before('shelf-audit'));
    expect(runCli(['plan', 'w.yaml', '-f', 'json', '--out', 'baseline.json'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'w.yaml'), after('shelf-audit-eu'));
    const r = runCli(['gate', 'w.yaml', '--baseline', 'baseline.json'], { cwd: dir, env: { COLUMNS: '200' } });
    expect(r.stdout).toContain('shelf-audit → shelf-audit-eu (expected cost)');
    expect(r.stdout).toContain('renamed (likely: same file)');
  });

  it('a removed workload is priced on the basis its budget checked when the baseline was made', () => {
    const dir = tempDir('gate-removed-');
    writeFileSync(join(dir, 'a.yaml'), before('gone'));
    writeFileSync(join(dir, 'b.yaml'), workloadYaml({ name: 'stays', peakTps: 30 }));
    expect(runCli(['plan', 'a.yaml', 'b.yaml', '-f', 'json', '--out', 'baseline.json'], { cwd: dir }).code).toBe(0);
    const r = runCli(['gate', 'b.yaml', '--baseline', 'baseline.json', '-f', 'json'], { cwd: dir });
    const gone = (JSON.parse(r.stdout) as GateResult).workloads.find((w) => w.name === 'gone')!;
    expect(gone).toMatchObject({ change: 'removed', basis: 'expected', baseline: { monthlyCostUsd: 1825 } });
  });

  it('one run writes the annotations, the JSON and the comment', () => {
    const dir = tempDir('gate-several-');
    const f = writeWorkload(dir, { name: 'w', peakTps: 30, budget: ['monthly_usd: 1000'] });
    const r = runCli(['gate', f, '--format', 'github', '--out-markdown', 'gate.md', '--out-json', 'gate.json'], {
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: join(dir, 'summary.md') },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=w\.yaml,line=\d+/m);
    expect((JSON.parse(readFileSync(join(dir, 'gate.json'), 'utf8')) as GateResult).status).toBe('fail');
    expect(readFileSync(join(dir, 'gate.md'), 'utf8')).toContain('<!-- capacity-plan-gate -->');
  });
});

describe('gate: basis simulated', () => {
  it('checks the simulated cost of the recommended pair, the figure plan headlines; refused without traffic over time', () => {
    const dir = tempDir('gate-simulated-');
    const text =
      readFileSync(join(ROOT, 'examples', 'workloads', 'storefront-profile.yaml'), 'utf8') +
      'budget:\n  monthly_usd: 25000\n  basis: simulated\n';
    writeFileSync(join(dir, 'w.yaml'), text);
    const plan = JSON.parse(runCli(['plan', 'w.yaml', '-f', 'json'], { cwd: dir }).stdout).plans[0];
    const r = runCli(['gate', 'w.yaml', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const row = (JSON.parse(r.stdout) as GateResult).workloads[0]!;
    expect(row.basis).toBe('simulated');
    expect(row.current).toEqual({
      minInferenceUnits: plan.minInferenceUnits,
      maxInferenceUnits: plan.maxInferenceUnits,
      monthlyCostUsd: plan.monthlyCostUsd,
    });
    expect([plan.costBasis, plan.monthlyCostUsd]).toEqual(['simulated', plan.costByBasis.simulated]);

    writeFileSync(join(dir, 'flat.yaml'), workloadYaml({ name: 'flat', peakTps: 30, budget: ['basis: simulated'] }));
    const bad = runCli(['gate', 'flat.yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /flat\.yaml:\d+:\d+: budget\.basis: simulated needs traffic\.profile, traffic\.trace or traffic\.cloudwatch/,
    );
  });
});
