import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

describe('capacity-plan CLI', () => {
  it('prints help with exit codes', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Exit codes:');
  });
  it('rejects an unknown command with exit 2', () => {
    const r = runCli(['frobnicate']);
    expect(r.code).toBe(2);
  });
});
