import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeProjectsCommand,
  DescribeProjectVersionsCommand,
  DetectCustomLabelsCommand,
  RekognitionClient,
} from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { writeTextImages } from '../helpers/loadtest-images.js';
import { constantOutputsModel, writeModel } from '../helpers/onnx-graphs.js';
import { runCliAsync, startServe, type ServeProcess } from '../helpers/processes.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ARN = 'arn:aws:rekognition:us-east-1:000000000000:project/shelf/version/shelf.2026-01-01T00.00.00/1';

/** The real SDK client, pointed at the local endpoint with static test credentials and no retries. */
function client(url: string): RekognitionClient {
  return new RekognitionClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

describe('capacity-plan serve (a real process, the real AWS SDK client)', () => {
  let dir: string;
  let images: string;
  beforeAll(async () => {
    dir = tempDir();
    images = await writeTextImages(dir, 'imgs', { width: 640, height: 480, sizeMb: 0.1, objects: 3, count: 1 });
  });

  describe('one ocr-cls unit, no queue', () => {
    let serve: ServeProcess;
    let rek: RekognitionClient;
    beforeAll(async () => {
      serve = await startServe(['--units', '1', '--model', 'ocr-cls', '--project-version-arn', ARN]);
      rek = client(serve.url);
    });
    afterAll(async () => {
      rek?.destroy();
      const end = await serve?.stop();
      expect(end?.code).toBe(0);
      expect(end?.stderr).toMatch(/^stopped: \d+ answered, [1-9]\d* throttled, 4 failed$/m);
    });

    it('describes a RUNNING model with Min = Max = the units', async () => {
      const projects = await rek.send(new DescribeProjectsCommand({ ProjectNames: ['shelf'] }));
      const projectArn = projects.ProjectDescriptions![0]!.ProjectArn!;
      expect(projectArn).toMatch(/:project\/shelf\/\d+$/);
      const versions = await rek.send(
        new DescribeProjectVersionsCommand({ ProjectArn: projectArn, VersionNames: ['shelf.2026-01-01T00.00.00'] }),
      );
      const v = versions.ProjectVersionDescriptions![0]!;
      expect(v).toMatchObject({ Status: 'RUNNING', MinInferenceUnits: 1, MaxInferenceUnits: 1 });
      expect(v.CreationTimestamp).toBeInstanceOf(Date);
    });

    it("answers DetectCustomLabels with the classifier's two classes, confidences from its softmax", async () => {
      const out = await rek.send(
        new DetectCustomLabelsCommand({ ProjectVersionArn: ARN, Image: { Bytes: readFileSync(join(images, 'img-0.jpg')) } }),
      );
      const labels = out.CustomLabels!;
      expect(new Set(labels.map((l) => l.Name)).size).toBe(2); // one label per class
      expect(labels[0]!.Confidence!).toBeGreaterThanOrEqual(labels[1]!.Confidence!);
      expect(labels[0]!.Confidence! + labels[1]!.Confidence!).toBeCloseTo(100, 3);
      expect(labels.every((l) => l.Geometry === undefined)).toBe(true);
      const top = await rek.send(
        new DetectCustomLabelsCommand({ ProjectVersionArn: ARN, Image: { Bytes: readFileSync(join(images, 'img-0.jpg')) }, MaxResults: 1 }),
      );
      expect(top.CustomLabels).toHaveLength(1);
    });

    it('throttles with ProvisionedThroughputExceededException (HTTP 400, AWS JSON error) when the unit is busy', async () => {
      // A 4K image keeps the unit busy decoding for tens of milliseconds (more on a loaded machine),
      // far longer than the client takes to send the next call, so the calls overlap however busy
      // the machine is; a small image can be served before a starved client sends the next one.
      const big = await writeTextImages(dir, 'big', { width: 3840, height: 2160, sizeMb: 1.5, objects: 3, count: 1 });
      const bytes = readFileSync(join(big, 'img-0.jpg'));
      const calls = Array.from({ length: 8 }, () =>
        rek.send(new DetectCustomLabelsCommand({ ProjectVersionArn: ARN, Image: { Bytes: bytes } })).then(
          () => 'ok',
          (e: { name: string; $metadata: { httpStatusCode: number } }) => `${e.name} ${e.$metadata.httpStatusCode}`,
        ),
      );
      const outcomes = await Promise.all(calls);
      expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThanOrEqual(1);
      expect(outcomes).toContain('ProvisionedThroughputExceededException 400');
      const raw = await fetch(serve.url, {
        method: 'POST',
        headers: { 'X-Amz-Target': 'RekognitionService.DetectCustomLabels' },
        body: '{"ProjectVersionArn": "x"}',
      });
      expect(raw.status).toBe(400);
      expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.1');
      expect(raw.headers.get('x-amzn-errortype')).toBe('ValidationException');
      expect(await raw.json()).toMatchObject({ __type: 'ValidationException', Code: 'ValidationException' });
    });

    it('refuses images of 4 MB or more, and what it cannot decode, as the service does', async () => {
      const big = Buffer.alloc(4_000_000, 1);
      await expect(rek.send(new DetectCustomLabelsCommand({ ProjectVersionArn: ARN, Image: { Bytes: big } }))).rejects.toMatchObject({
        name: 'ImageTooLargeException',
      });
      await expect(
        rek.send(new DetectCustomLabelsCommand({ ProjectVersionArn: ARN, Image: { Bytes: Buffer.from('not an image') } })),
      ).rejects.toMatchObject({ name: 'InvalidImageFormatException' });
      await expect(
        rek.send(new DetectCustomLabelsCommand({ ProjectVersionArn: ARN, Image: { S3Object: { Bucket: 'b', Name: 'k.jpg' } } })),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    });
  });

  it('a detector answers with bounding boxes as fractions of the image', async () => {
    const serve = await startServe(['--model', 'ocr-det', '--queue', '1', '--project-version-arn', ARN]);
    const rek = client(serve.url);
    try {
      const out = await rek.send(
        new DetectCustomLabelsCommand({ ProjectVersionArn: ARN, Image: { Bytes: readFileSync(join(images, 'img-0.jpg')) } }),
      );
      const boxes = out.CustomLabels!.map((l) => l.Geometry!.BoundingBox!);
      expect(boxes.length).toBeGreaterThanOrEqual(1);
      for (const b of boxes) {
        expect(b.Left!).toBeGreaterThanOrEqual(0);
        expect(b.Top!).toBeGreaterThanOrEqual(0);
        expect(b.Left! + b.Width!).toBeLessThanOrEqual(1);
        expect(b.Top! + b.Height!).toBeLessThanOrEqual(1);
        expect(b.Width!).toBeGreaterThan(0);
      }
    } finally {
      rek.destroy();
      expect((await serve.stop()).code).toBe(0);
    }
  });

  it("tells a wrong entry's plausibility warnings once on stderr and in DescribeProjectVersions' StatusMessage", async () => {
    // An ssd entry on a head whose one box has x2 < x1 (what a raw prior-encoded head gives): every answer holds an empty box.
    const model = writeModel(
      dir,
      'empty-box.onnx',
      constantOutputsModel({ shape: [1, 3, 32, 32] }, [
        { name: 'boxes', dims: [1, 1, 4], values: [0.6, 0.2, 0.1, 0.8] },
        { name: 'scores', dims: [1, 1, 2], values: [0.1, 0.9] },
      ]),
    );
    const suite = join(dir, 'empty-box.yaml');
    writeFileSync(
      suite,
      `version: 1\nmodels:\n  - name: wrong\n    task: detection\n    path: ${model}\n    input: { width: 32, height: 32 }\n    output: { format: ssd, background_class: 0 }\n`,
    );
    const serve = await startServe(['--suite', suite, '--model', 'wrong', '--project-version-arn', ARN]);
    const rek = client(serve.url);
    try {
      for (let i = 0; i < 2; i++)
        await rek.send(
          new DetectCustomLabelsCommand({ ProjectVersionArn: ARN, Image: { Bytes: readFileSync(join(images, 'img-0.jpg')) } }),
        );
      const projectArn = ARN.replace(/\/version\/[^/]+\/(\d+)$/, '/$1');
      const versions = await rek.send(new DescribeProjectVersionsCommand({ ProjectArn: projectArn }));
      expect(versions.ProjectVersionDescriptions![0]!.StatusMessage).toMatch(
        /^The model is running \(capacity-plan serve\)\. Its outputs look wrong: implausible output \[empty-box\]/,
      );
    } finally {
      rek.destroy();
      const end = await serve.stop();
      expect(end.code).toBe(0);
      expect(end.stderr.match(/^warning: implausible output \[empty-box\] .*$/gm)).toHaveLength(1);
    }
  });

  it('names a host it cannot bind or resolve in one line (the loopback warning comes only once it listens)', async () => {
    // 192.0.2.1 (TEST-NET-1) is on no interface here: the bind fails, nothing is ever sent.
    const r = await runCliAsync(['serve', '--host', '192.0.2.1', '--port', '0'], { timeoutMs: 30_000 });
    expect(r.stderr.trim()).toBe('capacity-plan: cannot listen on 192.0.2.1:0: EADDRNOTAVAIL');
    expect(r.code).toBe(2);
    // .invalid never resolves (RFC 2606).
    const r2 = await runCliAsync(['serve', '--host', 'no-such-host.invalid', '--port', '0'], { timeoutMs: 30_000 });
    expect(r2.code).toBe(2);
    expect(r2.stderr.trim()).toMatch(/^capacity-plan: --host: cannot resolve 'no-such-host\.invalid': [A-Z_]+$/);
  });

  it('refuses an unknown model in one line', async () => {
    const r = await runCliAsync(['serve', '--model', 'nope'], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("capacity-plan: unknown built-in model 'nope'; built-in models: ocr-det, ocr-cls");
  });
});
