import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../../src/contracts/bench.js';
import { benchTable } from '../../src/report/bench/table.js';
import { widthFor } from '../../src/report/format.js';
import { renderTable } from '../../src/report/table.js';
import { ROOT, runCli, runCliInTerminal, tempDir } from '../helpers/cli.js';
import { writeWorkload } from '../helpers/gate-workloads.js';

const ANSI = /\u001b\[/;
const widest = (text: string) => Math.max(...text.split('\n').map((l) => stringWidth(l)));
const noColor = new Chalk({ level: 0 });

describe('the table factory', () => {
  const columns = [
    { head: 'name', wrap: true },
    { head: 'value', align: 'right' as const },
    { head: 'how', wrap: true, minWidth: 30, under: 'plain' as const },
  ];
  const rows = [
    ['Monthly cost (Max)', '$14,600.00', '3,650 h × $4 = $14,600.00 and a long explanation that goes on and on'],
    ['Min', '2', 'max(floor 2, ceil(5 / 8.00) = 1) = 2'],
  ];

  it('keeps natural widths when they fit, right-aligns numbers, and draws no line between rows', () => {
    const t = renderTable(columns, rows, { color: noColor, width: 200 });
    const lines = t.split('\n');
    expect(lines).toHaveLength(6); // top, head, head rule, 2 rows, bottom
    expect(t).toMatch(/│ +2 │/);
    expect(t).toContain('│ $14,600.00 │');
  });

  it('moves the formula under its row when the table cannot fit otherwise', () => {
    // At 60 the formula column still fits wrapped (its minimum is 30); at 50 it cannot.
    expect(renderTable(columns, rows, { color: noColor, width: 60 }).split('\n')[1]).toContain('how');
    const t = renderTable(columns, rows, { color: noColor, width: 50 });
    expect(widest(t)).toBeLessThanOrEqual(50);
    expect(t.split('\n')[1]).not.toContain('how'); // the column is gone from the head
    expect(t.replace(/[│ ]+\n[│ ]+/g, ' ')).toMatch(/max\(floor 2,/);
  });

  it('fits every width from 40 to 120 columns', () => {
    for (let w = 40; w <= 120; w += 7) expect(widest(renderTable(columns, rows, { color: noColor, width: w }))).toBeLessThanOrEqual(w);
  });

  it('width: COLUMNS wins, then the terminal, then 100 for files and pipes', () => {
    expect(widthFor({ isTTY: true, columns: 132 }, { COLUMNS: '80' })).toBe(80);
    expect(widthFor({ isTTY: true, columns: 132 }, {})).toBe(132);
    expect(widthFor({ isTTY: false }, {})).toBe(100);
    expect(widthFor({ isTTY: false }, { COLUMNS: 'wide' })).toBe(100);
  });
});

describe('every command at 80 columns', () => {
  const at80 = { env: { COLUMNS: '80' } };
  const cases: Array<[string, string[]]> = [
    [
      'plan, every example and the totals',
      [
        'plan',
        ...['parcel-labels', 'quality-inspection', 'shelf-audit', 'storefront-profile', 'storefront-trace'].map(
          (n) => `examples/workloads/${n}.yaml`,
        ),
      ],
    ],
    [
      'simulate with both scenarios',
      ['simulate', 'examples/workloads/storefront-profile.yaml', '--zone-outage', 'mon 09:00/2h', '--unit-failure', '10:00'],
    ],
    ['simulate a trace', ['simulate', 'examples/workloads/storefront-trace.yaml']],
    ['validate', ['validate', 'examples/workloads/shelf-audit.yaml', 'test/fixtures/bad/negative-peak.yaml']],
  ];
  for (const [what, args] of cases) {
    it(`${what}: no line wider than 80`, () => {
      const r = runCli(args, at80);
      expect(r.stdout.length).toBeGreaterThan(0);
      expect(widest(r.stdout)).toBeLessThanOrEqual(80);
      expect(widest(r.stderr)).toBeLessThanOrEqual(200); // one-line errors are not tables
    });
  }

  it('gate with a baseline: no line wider than 80', () => {
    const dir = tempDir('table-80-');
    const a = writeWorkload(dir, { name: 'shelf-audit', peakTps: 30, budget: ['monthly_usd: 5000', 'max_increase_pct: 10'] });
    expect(runCli(['plan', a, '-f', 'json', '--out', 'baseline.json'], { cwd: dir }).code).toBe(0);
    writeWorkload(dir, { name: 'shelf-audit', peakTps: 50, budget: ['monthly_usd: 5000', 'max_increase_pct: 10'] });
    writeWorkload(dir, { name: 'a-new-workload-with-a-long-name', peakTps: 12 });
    const r = runCli(['gate', a, 'a-new-workload-with-a-long-name.yaml', '--baseline', 'baseline.json', '--max-monthly-cost', '8000'], {
      cwd: dir,
      ...at80,
    });
    expect(r.code).toBe(1);
    expect(widest(r.stdout)).toBeLessThanOrEqual(80);
  });

  it('bench (a saved result rendered by the bench table view): no line wider than 80', () => {
    const result = JSON.parse(readFileSync(join(ROOT, 'examples', 'workloads', 'example-bench.json'), 'utf8')) as BenchResult;
    const text = benchTable(result, { color: noColor, width: 80 });
    expect(text).toContain('ocr-det');
    expect(widest(text)).toBeLessThanOrEqual(80);
  });
});

describe('no colour in files, pipes or under NO_COLOR', () => {
  // Several workloads: the totals table once leaked grey borders everywhere.
  const plan = ['plan', 'examples/workloads/shelf-audit.yaml', 'examples/workloads/quality-inspection.yaml'];
  const simulate = ['simulate', 'examples/workloads/storefront-profile.yaml'];
  for (const args of [plan, simulate]) {
    it(`${args[0]}: a pipe (stdout is not a terminal), NO_COLOR unset`, () => {
      expect(runCli(args, { env: { NO_COLOR: undefined } }).stdout).not.toMatch(ANSI);
    });
    it(`${args[0]}: NO_COLOR=1`, () => {
      expect(runCli(args, { env: { NO_COLOR: '1' } }).stdout).not.toMatch(ANSI);
    });
    it(`${args[0]}: --out, even with FORCE_COLOR=1`, () => {
      const dir = tempDir('no-ansi-');
      const out = join(dir, 'out.txt');
      expect(runCli([...args, '--out', out], { env: { FORCE_COLOR: '1', NO_COLOR: undefined } }).code).toBe(0);
      expect(readFileSync(out, 'utf8')).not.toMatch(ANSI);
    });
  }
  it('gate: --out, --out-markdown and --out-json carry no colour', () => {
    const dir = tempDir('no-ansi-gate-');
    const f = writeWorkload(dir, { name: 'w', peakTps: 30 });
    const r = runCli(['gate', f, '--out', 'g.txt', '--out-markdown', 'g.md', '--out-json', 'g.json'], {
      cwd: dir,
      env: { FORCE_COLOR: '1', NO_COLOR: undefined },
    });
    expect(r.code).toBe(0);
    for (const name of ['g.txt', 'g.md', 'g.json']) expect(readFileSync(join(dir, name), 'utf8')).not.toMatch(ANSI);
  });
  it('on a terminal the totals table is coloured too (colour is one decision)', () => {
    const r = runCliInTerminal(plan);
    expect(r.stdout.split('total of 2 workloads')[0]).toMatch(ANSI);
  });
});
