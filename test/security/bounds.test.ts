import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { readCacheFile } from '../../src/core/files.js';
import { parseYamlLocated } from '../../src/core/yaml.js';
import { renderTable } from '../../src/report/table.js';
import { MAX_TRACE_LINE_CHARS, parseTrace } from '../../src/workload/trace.js';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';

/**
 * Bounded work (issue "Hardening II", classes 4, 6 and 7): every input and flag finishes in time
 * linear in its size, in bounded memory, or is refused at once. Work is counted where it can be;
 * time limits are generous (CI is a loaded 2-core machine) and only catch the quadratic cases.
 */

const WORKLOAD =
  'version: 1\nname: w\nprice_per_unit_hour: 1\nmodel: { task: classification, tps_per_unit: 10 }\nimages: [{ share: 1, width: 640, height: 480, size_mb: 0.3 }]\ntraffic: { peak_tps: 30 }\n';
const PROFILE = WORKLOAD.replace('traffic: { peak_tps: 30 }', `traffic: { profile: [${Array(24).fill(10).join(', ')}] }`);

function expectOneLine(r: CliResult, pattern: RegExp): void {
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.code).toBe(2);
}

describe('YAML with many keys is linear', () => {
  it('40,000 unknown top-level keys (1 MB): every one reported at its line, in seconds not a minute', () => {
    const dir = tempDir();
    let text = WORKLOAD;
    for (let i = 0; i < 40_000; i++) text += `key_${i}: ${i}\n`;
    writeFileSync(join(dir, 'w.yaml'), text);
    const started = Date.now();
    const r = runCli(['validate', 'w.yaml'], { cwd: dir });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.code).toBe(2);
    const out = r.stdout + r.stderr;
    expect(
      out
        .trimEnd()
        .split('\n')
        .filter((l) => /unknown key 'key_\d+'/.test(l)),
    ).toHaveLength(40_000);
    expect(out).toContain("w.yaml:40006:1: unknown key 'key_39999'");
  }, 60_000);

  it('duplicate keys are still refused at the second one, however many keys come between', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `  k${i}: 1`).join('\n');
    expect(() => parseYamlLocated(`a:\n${keys}\n  k17: 2\n`, 'w.yaml')).toThrow(/^w\.yaml:5002:3: Map keys must be unique$/);
    expect(() => parseYamlLocated('a: 1\nb: 2\n"a": 3\n', 'w.yaml')).toThrow(/w\.yaml:3:1: Map keys must be unique/);
    expect(parseYamlLocated(`x:\n${keys}\n`, 'w.yaml').locate(['x', 'k4999'])).toEqual({ line: 5001, col: 10 });
  });
});

describe('trace lines are bounded', () => {
  it('a 60 MB header line is refused at line 1 without splitting it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'w.yaml'), WORKLOAD.replace('traffic: { peak_tps: 30 }', 'traffic: { trace: t.csv }'));
    writeFileSync(join(dir, 't.csv'), `timestamp,${'rps,'.repeat(15_000_000)}\n2025-03-03T00:00:00Z,5\n`);
    expectOneLine(runCli(['plan', 'w.yaml'], { cwd: dir }), /t\.csv:1: line is longer than 4,096 characters/);
  }, 60_000);

  it('a long row is one problem at its line; rows at the bound still parse', () => {
    const ok = `2025-03-03T00:01:00Z,${'0'.repeat(MAX_TRACE_LINE_CHARS - 22)}5`;
    expect(ok.length).toBe(MAX_TRACE_LINE_CHARS);
    expect(parseTrace(`timestamp,rps\n2025-03-03T00:00:00Z,5\n${ok}\n`, 't.csv').rows).toBe(2);
    expect(() => parseTrace(`timestamp,rps\n2025-03-03T00:00:00Z,5\n${ok}0\n`, 't.csv')).toThrow(
      /t\.csv:3: line is longer than 4,096 characters/,
    );
  });
});

describe('report tables never overflow the stack', () => {
  const style = { color: new Chalk({ level: 0 }), width: 100 };
  it('130,000 rows render (widths measured in loops, not spread into Math.max)', () => {
    const rows = Array.from({ length: 130_000 }, (_, i) => [`row ${i}`, String(i)]);
    const text = renderTable([{ head: 'name' }, { head: 'n', align: 'right' }], rows, style);
    expect(text.split('\n').length).toBeGreaterThan(130_000);
  }, 60_000);

  it('a table drawn in chunks reads as one: one top border, one head, one bottom border', () => {
    const rows = Array.from({ length: 12_345 }, (_, i) => [`row ${i}`, String(i)]);
    const lines = renderTable([{ head: 'name' }, { head: 'n', align: 'right' }], rows, style).split('\n');
    expect(lines).toHaveLength(12_345 + 4);
    expect(lines.slice(3, -1).every((l) => l.startsWith('│'))).toBe(true);
    expect(lines[3]).toContain('row 0');
    expect(lines.at(-2)).toContain('row 12344');
  });

  it('a cell of 200,000 lines, or of 1,000,000 characters, is cut to a readable size', () => {
    const text = renderTable([{ head: 'a', wrap: true }], [['x\n'.repeat(200_000)], ['y'.repeat(1_000_000)]], style);
    expect(text.split('\n').length).toBeLessThan(5_000);
    expect(text).toContain('…');
  }, 60_000);
});

describe("flags are bounded like the schema's numbers", () => {
  it('simulate --min/--max 1000000000 and a zone outage of 10^9 minutes are refused at once', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'w.yaml'), PROFILE);
    expectOneLine(
      runCli(['simulate', 'w.yaml', '--min', '1000000000', '--max', '1000000000'], { cwd: dir }),
      /--min: expected a whole number of units from 1 to 100,000, got '1000000000'/,
    );
    expectOneLine(
      runCli(['simulate', 'w.yaml', '--max', '100001'], { cwd: dir }),
      /--max: expected a whole number of units from 1 to 100,000, got '100001'/,
    );
    expectOneLine(
      runCli(['simulate', 'w.yaml', '--zone-outage', '0/1000000000'], { cwd: dir }),
      /--zone-outage: the outage must last at most 527,040 minutes \(a year\)/,
    );
    expect(runCli(['simulate', 'w.yaml', '--min', '1', '--max', '100000', '-f', 'json'], { cwd: dir }).code).toBe(0);
  }, 60_000);

  it('a --min flag of 10 kB is quoted at most 40 characters', () => {
    const r = runCli(['simulate', 'w.yaml', '--min', `x${'9'.repeat(10_000)}`]);
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBeLessThan(200);
  });
});

describe('the price cache', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'w.yaml'), WORKLOAD);
  const plan = (cache: string) => runCli(['plan', 'w.yaml'], { cwd: dir, env: { CAPACITY_PLAN_PRICE_CACHE: cache } });

  it('a FIFO never blocks, /dev/zero is never read, a 1 GB file is never read: each is skipped, the built-in table applies', () => {
    spawnSync('mkfifo', [join(dir, 'fifo.json')]);
    spawnSync('truncate', ['-s', '1G', join(dir, 'big.json')]);
    for (const cache of [join(dir, 'fifo.json'), '/dev/zero', join(dir, 'big.json')]) {
      const r = plan(cache);
      expect([r.code, r.stderr], cache).toEqual([0, '']);
      expect(r.stdout).toContain('run MinInferenceUnits');
    }
  });

  it('a price of 1e308 is refused as a damaged cache, not a crash', () => {
    const cache = {
      schema: 'capacity-plan/prices@1',
      fetchedAt: '2026-01-01T00:00:00.000Z',
      source: 't',
      entries: { 'rekognition-custom-labels': { 'ap-south-1': 1e308 } },
      skus: [],
      ambiguous: [],
    };
    writeFileSync(join(dir, 'huge.json'), JSON.stringify(cache));
    writeFileSync(join(dir, 'r.yaml'), WORKLOAD.replace('price_per_unit_hour: 1\n', 'region: ap-south-1\n'));
    const r = runCli(['plan', 'r.yaml'], { cwd: dir, env: { CAPACITY_PLAN_PRICE_CACHE: join(dir, 'huge.json') } });
    expectOneLine(r, /huge\.json: price cache is not a capacity-plan\/prices@1 file/);
  });

  it('none, or none readable (a folder we may not enter), is skipped silently', async () => {
    expect(await readCacheFile(join(dir, 'missing', 'prices.json'), 'price cache', 1024)).toBeNull();
    expect(await readCacheFile(join(dir, 'w.yaml', 'prices.json'), 'price cache', 1024)).toBeNull();
    expect(plan(join(dir, 'missing.json')).code).toBe(0);
    // Root enters any folder: the EACCES case needs another user.
    if (process.getuid?.() === 0) return;
    mkdirSync(join(dir, 'locked'));
    writeFileSync(join(dir, 'locked', 'prices.json'), '{}');
    chmodSync(join(dir, 'locked'), 0o000);
    expect(await readCacheFile(join(dir, 'locked', 'prices.json'), 'price cache', 1024)).toBeNull();
    expect(plan(join(dir, 'locked', 'prices.json')).code).toBe(0);
  });
});
