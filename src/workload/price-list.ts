import { readCacheFile } from '../core/files.js';
import { truncate } from '../core/escape.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { UserError } from '../core/errors.js';
import { BOUNDS } from './bounds.js';
import type { PriceQuote } from './prices.js';
import type { Service } from './schema.js';

/**
 * Inference-hour prices from the AWS Price List API (GetProducts, service code AmazonRekognition),
 * kept in a dated cache file that `plan` prefers over the built-in table.
 *
 * A product counts as a Custom Labels inference hour when its on-demand price is per hour and its
 * usage type, description, group or operation names Custom Labels but not training. Each matching
 * SKU is kept in the cache so the choice can be checked; a region whose matches disagree on the
 * price gets no entry (plan then falls back, and `prices` says why).
 */
const PRICE_CACHE_SCHEMA_ID = 'capacity-plan/prices@1';

/** A price as the planner can use it: positive and within the workload's own bound, so costs stay finite (1e308 would not). */
const Usd = z.number().positive().max(BOUNDS.pricePerUnitHourUsd);
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const Text = z.string().max(200);
const PriceCacheSchema = z.strictObject({
  schema: z.literal(PRICE_CACHE_SCHEMA_ID),
  fetchedAt: z.iso.datetime(),
  source: Text,
  entries: z.record(z.string().max(64), z.record(z.string().regex(REGION).max(64), Usd)),
  skus: z
    .array(
      z.strictObject({ sku: Text, service: Text, region: Text, usd: Usd, unit: Text, usageType: Text, description: z.string().max(1000) }),
    )
    .max(10_000),
  ambiguous: z.array(z.strictObject({ service: Text, region: Text, usd: z.array(Usd).max(100) })).max(1_000),
});
export type PriceCache = z.infer<typeof PriceCacheSchema>;

// The parts of a Price List product document this reads; everything else may vary.
const ProductSchema = z.looseObject({
  product: z.looseObject({ sku: z.string().optional(), attributes: z.record(z.string(), z.string()).default({}) }),
  terms: z.looseObject({
    OnDemand: z
      .record(
        z.string(),
        z.looseObject({
          priceDimensions: z.record(
            z.string(),
            z.looseObject({
              unit: z.string().default(''),
              description: z.string().default(''),
              pricePerUnit: z.record(z.string(), z.string()),
            }),
          ),
        }),
      )
      .default({}),
  }),
});

const HOURLY = /^(hrs?|hours?)$/i;

/** Pure: the Price List items (each a JSON string, as GetProducts returns them) → a dated cache. */
export function priceCacheFrom(priceList: string[], fetchedAt: Date): PriceCache {
  const skus: PriceCache['skus'] = [];
  for (const item of priceList) {
    let doc;
    try {
      doc = ProductSchema.safeParse(JSON.parse(item));
    } catch {
      continue;
    }
    if (!doc.success) continue;
    const a = doc.data.product.attributes;
    const region = a.regionCode;
    // Only what looks like an AWS region, and prices the planner can use: an answer is untrusted.
    if (!region || !REGION.test(region) || region.length > 64) continue;
    for (const term of Object.values(doc.data.terms.OnDemand)) {
      for (const dim of Object.values(term.priceDimensions)) {
        const text = [a.usagetype, a.group, a.groupDescription, a.operation, dim.description].filter(Boolean).join(' ');
        if (!HOURLY.test(dim.unit) || !/custom ?labels/i.test(text) || /train/i.test(text)) continue;
        const usd = Number(dim.pricePerUnit.USD);
        if (!(usd > 0) || !(usd <= BOUNDS.pricePerUnitHourUsd)) continue;
        const cut = (t: string | undefined, n = 200) => (t ?? '').slice(0, n);
        skus.push({
          sku: cut(doc.data.product.sku),
          service: 'rekognition-custom-labels',
          region,
          usd,
          unit: cut(dim.unit),
          usageType: cut(a.usagetype),
          description: cut(dim.description, 1000),
        });
        if (skus.length >= 10_000) break;
      }
    }
  }
  const byRegion = new Map<string, Set<number>>();
  for (const s of skus) byRegion.set(s.region, (byRegion.get(s.region) ?? new Set()).add(s.usd));
  const entries: Record<string, number> = {};
  const ambiguous: PriceCache['ambiguous'] = [];
  for (const [region, prices] of [...byRegion].sort(([a], [b]) => a.localeCompare(b))) {
    if (prices.size === 1) entries[region] = [...prices][0]!;
    else ambiguous.push({ service: 'rekognition-custom-labels', region, usd: [...prices].sort((x, y) => x - y) });
  }
  return {
    schema: PRICE_CACHE_SCHEMA_ID,
    fetchedAt: fetchedAt.toISOString(),
    source: 'AWS Price List API (GetProducts, AmazonRekognition, on-demand Custom Labels inference hours)',
    entries: { 'rekognition-custom-labels': entries },
    skus,
    ambiguous,
  };
}

/** Reads a cache file's text; a damaged or foreign file is one line naming it. */
export function parsePriceCache(text: string, file: string): PriceCache {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw UserError.at(file, "price cache is not valid JSON: run 'capacity-plan prices' again, or delete it to use the built-in table");
  }
  const parsed = PriceCacheSchema.safeParse(data);
  if (!parsed.success) {
    const schema = (data as { schema?: unknown } | null)?.schema;
    throw UserError.at(
      file,
      `price cache is not a ${PRICE_CACHE_SCHEMA_ID} file${schema !== undefined && schema !== PRICE_CACHE_SCHEMA_ID ? ` (it says ${typeof schema === 'string' ? JSON.stringify(truncate(schema)) : 'a schema that is not a string'})` : ''}: run 'capacity-plan prices' again, or delete it to use the built-in table`,
    );
  }
  return parsed.data;
}

export function lookUpCachedPrice(cache: PriceCache, service: Service, region: string): PriceQuote | undefined {
  const usd = cache.entries[service]?.[region];
  if (usd === undefined) return undefined;
  return { pricePerUnitHourUsd: usd, priceSource: `AWS Price List API, fetched ${cache.fetchedAt.slice(0, 10)} (capacity-plan prices)` };
}

/** Where `capacity-plan prices` writes and `plan` reads: $CAPACITY_PLAN_PRICE_CACHE, else the user's cache folder. */
export function priceCachePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CAPACITY_PLAN_PRICE_CACHE) return env.CAPACITY_PLAN_PRICE_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'capacity-plan', 'prices.json');
}

// A cache is a few kilobytes per region; anything far larger is not one.
const MAX_CACHE_BYTES = 4 * 1024 * 1024;

/**
 * The cache if there is one; null when there is none or it cannot be read (missing, unreadable,
 * not a regular file, too large): a cache only saves a fetch, so the built-in table applies, and
 * a FIFO or device at its name is never opened blocking. A readable file that is not a cache is
 * one line naming it (the user can delete it).
 */
export async function readPriceCache(path = priceCachePath()): Promise<PriceCache | null> {
  const bytes = await readCacheFile(path, 'price cache', MAX_CACHE_BYTES);
  return bytes === null ? null : parsePriceCache(bytes.toString('utf8'), path);
}
