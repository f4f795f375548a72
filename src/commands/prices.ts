import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { writeOutputFile } from '../core/files.js';
import { UserError } from '../core/errors.js';
import { priceCacheFrom, priceCachePath, type PriceCache } from '../workload/price-list.js';

export interface PricesOptions {
  out?: string;
  endpointUrl?: string;
  apiRegion: string;
  format: string;
}

/** Pages of GetProducts for AmazonRekognition; the SDK is loaded only here (an optional dependency). */
async function fetchPriceList(opts: PricesOptions): Promise<string[]> {
  let sdk: typeof import('@aws-sdk/client-pricing');
  try {
    // require, not import(): the CLI runs as a CommonJS script compiled from V8's code cache,
    // where import() has no loader to call (src/core/compile-cache.ts).
    sdk = createRequire(import.meta.url)('@aws-sdk/client-pricing') as typeof import('@aws-sdk/client-pricing');
  } catch {
    throw new UserError("prices needs the AWS SDK's Price List client: npm install @aws-sdk/client-pricing");
  }
  // The SDK warns on stderr that later SDK releases need Node 22; the versions this package
  // installs support Node 20, and stderr is for capacity-plan's own one-line messages.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = new sdk.PricingClient({ region: opts.apiRegion, maxAttempts: 3, ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}) });
  const items: string[] = [];
  try {
    for await (const page of sdk.paginateGetProducts({ client, pageSize: 100 }, { ServiceCode: 'AmazonRekognition', FormatVersion: 'aws_v1' })) {
      items.push(...(page.PriceList ?? []).map((x: unknown) => (typeof x === 'string' ? x : String(x))));
      // A bound on what one run reads: the service has a few hundred products.
      if (items.length > 100_000) throw new UserError('prices: the Price List API returned more than 100,000 products for AmazonRekognition; stopped');
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    const e = err as { name?: string; message?: string };
    if (e.name === 'CredentialsProviderError') throw new UserError('prices: no AWS credentials found (the standard chain: AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO, instance role); the Price List API needs pricing:GetProducts');
    if (e.name === 'AccessDeniedException') throw new UserError('prices: access denied to the Price List API: the credentials need pricing:GetProducts');
    throw new UserError(`prices: the Price List API failed: ${e.name ?? 'Error'}: ${(e.message ?? String(err)).split('\n')[0]!.slice(0, 200)}`);
  } finally {
    client.destroy();
  }
  return items;
}

function describe(cache: PriceCache, path: string, products: number): string {
  const rows = Object.entries(cache.entries['rekognition-custom-labels'] ?? {});
  const lines = [`Rekognition Custom Labels inference hour, on demand (USD) — ${cache.source}, fetched ${cache.fetchedAt}`];
  for (const [region, usd] of rows) lines.push(`  ${region.padEnd(16)} $${usd.toFixed(2)}`);
  if (rows.length === 0) lines.push('  (no product matched: plan keeps using the built-in table)');
  for (const a of cache.ambiguous) lines.push(`warning: ${a.region}: ${a.usd.length} different prices matched ($${a.usd.join(', $')}); not cached, set price_per_unit_hour`);
  lines.push(`${cache.skus.length} matching SKUs of ${products} products; written to ${path} (plan prefers it over the built-in table)`);
  return lines.join('\n') + '\n';
}

export async function pricesCommand(opts: PricesOptions): Promise<number> {
  const path = opts.out ?? priceCachePath();
  const items = await fetchPriceList(opts);
  const cache = priceCacheFrom(items, new Date());
  // The default cache folder may not exist yet; an explicit --out names a folder the user has.
  if (!opts.out) await mkdir(dirname(path), { recursive: true }).catch(() => undefined);
  await writeOutputFile(path, JSON.stringify(cache, null, 2) + '\n');
  process.stdout.write(opts.format === 'json' ? JSON.stringify(cache, null, 2) + '\n' : describe(cache, path, items.length));
  return 0;
}
