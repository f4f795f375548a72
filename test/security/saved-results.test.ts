import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { checkJsonBounds, firstJsonError, parseJsonText, SAVED_RESULT_BOUNDS } from '../../src/core/saved-json.js';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { savedResults } from '../helpers/saved-results.js';

/**
 * Saved results (plan, simulation, backtest, gate, bench, load test JSON) fed back to `report` and
 * `gate --baseline` are untrusted like workloads (issue "Hardening II", class 1): read only where
 * they belong, bounded, and never echoed back, through the JSON parser's own message included.
 */

const SECRET = 'hunter2-very-secret-token-value';
const saved = savedResults();

function expectOneLine(r: CliResult, pattern: RegExp): string {
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.code).toBe(2);
  return r.stderr;
}

function dirWith(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('where a saved result may be', () => {
  it('report: a symlink to /etc/passwd or /proc/self/environ is refused by where it leads, quoting nothing', () => {
    for (const target of ['/etc/passwd', '/proc/self/environ']) {
      const dir = dirWith({});
      symlinkSync(target, join(dir, 'p.json'));
      const err = expectOneLine(
        runCli(['report', 'p.json'], { cwd: dir, env: { MY_TOKEN: SECRET } }),
        /^capacity-plan: p\.json: is a symbolic link leading outside its own folder/,
      );
      expect(err).not.toMatch(/root:|hunter2|MY_TOKEN/);
    }
  });

  it('gate --baseline: the same symlink is refused the same way', () => {
    const dir = dirWith({
      'w.yaml':
        'version: 1\nname: w\nprice_per_unit_hour: 1\nmodel: { task: classification, tps_per_unit: 10 }\nimages: [{ share: 1, width: 640, height: 480, size_mb: 0.3 }]\ntraffic: { peak_tps: 30 }\n',
    });
    symlinkSync('/etc/passwd', join(dir, 'base.json'));
    expect(
      expectOneLine(runCli(['gate', 'w.yaml', '--baseline', 'base.json'], { cwd: dir }), /base\.json: is a symbolic link leading outside/),
    ).not.toContain('root:');
  });

  it('--allow-path lets report follow a symlink into an allowed folder', () => {
    const shared = dirWith({ 'p.json': JSON.stringify(saved.plan) });
    const dir = dirWith({});
    symlinkSync(join(shared, 'p.json'), join(dir, 'p.json'));
    expectOneLine(runCli(['report', 'p.json'], { cwd: dir }), /leading outside/);
    const r = runCli(['report', 'p.json', '--allow-path', shared, '-f', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(saved.plan);
  });

  it('a FIFO, a directory or /dev/zero as the result file: refused before a byte is read', () => {
    const dir = dirWith({});
    spawnSync('mkfifo', [join(dir, 'fifo.json')]);
    mkdirSync(join(dir, 'd.json'));
    expectOneLine(runCli(['report', 'fifo.json'], { cwd: dir }), /fifo\.json: is not a regular file/);
    expectOneLine(runCli(['report', 'd.json'], { cwd: dir }), /d\.json: is a directory/);
    expectOneLine(runCli(['report', '/dev/zero', '--allow-path', '/dev'], { cwd: dir }), /\/dev\/zero: is not a regular file/);
  });
});

describe('what an error may quote', () => {
  it('a file that is not JSON: line and column, never its text (V8 would quote it)', () => {
    const cases: Array<[string, RegExp]> = [
      [`root:x:0:0:${SECRET}\n`, /k\.json:1:1: result file is not valid JSON \(unexpected character\)\n$/],
      [`{"schema": "capacity-plan/plan@2",\n  "plans": [${SECRET}]}`, /k\.json:2:13: result file is not valid JSON/],
      [`{"a": "${SECRET}`, /k\.json:1:\d+: result file is not valid JSON \(it ends too early\)/],
      [`MY_TOKEN=${SECRET}\u0000PATH=/usr/bin`, /k\.json:1:1: /],
    ];
    for (const [text, pattern] of cases) {
      const dir = dirWith({ 'k.json': text });
      for (const args of [
        ['report', 'k.json'],
        ['gate', 'w.yaml', '--baseline', 'k.json'],
      ]) {
        const r = runCli(args, { cwd: dir });
        expect(r.stderr).not.toContain(SECRET);
        expect(r.stderr).not.toContain('root:');
        expect(r.code).toBe(2);
        if (args[0] === 'report') expectOneLine(r, pattern);
      }
    }
  });

  it('a schema id of 10 kB, or of another type: at most 40 characters of it', () => {
    for (const schema of ['x'.repeat(10_000), `capacity-plan/plan@2${SECRET}${'y'.repeat(100)}`, { nested: SECRET }, [SECRET]]) {
      const dir = dirWith({ 'r.json': JSON.stringify({ schema }) });
      const err = expectOneLine(
        runCli(['report', 'r.json'], { cwd: dir }),
        /r\.json:1:1: result file has (schema '.{1,40}…?'|a "schema" that is not a string); this capacity-plan reads /,
      );
      // The fixed text lists the ids report reads (about 270 characters); the file's part adds at most 40.
      expect(err.length).toBeLessThan(330);
      if (typeof schema === 'object') expect(err).not.toContain(SECRET);
    }
  });

  it('a bad field deep inside a real result: named by its path, its value cut to 40 characters', () => {
    const plan = structuredClone(saved.plan) as { plans: Array<Record<string, unknown>> };
    plan.plans[0]!.service = `${SECRET}${'z'.repeat(500)}`;
    const dir = dirWith({ 'p.json': JSON.stringify(plan, null, 2) });
    const err = expectOneLine(runCli(['report', 'p.json'], { cwd: dir }), /p\.json:\d+:\d+: plans\[0\]\.service: /);
    expect(err).not.toContain('z'.repeat(41));
  });
});

describe('how large a saved result may be', () => {
  it('nesting 50,000 deep is refused at the bound, not a stack overflow', () => {
    const dir = dirWith({
      'd.json': `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
      'o.json': `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`,
    });
    expectOneLine(runCli(['report', 'd.json'], { cwd: dir }), /d\.json: \[0\]\[0\]\[0\]\[0\]\[0\]\[0\]…: nested more than 64 levels deep/);
    expectOneLine(runCli(['report', 'o.json'], { cwd: dir }), /o\.json: a\.a\.a\.a\.a\.a…: nested more than 64 levels deep/);
  });

  it('a name over 200 characters (a 30 MB name) and more than 10,000 plans are refused at once', () => {
    const long = structuredClone(saved.plan) as { plans: Array<{ name: string }> };
    long.plans[0]!.name = 'n'.repeat(30 * 1024 * 1024);
    const many = structuredClone(saved.plan) as { plans: unknown[] };
    many.plans = Array.from({ length: 10_001 }, () => (saved.plan as { plans: unknown[] }).plans[0]);
    const dir = dirWith({ 'long.json': JSON.stringify(long), 'many.json': JSON.stringify(many) });
    expectOneLine(runCli(['report', 'long.json'], { cwd: dir }), /long\.json: plans\[0\]\.name: a string longer than 20,000 characters/);
    expectOneLine(runCli(['report', 'many.json'], { cwd: dir }), /many\.json: plans: more than 10,000 entries/);
  }, 60_000);

  it('the bounds are far above what the commands write: every kind reads back in every view', () => {
    const dir = tempDir();
    for (const [kind, result] of Object.entries(saved)) {
      writeFileSync(join(dir, `${kind}.json`), JSON.stringify(result));
      for (const format of ['table', 'json', 'markdown']) {
        const r = runCli(['report', `${kind}.json`, '-f', format], { cwd: dir });
        expect(r.code, `${kind} ${format}: ${r.stderr}`).toBe(0);
      }
    }
  }, 120_000);
});

describe('the reading functions, in process', () => {
  it('firstJsonError finds an error exactly when JSON.parse fails (a property over near-JSON text)', () => {
    const nearJson = fc.oneof(
      fc.json(),
      fc
        .json()
        .chain((j) =>
          fc
            .tuple(fc.nat(j.length), fc.constantFrom('', ',', '}', ']', '"', '\\', '\n', 'x', '{', '[', '\u0001'))
            .map(([at, s]) => j.slice(0, at) + s + j.slice(at + 1)),
        ),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(nearJson, (text) => {
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        const at = firstJsonError(text);
        expect(at === -1).toBe(parses);
        if (!parses) expect(at).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('parseJsonText: line and column of the error, and the message never holds the text', () => {
    expect(() => parseJsonText('{\n  "a": 1,\n  "b": secret\n}', 'f.json')).toThrow(
      /^f\.json:3:8: result file is not valid JSON \(unexpected character\)$/,
    );
    expect(() => parseJsonText('', 'f.json')).toThrow(/f\.json:1:1: result file is not valid JSON \(it ends too early\)/);
  });

  it('checkJsonBounds counts every value once and names the path of the first one past a bound', () => {
    const bounds = { ...SAVED_RESULT_BOUNDS, maxNodes: 10, maxArrayLength: 3 };
    expect(() => checkJsonBounds({ a: [1, 2, 3] }, 'f', bounds)).not.toThrow();
    expect(() => checkJsonBounds({ a: [1, 2, 3, 4] }, 'f', bounds)).toThrow(/^f: a: more than 3 elements$/);
    expect(() =>
      checkJsonBounds(
        {
          a: [
            [1, 2],
            [3, 4],
            [5, 6],
          ],
          b: 1,
        },
        'f',
        bounds,
      ),
    ).toThrow(/more than 10 values/);
    expect(() => checkJsonBounds({ x: { name: 'n'.repeat(201) } }, 'f')).toThrow(/^f: x\.name: must be at most 200 characters$/);
    expect(() => checkJsonBounds({ [`k${'\u001b'.repeat(50)}`]: { name: 'n'.repeat(201) } }, 'f')).toThrow(UserError);
  });
});
