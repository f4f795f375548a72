import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { runCliAsync } from '../helpers/processes.js';

/**
 * Answers from the network are untrusted: an endpoint that takes a call and never answers, one
 * that trickles, repeats a NextToken, sends a huge body, or answers a field AWS types as an
 * integer with a string or a fraction. Each ends the command with one line and exit 2, within
 * the command's own time bounds (given small here), never by the test's timeout. Every server
 * is on 127.0.0.1.
 */

const AWS_ENV = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test-secret' };
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (res: ServerResponse, body: unknown, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
};

/** A trickle: one byte of a never-ending JSON answer every 200 ms. */
function trickle(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
  res.write('{"PriceList": [');
  const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(' ')), 200);
}

const oneLine = (r: { stderr: string }) => r.stderr.trim().split('\n');

describe('prices: bounded answers from the Price List API', () => {
  it('a repeated NextToken ends the run at once: exit 2, one line', async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls++;
      json(res, { FormatVersion: 'aws_v1', PriceList: [], NextToken: 'same' });
    });
    const r = await runCliAsync(['prices', '--endpoint-url', url, '--out', join(tempDir(), 'p.json')], { env: AWS_ENV, timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(oneLine(r)).toEqual([
      'capacity-plan: prices: the Price List API repeated a NextToken on page 2 (it would loop forever); stopped',
    ]);
    expect(calls).toBe(2);
  });

  it('an answer that trickles, or never comes, ends at --timeout-s: exit 2, one line', async () => {
    for (const handler of [(_q: IncomingMessage, res: ServerResponse) => trickle(res), () => undefined]) {
      const url = await serve(handler);
      const r = await runCliAsync(['prices', '--endpoint-url', url, '--timeout-s', '2', '--out', join(tempDir(), 'p.json')], {
        env: AWS_ENV,
        timeoutMs: 60_000,
      });
      expect(r.code).toBe(2);
      expect(oneLine(r)).toEqual([
        'capacity-plan: prices: the Price List API did not finish within 2 s (an endpoint that trickles or never answers); stopped',
      ]);
    }
  });

  it('a body over the page bound is refused while it streams, by Content-Length or without one', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    for (const declared of [true, false]) {
      const url = await serve((_req, res) => {
        res.writeHead(200, {
          'content-type': 'application/x-amz-json-1.1',
          ...(declared ? { 'content-length': String(1536 * 1024 * 1024) } : {}),
        });
        res.write('{"PriceList": [');
        let sent = 0;
        const pump = () => {
          while (!res.destroyed && sent < 1536 && res.write(chunk)) sent++;
          if (!res.destroyed && sent < 1536) res.once('drain', pump);
        };
        pump();
      });
      const r = await runCliAsync(['prices', '--endpoint-url', url, '--out', join(tempDir(), 'p.json')], {
        env: AWS_ENV,
        timeoutMs: 120_000,
      });
      expect(r.code, r.stderr).toBe(2);
      expect(oneLine(r)).toEqual(['capacity-plan: prices: the Price List API sent a page over 16 MiB; stopped']);
    }
  });

  it('a price of 1e308, a region with an escape: left out of the cache, never a crash', async () => {
    const product = (region: string, usd: string) =>
      JSON.stringify({
        product: { sku: 'S', attributes: { regionCode: region, usagetype: 'CustomLabels-InferenceHour' } },
        terms: {
          OnDemand: { t: { priceDimensions: { d: { unit: 'Hrs', description: 'Custom Labels inference', pricePerUnit: { USD: usd } } } } },
        },
      });
    const url = await serve((_req, res) =>
      json(res, {
        FormatVersion: 'aws_v1',
        PriceList: [product('us-east-1', '1e308'), product('eu-west-1\u001b[31m', '4'), product('eu-west-2', '4.5')],
      }),
    );
    const out = join(tempDir(), 'p.json');
    const r = await runCliAsync(['prices', '--endpoint-url', url, '--out', out], { env: AWS_ENV, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('eu-west-2        $4.50');
    expect(r.stdout).not.toContain('us-east-1');
    expect(r.stdout).not.toContain('\u001b');
  });
});

describe('price cache: never a crash, never blocking', () => {
  const workload = 'examples/workloads/parcel-labels.yaml';
  it('1e308 in a cache is one line naming the cache, exit 2 (not "Cannot convert Infinity to a BigInt")', async () => {
    const cache = join(tempDir(), 'prices.json');
    writeFileSync(
      cache,
      JSON.stringify({
        schema: 'capacity-plan/prices@1',
        fetchedAt: '2026-11-01T00:00:00Z',
        source: 's',
        entries: { 'rekognition-custom-labels': { 'us-east-1': 1e308 } },
        skus: [],
        ambiguous: [],
      }),
    );
    const r = await runCliAsync(['plan', workload], { env: { CAPACITY_PLAN_PRICE_CACHE: cache } });
    expect(r.code).toBe(2);
    expect(oneLine(r)).toHaveLength(1);
    expect(r.stderr).toMatch(/prices\.json: price cache is not a capacity-plan\/prices@1 file/);
  });

  it('a FIFO, a folder or an unreadable file at the cache name is skipped: plan uses the built-in table', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    mkdirSync(join(dir, 'folder.json'));
    for (const cache of [fifo, join(dir, 'folder.json')]) {
      const r = await runCliAsync(['plan', workload, '-f', 'json'], { env: { CAPACITY_PLAN_PRICE_CACHE: cache }, timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('"priceSource": "built-in price table');
    }
  });
});

describe('loadtest: an endpoint that accepts and never answers, trickles, or answers wrongly', () => {
  let images: string;
  beforeAll(async () => {
    images = join(tempDir(), 'imgs');
    mkdirSync(images);
    await sharp({ create: { width: 320, height: 240, channels: 3, background: '#808080' } })
      .jpeg()
      .toFile(join(images, 'a.jpg'));
  });

  /** A Rekognition endpoint whose Describe calls answer `version`, and DetectCustomLabels as `detect` says. */
  const rekognition = (version: Record<string, unknown>, detect: (res: ServerResponse) => void) =>
    serve((req, res) => {
      const target = String(req.headers['x-amz-target']);
      if (target.endsWith('.DescribeProjects'))
        return json(res, {
          ProjectDescriptions: [{ ProjectArn: 'arn:aws:rekognition:us-east-1:000000000000:project/p/1', Status: 'CREATED' }],
        });
      if (target.endsWith('.DescribeProjectVersions'))
        return json(res, { ProjectVersionDescriptions: [{ Status: 'RUNNING', ...version }] });
      detect(res);
    });
  const run = (url: string, extra: string[] = []) =>
    runCliAsync(
      [
        'loadtest',
        '--endpoint',
        url,
        '--images',
        images,
        '--call-timeout-s',
        '2',
        '--step-s',
        '0.5',
        '--warmup-s',
        '0',
        '--max-steps',
        '2',
        '--out',
        join(tempDir(), 'x.json'),
        ...extra,
      ],
      { timeoutMs: 90_000 },
    );

  it('Describe never answered: exit 2, one line, at the call deadline', async () => {
    const url = await serve(() => undefined);
    const r = await run(url);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toEqual([`capacity-plan: ${url} did not answer DescribeProjects/DescribeProjectVersions within 2 s`]);
  });

  it('DetectCustomLabels never answered, or trickled: exit 2, one line', async () => {
    for (const detect of [() => undefined, trickle]) {
      const url = await rekognition({ MinInferenceUnits: 1, MaxInferenceUnits: 1 }, detect);
      const r = await run(url);
      expect(r.code).toBe(2);
      expect(oneLine(r)).toEqual([`capacity-plan: ${url} did not answer a DetectCustomLabels call within 2 s`]);
    }
  });

  it('a 1.5 GB answer is cut at the bound: exit 2, one line', async () => {
    const url = await rekognition({ MinInferenceUnits: 1, MaxInferenceUnits: 1 }, (res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.write('{"CustomLabels": [');
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (!res.destroyed && sent < 1536 && res.write(chunk)) sent++;
        if (!res.destroyed && sent < 1536) res.once('drain', pump);
      };
      pump();
    });
    const r = await run(url);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toEqual([`capacity-plan: ${url} sent an answer over 1 MiB: not a DetectCustomLabels answer`]);
  });

  it('MinInferenceUnits "abc", 2.5 or 1e308: refused where AWS has an integer, exit 2, one line', async () => {
    for (const bad of ['abc', 2.5, 1e308]) {
      const url = await rekognition({ MinInferenceUnits: bad, MaxInferenceUnits: 1 }, (res) => json(res, { CustomLabels: [] }));
      const r = await run(url);
      expect(r.code, String(bad)).toBe(2);
      expect(oneLine(r)).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(
        /^capacity-plan: http:\/\/127\.0\.0\.1:\d+ answered MinInferenceUnits ('abc'|2\.5|1e\+308): not a whole number of units from 0 to 100,000$/,
      );
      expect(r.stderr).not.toMatch(/BigInt|at .*\.js:\d+/);
    }
  });

  it('hundreds of calls in flight add no abort listeners: no MaxListenersExceededWarning', async () => {
    // Every call waits 300 ms, so at 200 TPS about 60 are in flight at once.
    const url = await rekognition({ MinInferenceUnits: 1, MaxInferenceUnits: 1 }, (res) =>
      setTimeout(() => json(res, { CustomLabels: [] }), 300),
    );
    const r = await run(url, ['--start', '200', '--max-steps', '1', '--step-s', '1']);
    // On a loaded machine calls can pass their deadline and the step reports errors (exit 1): what
    // this checks is that none of the calls in flight leaked a listener, however the step went.
    expect([0, 1], r.stderr).toContain(r.code);
    expect(r.stderr).not.toMatch(/MaxListenersExceededWarning|EventTarget memory leak/);
  });
});
