import { readFileSync } from 'node:fs';
import { request, Agent } from 'node:http';
import {
  DescribeProjectsCommand,
  DescribeProjectVersionsCommand,
  DetectCustomLabelsCommand,
  RekognitionClient,
} from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../helpers/processes.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * `serve` as an attacker and an unlucky client meet it, on 127.0.0.1 only: bodies too large by
 * their header or as they stream, bodies that never end, images that are not JPEG or PNG or are
 * outside the service's sizes (refused from the header, before any decoder), JSON that is not an
 * object or nests deep, names that are not its model's. Every case is answered as the service
 * would answer it, and the fleet still serves the next good call. Bounded in count and time.
 */

const ARN = 'arn:aws:rekognition:eu-central-1:111122223333:project/shelf/version/shelf.2026-01-01T00.00.00/1767225600000';
const PROJECT_ARN = 'arn:aws:rekognition:eu-central-1:111122223333:project/shelf/1767225600000';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTP call; `write` streams the body itself (and may never end it). */
function raw(
  url: string,
  target: string,
  body: string | Buffer | null,
  opts: { headers?: Record<string, string>; write?: (req: ReturnType<typeof request>) => void; agent?: Agent } = {},
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: opts.agent,
        headers: { 'X-Amz-Target': `RekognitionService.${target}`, 'Content-Type': 'application/x-amz-json-1.1', ...opts.headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.write) opts.write(req);
    else req.end(body ?? undefined);
  });
}

const typeOf = (r: Raw) => (JSON.parse(r.body) as { __type: string }).__type;
const detectBody = (bytes: Buffer) => JSON.stringify({ ProjectVersionArn: ARN, Image: { Bytes: bytes.toString('base64') } });

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}

describe('serve: a bounded server (one ocr-cls unit)', () => {
  let serve: ServeProcess;
  let rek: RekognitionClient;
  let good: Buffer;
  beforeAll(async () => {
    serve = await startServe(['--units', '1', '--model', 'ocr-cls', '--project-version-arn', ARN]);
    rek = new RekognitionClient({
      endpoint: serve.url,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    good = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
  });
  afterAll(async () => {
    rek?.destroy();
    const end = await serve?.stop();
    expect(end?.code).toBe(0);
  });

  const answersGood = async () => {
    const out = await rek.send(new DetectCustomLabelsCommand({ ProjectVersionArn: ARN, Image: { Bytes: good } }));
    expect(out.CustomLabels!.length).toBeGreaterThan(0);
  };

  it('a Content-Length over the bound is refused before a byte of the body is read', async () => {
    const r = await raw(serve.url, 'DetectCustomLabels', null, {
      headers: { 'Content-Length': String(100 * 1024 * 1024) },
      write: (req) => req.flushHeaders(),
    });
    expect(r.status).toBe(400);
    expect(r.headers['x-amzn-errortype']).toBe('ImageTooLargeException');
    expect(r.headers.connection).toBe('close');
    const d = await raw(serve.url, 'DescribeProjects', null, {
      headers: { 'Content-Length': String(7 * 1024 * 1024) },
      write: (req) => req.flushHeaders(),
    });
    expect(typeOf(d)).toBe('ValidationException');
  });

  it('an endless chunked body is cut at the bound while it streams', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const r = await raw(serve.url, 'DetectCustomLabels', null, {
      write: (req) => {
        const pump = () => {
          while (!req.destroyed && req.write(chunk));
          if (!req.destroyed) req.once('drain', pump);
        };
        pump();
      },
    }).catch((e: NodeJS.ErrnoException) => ({ status: -1, headers: {}, body: e.code ?? '' }));
    // Answered 400 and closed, or cut (EPIPE/ECONNRESET) while still writing: never buffered to the end.
    expect([400, -1]).toContain(r.status);
    await answersGood();
  });

  it('a 429-byte SVG of 10000x10000 is refused from its magic bytes at once, as are WebP, GIF, TIFF and AVIF', async () => {
    const svg = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="10000" height="10000"><filter id="f"><feTurbulence baseFrequency="0.9" numOctaves="10"/><feGaussianBlur stdDeviation="50"/></filter><rect width="10000" height="10000" filter="url(#f)"/></svg>`.padEnd(
        429,
        ' ',
      ),
    );
    expect(svg.length).toBe(429);
    const base = sharp({ create: { width: 128, height: 128, channels: 3, background: '#336699' } });
    const others = await Promise.all([
      base.clone().webp().toBuffer(),
      base.clone().gif().toBuffer(),
      base.clone().tiff().toBuffer(),
      base.clone().avif().toBuffer(),
    ]);
    for (const bytes of [svg, ...others]) {
      const r = await raw(serve.url, 'DetectCustomLabels', detectBody(bytes));
      expect(r.status).toBe(400);
      expect(r.headers['x-amzn-errortype']).toBe('InvalidImageFormatException');
      expect(JSON.parse(r.body)).toMatchObject({ __type: 'InvalidImageFormatException', Code: 'InvalidImageFormatException' });
    }
    await answersGood();
  });

  it('images outside the service sizes are refused from the header: 32x32, 5000x200, 3000x100', async () => {
    const png = (w: number, h: number) =>
      sharp({ create: { width: w, height: h, channels: 3, background: '#808080' } })
        .png()
        .toBuffer();
    const cases: Array<[number, number, string]> = [
      [32, 32, 'InvalidParameterException'],
      [5000, 200, 'ImageTooLargeException'],
      [3000, 100, 'InvalidParameterException'],
    ];
    for (const [w, h, type] of cases) {
      const r = await raw(serve.url, 'DetectCustomLabels', detectBody(await png(w, h)));
      expect(typeOf(r), `${w}x${h}`).toBe(type);
      expect(JSON.parse(r.body).Message).toContain(`${w}x${h}`);
    }
  });

  it('JSON null, arrays and deep nesting get AWS validation answers, not a 200 or a crash', async () => {
    expect(typeOf(await raw(serve.url, 'DescribeProjectVersions', 'null'))).toBe('ValidationException');
    expect(JSON.parse((await raw(serve.url, 'DescribeProjectVersions', 'null')).body).Message).toBe(
      "1 validation error detected: Value null at 'projectArn' failed to satisfy constraint: Member must not be null",
    );
    expect(typeOf(await raw(serve.url, 'DescribeProjects', '[1,2]'))).toBe('ValidationException');
    expect(typeOf(await raw(serve.url, 'DetectCustomLabels', '[]'))).toBe('ValidationException');
    expect(typeOf(await raw(serve.url, 'DetectCustomLabels', 'null'))).toBe('ValidationException');
    expect(typeOf(await raw(serve.url, 'DescribeProjects', '['.repeat(50_000)))).toBe('SerializationException');
    expect(typeOf(await raw(serve.url, 'DetectCustomLabels', '{"a":' + '['.repeat(50_000)))).toBe('SerializationException');
  });

  it('Describe calls hold the API model: 3.5 million names refused, MaxResults honoured, the ARN asked echoed, others not found', async () => {
    const many = JSON.stringify({ ProjectNames: Array.from({ length: 11 }, (_, i) => `p${i}`) });
    expect(typeOf(await raw(serve.url, 'DescribeProjects', many))).toBe('ValidationException');
    const projects = await rek.send(new DescribeProjectsCommand({ ProjectNames: ['shelf', 'other'] }));
    expect(projects.ProjectDescriptions!.map((p) => p.ProjectArn)).toEqual([PROJECT_ARN]);
    expect((await rek.send(new DescribeProjectsCommand({ ProjectNames: ['other'] }))).ProjectDescriptions).toEqual([]);
    const versions = await rek.send(new DescribeProjectVersionsCommand({ ProjectArn: PROJECT_ARN, MaxResults: 1 }));
    expect(versions.ProjectVersionDescriptions!.map((v) => v.ProjectVersionArn)).toEqual([ARN]);
    await expect(rek.send(new DescribeProjectVersionsCommand({ ProjectArn: PROJECT_ARN, MaxResults: 101 }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(
      rek.send(new DescribeProjectVersionsCommand({ ProjectArn: 'arn:aws:rekognition:eu-central-1:999999999999:project/x/1' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const otherModel = ARN.replace('shelf.2026', 'other.2026');
    await expect(rek.send(new DetectCustomLabelsCommand({ ProjectVersionArn: otherModel, Image: { Bytes: good } }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(
      rek.send(new DetectCustomLabelsCommand({ ProjectVersionArn: 'arn:aws:s3:::bucket/not-a-model-version', Image: { Bytes: good } })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(rek.send(new DetectCustomLabelsCommand({ ProjectVersionArn: ARN, Image: {} }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringMatching(/Bytes or S3Object/),
    });
  });

  it('MinConfidence keeps labels higher than it (0 keeps all)', async () => {
    const all = (await rek.send(new DetectCustomLabelsCommand({ ProjectVersionArn: ARN, Image: { Bytes: good }, MinConfidence: 0 })))
      .CustomLabels!;
    const top = all[0]!.Confidence!;
    const atTop = (await rek.send(new DetectCustomLabelsCommand({ ProjectVersionArn: ARN, Image: { Bytes: good }, MinConfidence: top })))
      .CustomLabels!;
    expect(atTop.every((l) => l.Confidence! > top)).toBe(true);
    expect(atTop.length).toBeLessThan(all.length);
  });

  it('soak: 10,000 mixed bad requests on loopback keep memory flat, and the next good request is answered', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const png32 = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const bad: Array<[string, string]> = [
      ['DetectCustomLabels', detectBody(Buffer.from('GIF89a not really'))],
      ['DetectCustomLabels', detectBody(png32)],
      ['DetectCustomLabels', '{"ProjectVersionArn": 5}'],
      ['DetectCustomLabels', '{'],
      ['DescribeProjects', '"a string"'],
      ['DescribeProjectVersions', '[]'],
      ['DescribeProjects', JSON.stringify({ ProjectNames: ['a'.repeat(300)] })],
      ['Nope', '{}'],
    ];
    const batch = async (from: number, count: number) => {
      const queue = Array.from({ length: count }, (_, i) => bad[(from + i) % bad.length]!);
      const worker = async () => {
        for (let next = queue.pop(); next; next = queue.pop()) {
          const r = await raw(serve.url, next[0], next[1], { agent });
          expect(r.status).toBeGreaterThanOrEqual(400);
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
    };
    await batch(0, 2_000);
    const afterWarmMb = rssMb(serve.child.pid!);
    await batch(2_000, 8_000);
    const afterSoakMb = rssMb(serve.child.pid!);
    agent.destroy();
    // Flat: what 8,000 more bad requests add is far below what keeping any of them would (a leak of
    // even 10 kB each is 80 MB). The bound leaves room for the allocator's own drift.
    expect(
      afterSoakMb - afterWarmMb,
      `RSS ${afterWarmMb.toFixed(0)} MB after 2,000, ${afterSoakMb.toFixed(0)} MB after 10,000`,
    ).toBeLessThan(48);
    await answersGood();
  }, 300_000);
});

describe('serve: the per-call time limit', () => {
  it('a body trickling past --call-timeout-s is answered 500 at the limit, and the connection closed', async () => {
    const serve = await startServe(['--units', '1', '--model', 'ocr-cls', '--call-timeout-s', '1']);
    try {
      const r = await raw(serve.url, 'DescribeProjects', null, {
        headers: { 'Content-Length': '1000' },
        write: (req) => {
          req.write('{');
          const t = setInterval(() => (req.destroyed ? clearInterval(t) : req.write(' ')), 200);
          req.on('close', () => clearInterval(t));
        },
      });
      expect(r.status).toBe(500);
      expect(r.headers.connection).toBe('close');
      expect(JSON.parse(r.body)).toMatchObject({ __type: 'InternalServerError', Message: 'no answer within 1 s' });
    } finally {
      expect((await serve.stop()).code).toBe(0);
    }
  }, 120_000);
});

describe('serve: SIGTERM while a unit is busy', () => {
  it('answers every call in flight (503 for those not served) and exits promptly', async () => {
    const serve = await startServe(['--units', '1', '--model', 'ocr-cls', '--queue', '8']);
    const big = await sharp({
      create: { width: 3840, height: 2160, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
    })
      .jpeg({ quality: 60 })
      .toBuffer();
    const body = JSON.stringify({
      ProjectVersionArn: 'arn:aws:rekognition:us-east-1:000000000000:project/capacity-plan-serve/version/capacity-plan-serve.serve/1',
      Image: { Bytes: big.toString('base64') },
    });
    const calls = Array.from({ length: 8 }, () =>
      raw(serve.url, 'DetectCustomLabels', body).then(
        (r) => r.status,
        (e: NodeJS.ErrnoException) => e.code ?? 'error',
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
    // Promptly: stop() resolves when the process has exited; without it the test's own limit ends it.
    const end = await serve.stop();
    const statuses = await Promise.all(calls);
    expect(end.code).toBe(0);
    for (const s of statuses) expect([200, 400, 503]).toContain(s);
    expect(statuses).toContain(503);
  }, 120_000);
});
