import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { GateResult } from '../src/gate/result.js';
import { BIN, ROOT, tempDir } from './helpers/cli.js';
import { workloadYaml } from './helpers/gate-workloads.js';

interface ActionStep {
  name: string;
  id?: string;
  shell: string;
  env: Record<string, string>;
  run: string;
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default: string }>;
  runs: { using: string; steps: ActionStep[] };
};

/**
 * Runs the composite action's bash steps as the runner would: inputs substituted into `env`, a
 * GITHUB_OUTPUT and job summary file, and `npx` resolving to this checkout's CLI.
 */
function runAction(dir: string, inputs: Record<string, string>): { outputs: string; summary: string; logs: string } {
  const bin = join(dir, '.bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'npx'),
    `#!/bin/sh\n[ "$1" = --no-install ] && shift\n[ "$1" = capacity-plan ] && shift\nexec "${process.execPath}" "${BIN}" "$@"\n`,
  );
  chmodSync(join(bin, 'npx'), 0o755);
  const files = { GITHUB_OUTPUT: join(dir, 'output.txt'), GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), RUNNER_TEMP: dir };
  for (const f of [files.GITHUB_OUTPUT, files.GITHUB_STEP_SUMMARY]) writeFileSync(f, '');
  let logs = '';
  for (const step of action.runs.steps) {
    const env: Record<string, string> = { PATH: `${bin}:${process.env.PATH}`, HOME: dir, NO_COLOR: '1', ...files };
    for (const [k, v] of Object.entries(step.env ?? {})) {
      env[k] = v.replace(/\$\{\{ inputs\.([\w-]+) \}\}/g, (_, name: string) => inputs[name] ?? action.inputs[name]!.default);
    }
    const r = spawnSync('bash', ['-e', '-c', step.run], { cwd: dir, env, encoding: 'utf8' });
    logs += r.stdout + r.stderr;
    if (r.status !== 0) throw new Error(`step '${step.name}' exited ${r.status}: ${logs}`);
  }
  return { outputs: readFileSync(files.GITHUB_OUTPUT, 'utf8'), summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'), logs };
}

describe('action.yml (composite)', () => {
  it('plans the base branch, gates once, and writes annotations, summary, comment and JSON', () => {
    const dir = tempDir('action-');
    mkdirSync(join(dir, 'base', 'workloads'), { recursive: true });
    mkdirSync(join(dir, 'workloads'));
    writeFileSync(
      join(dir, 'base', 'workloads', 'shelf.yaml'),
      workloadYaml({ name: 'shelf', peakTps: 30, budget: ['max_increase_pct: 10'] }),
    );
    writeFileSync(join(dir, 'workloads', 'shelf.yaml'), workloadYaml({ name: 'shelf', peakTps: 50, budget: ['max_increase_pct: 10'] }));
    const r = runAction(dir, { args: '--max-monthly-cost 100000' });
    expect(action.runs.using).toBe('composite');
    expect(r.outputs).toContain('code=1'); // Max 4 → 7 units: +75%, over +10%
    expect(r.logs).toMatch(/^::error file=workloads\/shelf\.yaml,line=\d+/m);
    expect(r.summary).toContain('capacity-plan gate failed');
    expect(readFileSync(join(dir, 'gate-comment.md'), 'utf8')).toContain('<!-- capacity-plan-gate -->');
    const json = JSON.parse(readFileSync(join(dir, 'gate.json'), 'utf8')) as GateResult;
    expect(json.workloads[0]).toMatchObject({ name: 'shelf', change: 'changed' });
  });

  it('a workload renamed in place (no id) is matched by its path, so its cost rise fails the gate', () => {
    const dir = tempDir('action-rename-');
    mkdirSync(join(dir, 'base', 'workloads'), { recursive: true });
    mkdirSync(join(dir, 'workloads'));
    // 30 → 33 TPS: Max 4 → 5 units at $730 each (+25%), the budget allows +5%; the name changes too.
    writeFileSync(
      join(dir, 'base', 'workloads', 'shelf.yaml'),
      workloadYaml({ name: 'shelf', peakTps: 30, budget: ['max_increase_pct: 5'] }),
    );
    writeFileSync(
      join(dir, 'workloads', 'shelf.yaml'),
      workloadYaml({ name: 'shelf-audit', peakTps: 33, budget: ['max_increase_pct: 5'] }),
    );
    const r = runAction(dir, {});
    expect(r.outputs).toContain('code=1');
    const json = JSON.parse(readFileSync(join(dir, 'gate.json'), 'utf8')) as GateResult;
    expect(json.workloads).toHaveLength(1);
    expect(json.workloads[0]).toMatchObject({
      name: 'shelf-audit',
      previousName: 'shelf',
      matchedBy: 'file',
      change: 'renamed',
      status: 'fail',
    });
    expect(json.workloads[0]!.rules[0]).toMatchObject({ id: 'max_increase_pct', status: 'fail', actual: 25 });
  });

  it('the example workflow uses it, with inputs it declares', () => {
    const workflow = parse(readFileSync(join(ROOT, 'examples', 'github-actions', 'capacity-gate.yml'), 'utf8')) as {
      jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }>;
    };
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const gate = steps.find((s) => s.uses?.startsWith('capacity-plan/capacity-plan@'));
    expect(gate).toBeDefined();
    for (const name of Object.keys(gate!.with ?? {})) expect(Object.keys(action.inputs)).toContain(name);
    // The gate runs once: no step runs `capacity-plan gate` itself.
    expect(JSON.stringify(steps)).not.toContain('capacity-plan gate');
  });
});
