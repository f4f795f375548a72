import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

describe('init', () => {
  it('writes workload.yaml that validate and plan accept', () => {
    const dir = tempDir();
    const r = runCli(['init'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('wrote workload.yaml; next: capacity-plan plan workload.yaml\n');
    const text = readFileSync(join(dir, 'workload.yaml'), 'utf8');
    expect(text).toContain('# yaml-language-server: $schema=');
    expect(runCli(['validate', 'workload.yaml'], { cwd: dir }).code).toBe(0);
    const p = runCli(['plan', 'workload.yaml', '-f', 'json'], { cwd: dir });
    expect(p.code).toBe(0);
    // Starter: 5 TPS × 0.8 = 4; Min = max(2, ceil(4/4) = 1) = 2; Max = ceil(20/4) = 5.
    expect(JSON.parse(p.stdout).plans[0]).toMatchObject({ name: 'my-model', minInferenceUnits: 2, maxInferenceUnits: 5 });
  });

  it('writes to a given name', () => {
    const dir = tempDir();
    expect(runCli(['init', 'mine.yaml'], { cwd: dir }).code).toBe(0);
    expect(runCli(['plan', 'mine.yaml'], { cwd: dir }).code).toBe(0);
  });

  it('refuses to overwrite without --force, and leaves the file alone', () => {
    const dir = tempDir();
    const file = join(dir, 'workload.yaml');
    writeFileSync(file, 'my own work\n');
    const r = runCli(['init'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('capacity-plan: workload.yaml: already exists; pass --force to overwrite\n');
    expect(readFileSync(file, 'utf8')).toBe('my own work\n');
    expect(runCli(['init', '--force'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('name: my-model');
  });

  it('a directory that does not exist is exit 2 with one line', () => {
    const dir = tempDir();
    const r = runCli(['init', 'no/such/dir/w.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('capacity-plan: no/such/dir/w.yaml: cannot write: ENOENT\n');
  });
});
