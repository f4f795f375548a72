import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { checkOutputPath, writeResultOrKeep } from '../../src/core/files.js';
import { ROOT, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { writeTextImages } from '../helpers/loadtest-images.js';
import { savedResults } from '../helpers/saved-results.js';

/**
 * --out on every command and every output (issue "Hardening II", class 3): never one of the run's
 * inputs (after symlinks, and by inode for hard links), never through a symlink at the output
 * path, and a long measurement's result is never lost when its output cannot be written.
 */

const WORKLOAD =
  'version: 1\nname: w\nprice_per_unit_hour: 1\nmodel: { task: classification, tps_per_unit: 10 }\nimages: [{ share: 1, width: 640, height: 480, size_mb: 0.3 }]\ntraffic: { peak_tps: 30 }\n';
const saved = savedResults();

function expectRefused(r: CliResult, pattern: RegExp): void {
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.code).toBe(2);
}

function dirWith(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('--out never replaces an input of the run', () => {
  it('report R.json --out R.json, through a hard link and through a symlink: refused, R.json intact', () => {
    const text = JSON.stringify(saved.plan);
    const dir = dirWith({ 'R.json': text });
    linkSync(join(dir, 'R.json'), join(dir, 'hard.json'));
    for (const out of ['R.json', 'hard.json', './R.json', join(dir, 'R.json')]) {
      expectRefused(
        runCli(['report', 'R.json', '--out', out], { cwd: dir }),
        /is an input of this command \(R\.json\); refusing to overwrite it/,
      );
    }
    expect(readFileSync(join(dir, 'R.json'), 'utf8')).toBe(text);
    expect(readdirSync(dir).sort()).toEqual(['R.json', 'hard.json']);
  });

  it('simulate --backtest --out onto its CloudWatch file or its workload: refused like plain simulate', () => {
    const dir = tempDir();
    for (const f of ['backtest.yaml', 'backtest.json']) copyFileSync(join(ROOT, 'test/fixtures/cloudwatch', f), join(dir, f));
    const before = readFileSync(join(dir, 'backtest.json'), 'utf8');
    const cw = (readFileSync(join(dir, 'backtest.yaml'), 'utf8').match(/cloudwatch: *([^\s}]+)/) ?? [])[1] ?? 'backtest.json';
    for (const out of [cw, 'backtest.yaml']) {
      expectRefused(runCli(['simulate', 'backtest.yaml', '--backtest', '--out', out], { cwd: dir }), /is an input of this command/);
    }
    expect(readFileSync(join(dir, 'backtest.json'), 'utf8')).toBe(before);
  });

  it('plan and gate --out onto the price cache they read: refused', () => {
    const cache = {
      schema: 'capacity-plan/prices@1',
      fetchedAt: '2026-01-01T00:00:00.000Z',
      source: 'test',
      entries: {},
      skus: [],
      ambiguous: [],
    };
    const dir = dirWith({ 'w.yaml': WORKLOAD, 'prices.json': JSON.stringify(cache) });
    const env = { CAPACITY_PLAN_PRICE_CACHE: join(dir, 'prices.json') };
    expectRefused(runCli(['plan', 'w.yaml', '--out', 'prices.json'], { cwd: dir, env }), /prices\.json: is an input of this command/);
    expectRefused(runCli(['gate', 'w.yaml', '--out-json', 'prices.json'], { cwd: dir, env }), /prices\.json: is an input of this command/);
    expect(JSON.parse(readFileSync(join(dir, 'prices.json'), 'utf8'))).toEqual(cache);
  });

  it('gate --baseline B --out-markdown B: refused (the baseline is an input)', () => {
    const dir = dirWith({ 'w.yaml': WORKLOAD });
    expect(runCli(['plan', 'w.yaml', '-f', 'json', '--out', 'b.json'], { cwd: dir }).code).toBe(0);
    const before = readFileSync(join(dir, 'b.json'), 'utf8');
    linkSync(join(dir, 'b.json'), join(dir, 'b2.json'));
    expectRefused(
      runCli(['gate', 'w.yaml', '--baseline', 'b.json', '--out-markdown', 'b2.json'], { cwd: dir }),
      /b2\.json: is an input of this command/,
    );
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).toBe(before);
  });
});

describe('--out never writes through a symlink at the output path', () => {
  const outputs: Array<[string, string[]]> = [
    ['plan --out', ['plan', 'w.yaml', '--out', 'link']],
    ['gate --out', ['gate', 'w.yaml', '--out', 'link']],
    ['gate --out-markdown', ['gate', 'w.yaml', '--out-markdown', 'link']],
    ['gate --out-json', ['gate', 'w.yaml', '--out-json', 'link']],
    ['report --out', ['report', 'r.json', '--out', 'link']],
  ];
  it.each(outputs)('%s: a link to a file outside is refused and the file outside is untouched', (_, args) => {
    const outside = dirWith({ 'victim.txt': 'keep me' });
    const dir = dirWith({ 'w.yaml': WORKLOAD, 'r.json': JSON.stringify(saved.plan) });
    symlinkSync(join(outside, 'victim.txt'), join(dir, 'link'));
    expectRefused(runCli(args, { cwd: dir }), /link: is a symbolic link; refusing to write through it/);
    expect(readFileSync(join(outside, 'victim.txt'), 'utf8')).toBe('keep me');
  });

  it('a dangling link and a link to a folder are refused too; a link to a device (/dev/stdout) is written through', () => {
    const dir = dirWith({ 'w.yaml': WORKLOAD });
    symlinkSync(join(dir, 'nowhere', 'x'), join(dir, 'dangling'));
    symlinkSync('/tmp', join(dir, 'folder'));
    expectRefused(runCli(['plan', 'w.yaml', '--out', 'dangling'], { cwd: dir }), /dangling: is a symbolic link/);
    expectRefused(runCli(['plan', 'w.yaml', '--out', 'folder'], { cwd: dir }), /folder: is a symbolic link/);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
    const r = runCli(['plan', 'w.yaml', '-f', 'json', '--out', '/dev/stdout'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).schema).toBe('capacity-plan/plan@3');
  });
});

describe('a long measurement keeps its result when its output cannot be written', () => {
  it('writeResultOrKeep: a folder at the path keeps the result in a side file it names', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'r.json'));
    const err = await writeResultOrKeep(join(dir, 'r.json'), '{"measured": true}').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const side = /the result is kept in (\S+)$/.exec((err as Error).message)?.[1];
    expect(side, (err as Error).message).toBeDefined();
    expect(readFileSync(side!, 'utf8')).toBe('{"measured": true}');
  });

  it('writeResultOrKeep: /dev/full keeps it too; a writable path is written as usual', async () => {
    const err = await writeResultOrKeep('/dev/full', '{"measured": 2}').catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^\/dev\/full: cannot write: ENOSPC; the result is kept in /);
    const dir = tempDir();
    await writeResultOrKeep(join(dir, 'ok.json'), '{}');
    expect(readFileSync(join(dir, 'ok.json'), 'utf8')).toBe('{}');
  });

  it('checkOutputPath refuses before any work: an input, a symlink, a read-only file; accepts a new path', async () => {
    const dir = dirWith({ 'img.jpg': 'x', 'ro.json': '{}' });
    chmodSync(join(dir, 'ro.json'), 0o444);
    symlinkSync(join(dir, 'img.jpg'), join(dir, 'link.json'));
    await expect(checkOutputPath(join(dir, 'img.jpg'), { inputs: [join(dir, 'img.jpg')] })).rejects.toThrow(/is an input of this command/);
    await expect(checkOutputPath(join(dir, 'link.json'))).rejects.toThrow(/is a symbolic link/);
    await expect(checkOutputPath(join(dir, 'ro.json'))).rejects.toThrow(/is read-only/);
    await expect(checkOutputPath(join(dir, 'new.json'))).resolves.toBeUndefined();
  });

  it('bench refuses an --out that is a symlink before it measures anything', () => {
    const outside = dirWith({ 'victim.json': 'keep' });
    const dir = tempDir();
    symlinkSync(join(outside, 'victim.json'), join(dir, 'r.json'));
    const r = runCli(['bench', '--quick', '--out', 'r.json'], { cwd: dir });
    expectRefused(r, /r\.json: is a symbolic link; refusing to write through it/);
    expect(readFileSync(join(outside, 'victim.json'), 'utf8')).toBe('keep');
  });

  it('bench refuses an --out onto one of the photos of its images_dir', async () => {
    const dir = tempDir();
    await writeTextImages(dir, 'photos', { width: 320, height: 240, sizeMb: 0.05, objects: 0, count: 1 });
    const photo = readdirSync(join(dir, 'photos'))[0]!;
    writeFileSync(join(dir, 'suite.yaml'), 'version: 1\nmodels: [ocr-cls]\nconditions: { images_dir: photos }\n');
    const before = readFileSync(join(dir, 'photos', photo));
    const r = runCli(['bench', 'suite.yaml', '--out', `photos/${photo}`], { cwd: dir });
    expectRefused(r, /input/);
    expect(readFileSync(join(dir, 'photos', photo))).toEqual(before);
  });
});
