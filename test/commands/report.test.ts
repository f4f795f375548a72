import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const W = (f: string) => `examples/workloads/${f}`;
const BENCH = 'examples/workloads/example-bench.json';

/** Each result saved as JSON, with the producing command's arguments to render it directly. */
const RESULTS = {
  plan: ['plan', W('shelf-audit.yaml'), W('storefront-profile.yaml')],
  simulation: ['simulate', W('storefront-trace.yaml'), '--zone-outage', '09:00/90m'],
  gate: ['gate', W('shelf-audit.yaml'), W('parcel-labels.yaml'), '--max-monthly-cost', '15000'],
  backtest: ['simulate', 'test/fixtures/cloudwatch/backtest.yaml', '--backtest'],
} as const;
const FORMATS: Record<keyof typeof RESULTS, string[]> = {
  plan: ['table', 'markdown', 'json', 'html'],
  simulation: ['table', 'markdown', 'json', 'html'],
  gate: ['table', 'markdown', 'json', 'html'],
  backtest: ['table', 'markdown', 'json'],
};

describe('capacity-plan report', () => {
  const dir = tempDir('report-');
  const saved: Record<string, string> = {};
  beforeAll(() => {
    for (const [kind, args] of Object.entries(RESULTS)) {
      saved[kind] = join(dir, `${kind}.json`);
      const r = runCli([...args, '--format', 'json', '--out', saved[kind]!]);
      expect(r.stderr).toBe('');
    }
  });

  for (const [kind, args] of Object.entries(RESULTS)) {
    for (const format of FORMATS[kind as keyof typeof RESULTS]) {
      it(`${kind} --format ${format}: the same text as the command that made it`, () => {
        const direct = runCli([...args, '--format', format]);
        const again = runCli(['report', saved[kind]!, '--format', format]);
        expect(again.stderr).toBe('');
        expect(again.code).toBe(0);
        expect(again.stdout).toBe(direct.stdout);
      });
    }
  }

  it('a bench result file in every format; json gives the file back', () => {
    for (const format of ['table', 'markdown', 'html']) {
      const r = runCli(['report', BENCH, '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('ocr-det');
    }
    expect(JSON.parse(runCli(['report', BENCH, '--format', 'json']).stdout)).toEqual(JSON.parse(readFileSync(BENCH, 'utf8')));
  });

  it('a plan written before a defaulted field existed (no savings) reads in every format, the field filled in', () => {
    const plan = JSON.parse(readFileSync(saved.plan!, 'utf8'));
    for (const p of plan.plans) delete p.savings;
    const file = join(dir, 'plan-without-savings.json');
    writeFileSync(file, JSON.stringify(plan));
    for (const format of ['table', 'markdown', 'html']) {
      const r = runCli(['report', file, '--format', format]);
      expect(r.code, r.stderr).toBe(0);
    }
    const back = JSON.parse(runCli(['report', file, '--format', 'json']).stdout);
    expect(back.plans.map((p: { savings: unknown }) => p.savings)).toEqual(plan.plans.map(() => []));
    // The keys the file has keep their order; the filled-in one follows them.
    expect(Object.keys(back.plans[0])).toEqual([...Object.keys(plan.plans[0]), 'savings']);
  });

  it('a bench@1 file (warnings as sentences) reads as bench@2: each sentence a warning with code uncoded', () => {
    const current = JSON.parse(readFileSync(BENCH, 'utf8'));
    const older = { ...current, schema: 'capacity-plan/bench@1', warnings: current.warnings.map((w: { message: string }) => w.message) };
    const file = join(dir, 'bench-v1.json');
    writeFileSync(file, JSON.stringify(older));
    const upgraded = JSON.parse(runCli(['report', file, '--format', 'json']).stdout);
    expect(upgraded).toEqual({
      ...current,
      warnings: current.warnings.map((w: { message: string }) => ({ code: 'uncoded', message: w.message })),
    });
  });

  it('the gate in github format; report renders, it does not judge: exit 0 for a failed gate', () => {
    const r = runCli(['report', saved.gate!, '--format', 'github']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^::error title=capacity-plan gate%3A --max-monthly-cost::total: total monthly cost \$17,311\.43 is over the \$15,000\.00 budget/m,
    );
    expect(r.stdout).toMatch(/^capacity-plan gate failed: 1 rule failed/m);
  });

  it('reads back a gate with every kind of budget rule, min_units included', () => {
    const workload = join(dir, 'every-rule.yaml');
    const shelf = readFileSync(W('shelf-audit.yaml'), 'utf8');
    writeFileSync(
      workload,
      shelf.replace(/budget:[\s\S]*$/, 'budget:\n  monthly_usd: 8000\n  max_units: 8\n  min_units: 3\n  basis: expected\n'),
    );
    const out = join(dir, 'every-rule-gate.json');
    const made = runCli(['gate', workload, '--format', 'json', '--out', out]);
    expect(made.stderr).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).workloads[0].rules.map((r: { id: string }) => r.id)).toEqual(
      expect.arrayContaining(['monthly_usd', 'max_units', 'min_units']),
    );
    const again = runCli(['report', out, '--format', 'table']);
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe(runCli(['gate', workload, '--format', 'table']).stdout);
  });

  it('refuses a plan from an earlier version (plan@1, plan@2) with one line saying what to do', () => {
    const v3 = JSON.parse(readFileSync(saved.plan!, 'utf8'));
    const v2 = join(dir, 'plan-v2.json');
    writeFileSync(v2, JSON.stringify({ ...v3, schema: 'capacity-plan/plan@2' }, null, 2));
    const r = runCli(['report', v2, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^capacity-plan: \S+plan-v2\.json:1:1: result file has schema 'capacity-plan\/plan@2'; this capacity-plan reads capacity-plan\/plan@3, [^\n]*\n$/,
    );
  });

  it('--out writes the file atomically, the same text as stdout', () => {
    const out = join(dir, 'sim.html');
    expect(runCli(['report', saved.simulation!, '--format', 'html', '--out', out]).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(runCli(['report', saved.simulation!, '--format', 'html']).stdout);
  });

  const refusals: Array<[string, (d: string) => string, RegExp]> = [
    [
      'an unknown schema id',
      (d) => write(d, 'x.json', '{"schema": "capacity-plan/loadtest@9"}'),
      /^capacity-plan: .*x\.json:1:1: result file has schema 'capacity-plan\/loadtest@9'; this capacity-plan reads capacity-plan\/plan@3, .*\n$/,
    ],
    ['no schema id', (d) => write(d, 'x.json', '{"plans": []}'), /x\.json:1:1: result file has no "schema" key; this capacity-plan reads/],
    ['not JSON', (d) => write(d, 'x.json', 'name: shelf-audit\n'), /x\.json:1:\d+: result file is not valid JSON/],
    [
      'a bad value, located',
      (d) => {
        const sim = JSON.parse(readFileSync(saved.simulation!, 'utf8'));
        sim.strategies[1].monthlyCostUsd = 'lots';
        return write(d, 'x.json', JSON.stringify(sim, null, 2));
      },
      /x\.json:\d+:\d+: strategies\[1\]\.monthlyCostUsd: expected number, got the string "lots"\n$/,
    ],
    [
      'a format the result has no view for',
      () => saved.plan!,
      /--format: a plan result has no 'github' view \(choose table, json, markdown, html\)/,
    ],
    ['a missing file', (d) => join(d, 'nope.json'), /nope\.json: result file not found/],
  ];
  for (const [what, make, stderr] of refusals) {
    it(`refuses ${what} with one line, exit 2`, () => {
      const file = make(tempDir('report-bad-'));
      const r = runCli(['report', file, '--format', what.startsWith('a format') ? 'github' : 'table']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(stderr);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }
});

function write(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
