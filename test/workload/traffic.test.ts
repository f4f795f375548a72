import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

// Peak and baseline TPS are decided in one place (src/workload/traffic.ts) for every command;
// these golden files hold the figures each command must keep giving for the example workloads.

const expected = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'expected', `${name}.json`), 'utf8'));

describe('one traffic resolver: plan, simulate and gate give the figures they gave before', () => {
  for (const fixture of ['storefront-trace', 'storefront-profile']) {
    const file = `examples/workloads/${fixture}.yaml`;
    it(`${fixture}: plan`, () => {
      const r = runCli(['plan', file, '-f', 'json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(expected(`plan-${fixture}`));
    });
    it(`${fixture}: simulate`, () => {
      const r = runCli(['simulate', file, '-f', 'json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(expected(`simulate-${fixture}`));
    });
    it(`${fixture}: gate`, () => {
      const r = runCli(['gate', file, '-f', 'json', '--max-monthly-cost', '5000']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toEqual(expected(`gate-${fixture}`));
    });
  }
});

describe('validate reads the trace, as plan does', () => {
  const workload = (dir: string, trace: string) => {
    const file = join(dir, 'w.yaml');
    writeFileSync(
      file,
      `version: 1\nname: t\nmodel:\n  task: classification\n  tps_per_unit: 10\nimages:\n  - {share: 1, width: 640, height: 480, size_mb: 0.2}\ntraffic:\n  trace: ${trace}\n`,
    );
    return file;
  };

  it('a good trace: ok', () => {
    const r = runCli(['validate', 'examples/workloads/storefront-trace.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('examples/workloads/storefront-trace.yaml: ok\n');
  });

  it('bad trace rows: every one as trace-file:line, exit 2', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 't.csv'), 'timestamp,rps\n2025-03-03T00:00:00Z,4\n2025-03-03T00:01:00Z,lots\n2025-03-03T00:01:30Z,3\n');
    const r = runCli(['validate', workload(dir, 't.csv')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `${join(dir, 't.csv')}:3: rps must be a number 0 or more, got 'lots'`,
      `${join(dir, 't.csv')}:4: timestamp 2025-03-03T00:01:30Z is 90 s after the row before: rows must be whole minutes apart`,
    ]);
  });

  it('a missing trace: at the workload line of traffic.trace; the other files are still checked', () => {
    const dir = tempDir();
    const r = runCli(['validate', workload(dir, 'nope.csv'), 'examples/workloads/shelf-audit.yaml'], { cwd: ROOT });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('examples/workloads/shelf-audit.yaml: ok\n');
    expect(r.stderr).toBe(`${join(dir, 'w.yaml')}:9:10: traffic.trace: ${join(dir, 'nope.csv')}: trace file not found\n`);
  });

  it('a trace with a header only: exit 2 at the header line', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 't.csv'), 'timestamp,rps\n');
    const r = runCli(['validate', workload(dir, 't.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${join(dir, 't.csv')}:1: trace has a header but no rows\n`);
  });
});
