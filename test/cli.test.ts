import { describe, expect, it } from 'vitest';
import { COMMAND_EXIT_CODES } from '../src/cli.js';
import { runCli, tempDir } from './helpers/cli.js';
import { writeWorkload } from './helpers/gate-workloads.js';

const listed = (help: string) => [...(help.split('Exit codes:')[1] ?? '').matchAll(/^ {2}(\d+) /gm)].map((m) => Number(m[1]));

describe('capacity-plan CLI', () => {
  it('prints help with exit codes', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(listed(r.stdout)).toEqual([0, 1, 2, 3, 130]);
  });
  it('rejects an unknown command with exit 2', () => {
    const r = runCli(['frobnicate']);
    expect(r.code).toBe(2);
  });
});

describe('every help text lists the exit codes its command can return', () => {
  const help = runCli(['--help']).stdout;
  const commands = [...help.split('Commands:')[1]!.matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');

  it('every command has a list, and the help shows it', () => {
    expect(commands.sort()).toEqual(Object.keys(COMMAND_EXIT_CODES).sort());
    for (const c of commands) expect(listed(runCli([c, '--help']).stdout), c).toEqual(COMMAND_EXIT_CODES[c]);
  });

  it('1 is listed only by gate, loadtest and inspect, and gate does return it', () => {
    for (const c of commands) expect(COMMAND_EXIT_CODES[c]!.includes(1), c).toBe(c === 'gate' || c === 'loadtest' || c === 'inspect');
    const dir = tempDir();
    const f = writeWorkload(dir, { name: 'w', peakTps: 30, budget: ['monthly_usd: 1'] });
    expect(runCli(['gate', f], { cwd: dir }).code).toBe(1);
  });

  it('130 is listed only by the commands that measure (bench, demo, loadtest)', () => {
    for (const c of commands) expect(COMMAND_EXIT_CODES[c]!.includes(130), c).toBe(c === 'bench' || c === 'demo' || c === 'loadtest');
  });

  it('every command returns 2 for a usage error, as listed', () => {
    for (const c of commands) {
      expect(COMMAND_EXIT_CODES[c], c).toContain(2);
      expect(runCli([c, '--no-such-flag']).code, c).toBe(2);
    }
  });
});
