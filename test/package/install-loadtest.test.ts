import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs shared with the install-size benchmark
import { consumerInstall } from '../../benchmarks/lib.mjs';
import { startServe, type ServeProcess } from '../helpers/processes.js';

interface Consumer {
  dir: string;
  project: string;
  run(args: string[], env?: Record<string, string>): { code: number; stdout: string; stderr: string };
}

/**
 * `loadtest` as a user against AWS installs it: the packed tarball plus the AWS SDK's Rekognition
 * client, nothing of the measurement stack. It runs against a `serve` fleet on loopback (serve
 * itself runs from this checkout, where the stack is installed).
 */
describe('installed with only @aws-sdk/client-rekognition added', () => {
  let c: Consumer;
  let serve: ServeProcess;
  beforeAll(async () => {
    const sdk = JSON.parse(readFileSync('node_modules/@aws-sdk/client-rekognition/package.json', 'utf8')) as { version: string };
    c = consumerInstall({ extra: [`@aws-sdk/client-rekognition@${sdk.version}`] }) as Consumer;
    serve = await startServe(['--units', '1', '--model', 'ocr-cls']);
  }, 600_000);
  afterAll(async () => {
    await serve?.stop();
    if (c) rmSync(c.dir, { recursive: true, force: true });
  });

  it('loadtest --endpoint finds a throttling point and writes its result, with no sharp or onnxruntime installed', async () => {
    for (const name of ['sharp', 'onnxruntime-node', 'simple-statistics'])
      expect(existsSync(join(c.project, 'node_modules', name)), name).toBe(false);
    const images = join(c.project, 'imgs');
    mkdirSync(images);
    await sharp({ create: { width: 320, height: 240, channels: 3, background: '#808080' } })
      .jpeg()
      .toFile(join(images, 'a.jpg'));
    await sharp({ create: { width: 200, height: 200, channels: 3, background: '#404040' } })
      .png()
      .toFile(join(images, 'b.png'));
    const r = c.run([
      'loadtest',
      '--endpoint',
      serve.url,
      '--images',
      'imgs',
      '--start',
      '20',
      '--step-s',
      '1',
      '--warmup-s',
      '0.5',
      '--max-steps',
      '4',
      '--out',
      'lt.json',
      '-f',
      'json',
    ]);
    expect(r.stderr).not.toMatch(/needs|not installed|Cannot find module/);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(c.project, 'lt.json'), 'utf8'));
    expect(result).toMatchObject({
      schema: 'capacity-plan/loadtest@2',
      images: { count: 2, formats: ['jpeg', 'png'], meanWidth: 260, meanHeight: 220 },
    });
    expect(result.steps.length).toBeGreaterThan(0);
  }, 300_000);
});
