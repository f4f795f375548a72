import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from './helpers/cli.js';

const SHELF = 'examples/workloads/shelf-audit.yaml';

describe('the CLI bundle', () => {
  it('runs in strict mode, as the ES modules it is built from (the directive comes before anything else)', () => {
    for (const file of ['cli.cjs', 'launcher.cjs']) expect(readFileSync(join(ROOT, 'dist', file), 'utf8')).toMatch(/^'use strict';/);
  });
});

describe('the capacity-plan command starts the CLI bundle through the code cache', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one cache per command on the first run and prints the same with it, byte for byte', () => {
    dir = tempDir();
    const env = { NODE_COMPILE_CACHE: dir };
    const args = ['plan', SHELF, '-f', 'json'];
    const fresh = runCli(args, { env });
    expect(fresh.code).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.v8cache'))).toEqual([expect.stringMatching(/^capacity-plan-v8-.*-plan--[0-9a-f]{16}\.\d+\.\d+\.v8cache$/)]);
    const cached = runCli(args, { env });
    expect(cached).toEqual(fresh);
    const uncached = runCli(args, { env: { NODE_DISABLE_COMPILE_CACHE: '1' } });
    expect(uncached).toEqual(fresh);

    // An error and its exit code come out the same through the cache.
    const bad = runCli(['plan', 'test/fixtures/bad/bytes-4mb.yaml'], { env });
    expect(bad.code).toBe(2);
    expect(runCli(['plan', 'test/fixtures/bad/bytes-4mb.yaml'], { env })).toEqual(bad);
    expect(readdirSync(dir).filter((f) => f.endsWith('.v8cache'))).toHaveLength(1);

    runCli(['--version'], { env });
    expect(readdirSync(dir).filter((f) => f.endsWith('.v8cache'))).toHaveLength(2);
  });

  it('loads an optional package at run time on a cached start as on the first (prices\' AWS SDK)', () => {
    dir = tempDir();
    // No credentials anywhere: the SDK loads, then stops before any request (no endpoint is listening anyway).
    const env = {
      NODE_COMPILE_CACHE: dir,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      HOME: dir,
    };
    const args = ['prices', '--endpoint-url', 'http://127.0.0.1:9', '--out', join(dir, 'p.json')];
    const first = runCli(args, { env });
    expect(first.stderr).toMatch(/^capacity-plan: prices: no AWS credentials found/);
    expect(readdirSync(dir).filter((f) => f.includes('-prices--'))).toHaveLength(1);
    expect(runCli(args, { env })).toEqual(first);
  });

  it('writes nothing when NODE_DISABLE_COMPILE_CACHE is set', () => {
    dir = tempDir();
    const r = runCli(['plan', SHELF], { env: { NODE_COMPILE_CACHE: join(dir, 'cache'), NODE_DISABLE_COMPILE_CACHE: '1' } });
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });
});
