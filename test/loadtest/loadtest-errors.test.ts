import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readLoadtestResult } from '../../src/contracts/read-result.js';
import { tempDir } from '../helpers/cli.js';
import { runCliAsync } from '../helpers/processes.js';

/**
 * A hand-made endpoint on loopback speaking the AWS JSON 1.1 protocol, for the faults serve never
 * shows: access denied, a stopped model, autoscaling Min/Max, a storm of 5xx, throttling on every call.
 */
interface FakeBehaviour {
  describe: { error?: string; status?: string; min?: number; max?: number };
  /** Answer to the n-th DetectCustomLabels call (0-based). */
  detect: (n: number) => 'ok' | 'throttle' | '500';
}

let server: Server | undefined;
let calls = 0;

async function fake(b: FakeBehaviour): Promise<string> {
  calls = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      const error = (status: number, type: string, message: string) => send(status, { __type: type, Message: message });
      if (target.endsWith('.DescribeProjects') || target.endsWith('.DescribeProjectVersions')) {
        if (b.describe.error) return error(400, b.describe.error, 'User: arn:aws:iam::000000000000:user/test is not authorized');
        if (target.endsWith('.DescribeProjects'))
          return send(200, {
            ProjectDescriptions: [{ ProjectArn: 'arn:aws:rekognition:us-east-1:000000000000:project/p/1', Status: 'CREATED' }],
          });
        return send(200, {
          ProjectVersionDescriptions: [
            { Status: b.describe.status ?? 'RUNNING', MinInferenceUnits: b.describe.min ?? 1, MaxInferenceUnits: b.describe.max ?? 1 },
          ],
        });
      }
      const answer = b.detect(calls++);
      if (answer === 'ok') return send(200, { CustomLabels: [{ Name: 'x', Confidence: 99 }] });
      if (answer === 'throttle') return error(400, 'ProvisionedThroughputExceededException', 'throughput exceeded');
      return error(500, 'InternalServerError', 'the model crashed');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server?.closeAllConnections();
  server = undefined;
});

describe('loadtest: faults and bad input, one line each', () => {
  let dir: string;
  let images: string;
  const quick = ['--step-s', '0.2', '--warmup-s', '0'];
  beforeAll(async () => {
    dir = tempDir();
    images = join(dir, 'imgs');
    mkdirSync(images);
    await sharp({ create: { width: 320, height: 240, channels: 3, background: '#808080' } })
      .jpeg()
      .toFile(join(images, 'a.jpg'));
  });

  it('an unreachable endpoint', async () => {
    // Port 1 on loopback: nothing listens there.
    const r = await runCliAsync(['loadtest', '--endpoint', 'http://127.0.0.1:1', '--images', images, '--out', join(dir, 'x.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('capacity-plan: cannot reach http://127.0.0.1:1: ECONNREFUSED');
  });

  it('no AWS credentials (checked before any call)', async () => {
    const arn = 'arn:aws:rekognition:eu-west-1:123456789012:project/shelf/version/shelf.2026-01-01T00.00.00/1700000000000';
    const r = await runCliAsync(['loadtest', '--project-version-arn', arn, '--images', images, '--out', join(dir, 'x.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^capacity-plan: no AWS credentials found \(the standard chain/m);
    // The cost guard came first, with the exact commands to start and stop the model.
    expect(r.stderr).toContain(
      `aws rekognition start-project-version --region eu-west-1 --project-version-arn ${arn} --min-inference-units 1`,
    );
    expect(r.stderr).toContain(`aws rekognition stop-project-version --region eu-west-1 --project-version-arn ${arn}`);
    expect(r.stderr).toMatch(
      /12 steps × 33 s = 6\.6 min: 1 unit × 0\.110 h = 0\.110 inference hours ≈ \$0\.44 at \$4\.00 per inference hour/,
    );
  });

  it('AccessDenied', async () => {
    const url = await fake({ describe: { error: 'AccessDeniedException' }, detect: () => 'ok' });
    const r = await runCliAsync(['loadtest', '--endpoint', url, '--images', images, '--out', join(dir, 'x.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `capacity-plan: access denied by ${url}: AccessDeniedException: User: arn:aws:iam::000000000000:user/tes… (the caller needs rekognition:DescribeProjects, rekognition:DescribeProjectVersions and rekognition:DetectCustomLabels)`,
    );
  });

  it('a model that is not RUNNING', async () => {
    const url = await fake({ describe: { status: 'STOPPED' }, detect: () => 'ok' });
    const r = await runCliAsync(['loadtest', '--endpoint', url, '--images', images, '--out', join(dir, 'x.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^capacity-plan: the model is STOPPED, not RUNNING; start it with: aws rekognition start-project-version --region us-east-1 --project-version-arn arn:aws:rekognition:\S+ --min-inference-units 1 --max-inference-units 1$/,
    );
  });

  it('MaxInferenceUnits above MinInferenceUnits: a warning, in the result too', async () => {
    const url = await fake({ describe: { min: 1, max: 3 }, detect: () => 'ok' });
    const out = join(dir, 'autoscale.json');
    const r = await runCliAsync(['loadtest', '--endpoint', url, '--images', images, ...quick, '--max-steps', '2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^capacity-plan: warning: MaxInferenceUnits 3 > MinInferenceUnits 1: autoscaling may add units/m);
    const result = await readLoadtestResult(out);
    expect(result.warnings.some((w) => w.code === 'autoscaling' && w.message.startsWith('MaxInferenceUnits 3 > MinInferenceUnits 1'))).toBe(
      true,
    );
    expect(result).toMatchObject({ stoppedBy: 'max-steps', units: { inService: 1, minInferenceUnits: 1, maxInferenceUnits: 3 } });
  });

  it('a storm of 5xx stops the test with the finished steps kept (exit 1)', async () => {
    const url = await fake({ describe: {}, detect: (n) => (n === 0 ? 'ok' : '500') });
    const out = join(dir, 'storm.json');
    const r = await runCliAsync(['loadtest', '--endpoint', url, '--images', images, ...quick, '--start', '40', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /^capacity-plan: stopped at step 1: 8 of 8 calls failed on the server side or the network \(InternalServerError ×8\); first: .* answered InternalServerError \(HTTP 500\): the model crashed$/m,
    );
    expect(await readLoadtestResult(out)).toMatchObject({ complete: false, stoppedBy: 'server-errors', steps: [{ otherErrors: 8 }] });
  });

  it('throttled calls are never retried: the endpoint sees exactly the calls counted', async () => {
    const url = await fake({ describe: {}, detect: (n) => (n === 0 ? 'ok' : 'throttle') });
    const out = join(dir, 'throttled.json');
    const r = await runCliAsync(['loadtest', '--endpoint', url, '--images', images, ...quick, '--start', '20', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const result = await readLoadtestResult(out);
    expect(result.stoppedBy).toBe('throttled-at-start');
    expect(result.highestCleanTps).toBeNull();
    const sent = result.steps.reduce((a, s) => a + s.sent, 0);
    expect(sent).toBeGreaterThan(0);
    expect(calls).toBe(1 + sent); // the preflight call, then every counted call once
  });

  it('images: 4 MB or more refused with the service limit; a link out of the folder refused', async () => {
    const big = join(dir, 'big');
    mkdirSync(big);
    await sharp({
      create: { width: 1200, height: 1200, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 60 } },
    })
      .png({ compressionLevel: 0 })
      .toFile(join(big, 'huge.png'));
    const r1 = await runCliAsync(['loadtest', '--endpoint', 'http://127.0.0.1:1', '--images', big]);
    expect(r1.code).toBe(2);
    expect(r1.stderr.trim()).toMatch(
      /^capacity-plan: .*huge\.png: the service would refuse it \(ImageTooLargeException\): image is 4\.\d\d MB; DetectCustomLabels takes image bytes under 4\.0 MB$/,
    );

    const escape = join(dir, 'escape');
    mkdirSync(escape);
    writeFileSync(join(dir, 'outside.jpg'), readFileSync(join(images, 'a.jpg')));
    symlinkSync(join(dir, 'outside.jpg'), join(escape, 'link.jpg'));
    const r2 = await runCliAsync(['loadtest', '--endpoint', 'http://127.0.0.1:1', '--images', escape]);
    expect(r2.code).toBe(2);
    expect(r2.stderr.trim()).toMatch(
      /^capacity-plan: .*link\.jpg: (points outside the --images folder; refused|is a symbolic link leading outside its own folder and the working directory; allow its target's folder with --allow-path DIR)$/,
    );
  });

  it('usage: a target and exactly one image source', async () => {
    const r1 = await runCliAsync(['loadtest', '--images', images]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/give --endpoint URL/);
    const r2 = await runCliAsync(['loadtest', '--endpoint', 'http://127.0.0.1:1', '--images', images, '--s3', 's3://b/p']);
    expect(r2.code).toBe(2);
    expect(r2.stderr.trim()).toBe('capacity-plan: give exactly one of --images DIR and --s3 s3://bucket/prefix');
  });
});
