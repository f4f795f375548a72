import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempDir } from '../helpers/cli.js';
import { product, startPriceListServer } from '../helpers/price-list-server.js';

// Static test credentials, and no instance-metadata look-up: the SDK talks to 127.0.0.1 only.
const AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_PROFILE: undefined,
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
};

/** The CLI in a child process without blocking this one, which serves the API. */
function runCliAsync(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  const full: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env };
  for (const k of Object.keys(full)) if (full[k] === undefined) delete full[k];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: full as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const inference = (sku: string, region: string, usd: string) =>
  product(
    sku,
    { regionCode: region, usagetype: `${region}-CustomLabels-InferenceHour` },
    'Hrs',
    usd,
    `Custom Labels inference hour in ${region}`,
  );

describe('capacity-plan prices against a Price List API on 127.0.0.1', () => {
  let api: Awaited<ReturnType<typeof startPriceListServer>>;
  beforeAll(async () => {
    api = await startPriceListServer([
      [
        inference('A1', 'us-east-1', '4.2500000000'),
        product('T1', { regionCode: 'us-east-1', usagetype: 'USE1-CustomLabels-TrainingHour' }, 'Hrs', '1.0000000000', 'training'),
      ],
      [inference('A2', 'ap-northeast-3', '5.1000000000')],
    ]);
  });
  afterAll(() => api.close());

  it('reads every page through the real SDK client and writes a dated cache that plan then prefers', async () => {
    const dir = tempDir();
    const cache = join(dir, 'prices.json');
    const r = await runCliAsync(['prices', '--endpoint-url', api.url, '--out', cache], AWS_ENV);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('us-east-1        $4.25');
    expect(r.stdout).toContain('2 matching SKUs of 3 products');
    expect(api.requests.map((q) => [q.target, q.body.ServiceCode, q.body.NextToken ?? null])).toEqual([
      ['AWSPriceListService.GetProducts', 'AmazonRekognition', null],
      ['AWSPriceListService.GetProducts', 'AmazonRekognition', '1'],
    ]);
    expect(JSON.parse(readFileSync(cache, 'utf8')).entries['rekognition-custom-labels']).toEqual({
      'ap-northeast-3': 5.1,
      'us-east-1': 4.25,
    });

    // shelf-audit: 2 × 730 h at the cached $4.25 = $6,205; the source names the cache and its date.
    const p = JSON.parse(
      runCli(['plan', 'examples/workloads/shelf-audit.yaml', '-f', 'json'], { env: { CAPACITY_PLAN_PRICE_CACHE: cache } }).stdout,
    ).plans[0];
    expect(p.pricePerUnitHourUsd).toBe(4.25);
    expect(p.costByBasis.min).toBe(6205);
    expect(p.priceSource).toMatch(/^AWS Price List API, fetched \d{4}-\d{2}-\d{2} \(capacity-plan prices\)$/);
    // A region only the cache knows is accepted; price_per_unit_hour still wins.
    const w = join(dir, 'osaka.yaml');
    writeFileSync(w, readFileSync('examples/workloads/shelf-audit.yaml', 'utf8').replace('region: us-east-1', 'region: ap-northeast-3'));
    expect(
      JSON.parse(runCli(['plan', w, '-f', 'json'], { env: { CAPACITY_PLAN_PRICE_CACHE: cache } }).stdout).plans[0].pricePerUnitHourUsd,
    ).toBe(5.1);
    expect(runCli(['plan', w]).code).toBe(2);
  });

  it('without credentials: one line, exit 2, and no request leaves the machine', async () => {
    const before = api.requests.length;
    const r = await runCliAsync(['prices', '--endpoint-url', api.url, '--out', join(tempDir(), 'p.json')], {
      ...AWS_ENV,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      HOME: tempDir(),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^capacity-plan: prices: no AWS credentials found/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(api.requests.length).toBe(before);
  });

  it('a damaged cache is one line naming it', () => {
    const cache = join(tempDir(), 'prices.json');
    writeFileSync(cache, '{"schema": "something-else"}');
    const r = runCli(['plan', 'examples/workloads/shelf-audit.yaml'], { env: { CAPACITY_PLAN_PRICE_CACHE: cache } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `capacity-plan: ${cache}: price cache is not a capacity-plan/prices@1 file (it says "something-else"): run 'capacity-plan prices' again, or delete it to use the built-in table\n`,
    );
  });
});
