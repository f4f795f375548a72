import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { colorFor } from '../../src/report/format.js';
import { BIN, runCli, runCliInTerminal, tempDir } from '../helpers/cli.js';

/**
 * The process's surroundings (issue "Hardening II", class 9): output that cannot be written is
 * exit 2, never a silent 0; colour only on a terminal, NO_COLOR first; usage errors are one line.
 */

const ANSI = /\u001b\[/;
const dir = tempDir();
writeFileSync(
  join(dir, 'w.yaml'),
  'version: 1\nname: w\nprice_per_unit_hour: 1\nmodel: { task: classification, tps_per_unit: 10 }\nimages: [{ share: 1, width: 640, height: 480, size_mb: 0.3 }]\ntraffic: { peak_tps: 30 }\n',
);

/** Runs the CLI under sh with `redirects` (e.g. `>&-`). */
function sh(args: string, redirects: string, env: Record<string, string> = {}) {
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" ${args} ${redirects}`], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('output that cannot be written is exit 2', () => {
  it('stdout closed (>&-): exit 2 with one line on stderr, for every command that prints', () => {
    for (const args of ['plan w.yaml', 'gate w.yaml', 'validate w.yaml', 'simulate w.yaml', '--version']) {
      const r = sh(args, '>&-');
      expect(r.code, args).toBe(2);
      expect(r.stderr).toBe('capacity-plan: stdout: cannot write: it is closed\n');
    }
  });

  it('stderr closed (2>&-): exit 2, even when the run itself succeeds', () => {
    expect(sh('plan w.yaml', '2>&- >/dev/null').code).toBe(2);
    expect(sh('plan nope.yaml', '2>&-').code).toBe(2);
  });

  it('redirects to /dev/null are not closed streams: exit 0', () => {
    expect(sh('plan w.yaml', '>/dev/null 2>/dev/null').code).toBe(0);
    expect(sh('plan w.yaml --out p.txt', '>/dev/null').code).toBe(0);
  });

  it('a full disk on stdout (/dev/full) and a gate that fails stay distinct: 2, not 1', () => {
    writeFileSync(
      join(dir, 'b.yaml'),
      'version: 1\nname: b\nprice_per_unit_hour: 1\nmodel: { task: classification, tps_per_unit: 10 }\nimages: [{ share: 1, width: 640, height: 480, size_mb: 0.3 }]\ntraffic: { peak_tps: 30 }\nbudget: { monthly_usd: 1 }\n',
    );
    expect(sh('gate b.yaml', '>/dev/null').code).toBe(1);
    expect(sh('gate b.yaml', '>/dev/full').code).toBe(2);
  });
});

describe('colour', () => {
  it('a pipe is never coloured, whatever FORCE_COLOR says', () => {
    for (const force of ['1', '2', '3', 'true'])
      expect(runCli(['plan', 'w.yaml'], { cwd: dir, env: { NO_COLOR: undefined, FORCE_COLOR: force } }).stdout).not.toMatch(ANSI);
  });

  it('on a terminal: coloured, unless NO_COLOR (which wins over FORCE_COLOR) or FORCE_COLOR=0', () => {
    expect(runCliInTerminal(['plan', 'w.yaml'], { cwd: dir }).stdout).toMatch(ANSI);
    expect(runCliInTerminal(['plan', 'w.yaml'], { cwd: dir, env: { NO_COLOR: '1', FORCE_COLOR: '3' } }).stdout).not.toMatch(ANSI);
    expect(runCliInTerminal(['plan', 'w.yaml'], { cwd: dir, env: { FORCE_COLOR: '0' } }).stdout).not.toMatch(ANSI);
  });

  it('colorFor: the whole decision table', () => {
    const level = (isTTY: boolean, env: NodeJS.ProcessEnv) => colorFor({ isTTY }, env).level;
    expect(level(true, {})).toBe(1);
    expect(level(true, { NO_COLOR: '' })).toBe(1);
    expect(level(true, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(0);
    expect(level(true, { FORCE_COLOR: 'false' })).toBe(0);
    expect(level(false, { FORCE_COLOR: '1' })).toBe(0);
    expect(level(false, {})).toBe(0);
  });
});

describe('usage errors', () => {
  it('an unknown option, a bad choice, a missing argument: one line, exit 2', () => {
    for (const args of [['plan', 'w.yaml', '--nope'], ['plan', 'w.yaml', '-f', 'pdf'], ['plan'], ['nope']]) {
      const r = runCli(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^capacity-plan: /);
    }
  });
});
