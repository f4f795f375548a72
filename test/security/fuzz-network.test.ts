import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { checkImageBytes, readImageHeader } from '../../src/workload/limits.js';
import { parseCloudWatch } from '../../src/workload/cloudwatch.js';
import { priceCacheFrom } from '../../src/workload/price-list.js';
import { jsonDepthWithin } from '../../src/serve/protocol.js';

/**
 * What comes from outside through the surfaces of CloudWatch files, Price List answers and image
 * bytes sent to `serve`: however extreme, each is read or refused as bad input (UserError), never
 * an internal error, and the output is within bounds. FUZZ_RUNS scales it up for a long run.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const extreme = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(-1, 0, 1e308, -1e308, Number.MAX_VALUE, 2 ** 53, 1e-300),
  fc.string({ maxLength: 8 }),
);
const timestamp = fc.oneof(
  fc.integer({ min: 0, max: 600 }).map((m) => new Date(Date.UTC(2026, 10, 2, 9, 0) + m * 60_000).toISOString()),
  fc.integer({ min: 0, max: 600 }).map((m) => Date.UTC(2026, 10, 2, 9, 0) / 1000 + m * 60),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('+275760-09-13T00:00:00Z', '2026-11-02T09:00:00+25:00', 1e308, -1, 0),
);
const series = fc.record({
  Id: fc.oneof(
    fc.constantFrom('successful', 'throttled', 'inservice', 'minunits', 'maxunits', 'opsuccessful', 'opthrottled'),
    fc.string({ maxLength: 300 }),
  ),
  Label: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
  StatusCode: fc.option(fc.constantFrom('Complete', 'PartialData', 'Forbidden', 'InternalError', '\u001b[2J'), { nil: undefined }),
  Timestamps: fc.array(timestamp, { maxLength: 20 }),
  Values: fc.array(extreme, { maxLength: 20 }),
});
const page = fc.record({
  MetricDataResults: fc.array(series, { maxLength: 8 }),
  NextToken: fc.option(fc.string({ maxLength: 5 }), { nil: undefined }),
});

const isBounded = (a: Float64Array) => a.every((v) => Number.isFinite(v) && v >= 0);

describe('fuzz: CloudWatch files', () => {
  it('any pages, any values and times: a history within bounds, or a UserError', () => {
    fc.assert(
      fc.property(fc.array(page, { minLength: 1, maxLength: 4 }), fc.boolean(), (pages, asArray) => {
        const text = asArray ? JSON.stringify(pages) : pages.map((p) => JSON.stringify(p, null, 2)).join('\n');
        try {
          const h = parseCloudWatch(text, 'cw.json', 'us-east-1');
          expect(isBounded(h.demandTps) && isBounded(h.throttledPerMinute)).toBe(true);
          if (h.inServiceUnits) expect(h.inServiceUnits.every((v) => v >= 0 && v <= 100_000)).toBe(true);
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          expect(err.message.split('\n')).toHaveLength(1);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('any text: a UserError at worst', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc
            .array(fc.constantFrom('[', ']', '{', '}', '"', '\\', ',', ':', ' ', '\n', '1', 'a'), { maxLength: 400 })
            .map((c) => c.join('')),
        ),
        (text) => {
          try {
            parseCloudWatch(text, 'cw.json');
          } catch (err) {
            if (!(err instanceof UserError)) throw err;
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('fuzz: Price List answers', () => {
  it('any product documents: only positive, bounded prices and region-shaped keys reach the cache', () => {
    const product = fc.record({
      product: fc.record({
        sku: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
        attributes: fc.dictionary(
          fc.constantFrom('regionCode', 'usagetype', 'group', 'operation'),
          fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('us-east-1', 'CustomLabels', 'eu-west-1\u202e')),
        ),
      }),
      terms: fc.record({
        OnDemand: fc.dictionary(
          fc.string({ maxLength: 3 }),
          fc.record({
            priceDimensions: fc.dictionary(
              fc.string({ maxLength: 3 }),
              fc.record({
                unit: fc.constantFrom('Hrs', 'hours', 'x'),
                description: fc.constantFrom('Custom Labels inference', 'training', ''),
                pricePerUnit: fc.record({
                  USD: fc.oneof(fc.constantFrom('1e308', '-4', 'NaN', 'Infinity', '4.00', '0'), fc.double().map(String)),
                }),
              }),
            ),
          }),
        ),
      }),
    });
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            product.map((p) => JSON.stringify(p)),
            fc.string({ maxLength: 50 }),
          ),
          { maxLength: 20 },
        ),
        (items) => {
          const cache = priceCacheFrom(items, new Date('2026-11-01T00:00:00Z'));
          for (const [region, usd] of Object.entries(cache.entries['rekognition-custom-labels'] ?? {})) {
            expect(region).toMatch(/^[a-z]{2}(-[a-z]+)+-\d$/);
            expect(usd > 0 && usd <= 1000).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('fuzz: image bytes and JSON sent to serve', () => {
  it('any bytes after a JPEG or PNG signature: a header or null, and a refusal or null, never a throw', () => {
    const prefix = fc.constantFrom(
      [0xff, 0xd8],
      [0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11],
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52],
      [],
    );
    fc.assert(
      fc.property(prefix, fc.uint8Array({ maxLength: 200 }), (head, tail) => {
        const bytes = Buffer.from([...head, ...tail]);
        const h = readImageHeader(bytes);
        if (h) expect(h.width >= 0 && h.height >= 0 && h.width <= 0xffffffff).toBe(true);
        const refusal = checkImageBytes(bytes);
        if (refusal === null) expect(h).not.toBeNull();
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it('JSON depth is counted without parsing, strings and escapes included', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 20 }), (v) => {
        const text = JSON.stringify(v);
        const depth = (x: unknown): number =>
          x !== null && typeof x === 'object' ? 1 + Math.max(0, ...Object.values(x as object).map(depth)) : 0;
        expect(jsonDepthWithin(Buffer.from(text), 16)).toBe(depth(v) <= 16);
      }),
      { numRuns: RUNS },
    );
  });
});
