import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { writeOutputFile } from '../core/files.js';
import { EXIT, type ExitCode, UserError } from '../core/errors.js';
import { secondsFlag } from '../core/flags.js';
import { forTerminal } from '../core/escape.js';
import { boundAnswers } from '../loadtest/bounded-answers.js';
import { priceCacheFrom, priceCachePath, type PriceCache } from '../workload/price-list.js';

export interface PricesOptions {
  out?: string;
  endpointUrl?: string;
  apiRegion: string;
  format: string;
  timeoutS: string;
}

/**
 * Bounds on one run against the Price List API: the service has a few hundred Rekognition
 * products, a page of 100 is well under a megabyte, and a run takes seconds. An endpoint that
 * trickles, never answers, repeats a NextToken or sends a huge body ends the run with one line.
 */
const LIMITS = {
  connectMs: 10_000,
  /** No byte for this long on an open socket. */
  idleMs: 30_000,
  /** The whole run, every page: --timeout-s, at most this. */
  maxTotalMs: 3_600_000,
  pageBytes: 16 * 1024 * 1024,
  pages: 1_000,
  products: 100_000,
};

function loadPricingSdk(): typeof import('@aws-sdk/client-pricing') {
  try {
    // Synchronous, so a missing SDK is one line before any network work; an optional peer, not bundled.
    return createRequire(import.meta.url)('@aws-sdk/client-pricing') as typeof import('@aws-sdk/client-pricing');
  } catch {
    throw new UserError("prices needs the AWS SDK's Price List client: npm install @aws-sdk/client-pricing");
  }
}

/** One line for an SDK failure, quoting at most 40 characters of what the endpoint said. */
function failureLine(err: unknown, totalTimedOut: boolean, totalMs: number): UserError {
  const e = err as { name?: string; message?: string };
  if (totalTimedOut)
    return new UserError(
      `prices: the Price List API did not finish within ${totalMs / 1000} s (an endpoint that trickles or never answers); stopped`,
    );
  if (e.name === 'CredentialsProviderError')
    return new UserError(
      'prices: no AWS credentials found (the standard chain: AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO, instance role); the Price List API needs pricing:GetProducts',
    );
  if (e.name === 'AccessDeniedException')
    return new UserError('prices: access denied to the Price List API: the credentials need pricing:GetProducts');
  if (e.name === 'AnswerTooLarge')
    return new UserError(`prices: the Price List API sent a page over ${LIMITS.pageBytes / 1024 / 1024} MiB; stopped`);
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return new UserError(`prices: the Price List API stopped answering (no data for ${LIMITS.idleMs / 1000} s); stopped`);
  const said = (e.message ?? String(err)).split('\n')[0]!;
  return new UserError(
    `prices: the Price List API failed: ${forTerminal((e.name ?? 'Error').slice(0, 40))}: ${forTerminal(said.slice(0, 40))}${said.length > 40 ? '…' : ''}`,
  );
}

/** Pages of GetProducts for AmazonRekognition; the SDK is loaded only here (an optional dependency). */
async function fetchPriceList(opts: PricesOptions, totalMs: number): Promise<string[]> {
  const sdk = loadPricingSdk();
  // The SDK warns on stderr that later SDK releases need Node 22; the versions this package
  // installs support Node 20, and stderr is for capacity-plan's own one-line messages.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = new sdk.PricingClient({
    region: opts.apiRegion,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: LIMITS.connectMs, requestTimeout: LIMITS.idleMs },
    ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}),
  });
  boundAnswers(client, LIMITS.pageBytes, LIMITS.pageBytes);
  const total = AbortSignal.timeout(totalMs);
  const items: string[] = [];
  const tokens = new Set<string>();
  let token: string | undefined;
  try {
    for (let page = 1; ; page++) {
      const out = await client.send(
        new sdk.GetProductsCommand({
          ServiceCode: 'AmazonRekognition',
          FormatVersion: 'aws_v1',
          MaxResults: 100,
          ...(token ? { NextToken: token } : {}),
        }),
        { abortSignal: total },
      );
      const list: unknown[] = Array.isArray(out.PriceList) ? out.PriceList : [];
      items.push(...list.map((x) => (typeof x === 'string' ? x : String(x))));
      if (items.length > LIMITS.products)
        throw new UserError(
          `prices: the Price List API returned more than ${LIMITS.products.toLocaleString('en-US')} products for AmazonRekognition; stopped`,
        );
      token = typeof out.NextToken === 'string' && out.NextToken !== '' ? out.NextToken : undefined;
      if (token === undefined) break;
      if (tokens.has(token))
        throw new UserError(`prices: the Price List API repeated a NextToken on page ${page} (it would loop forever); stopped`);
      if (page >= LIMITS.pages) throw new UserError(`prices: more than ${LIMITS.pages} pages from the Price List API; stopped`);
      tokens.add(token);
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw failureLine(err, total.aborted, totalMs);
  } finally {
    client.destroy();
  }
  return items;
}

function describe(cache: PriceCache, path: string, products: number): string {
  const rows = Object.entries(cache.entries['rekognition-custom-labels'] ?? {});
  const lines = [`Rekognition Custom Labels inference hour, on demand (USD) — ${cache.source}, fetched ${cache.fetchedAt}`];
  for (const [region, usd] of rows) lines.push(`  ${forTerminal(region.slice(0, 40)).padEnd(16)} $${usd.toFixed(2)}`);
  if (rows.length === 0) lines.push('  (no product matched: plan keeps using the built-in table)');
  for (const a of cache.ambiguous)
    lines.push(
      `warning: ${forTerminal(a.region.slice(0, 40))}: ${a.usd.length} different prices matched ($${a.usd.join(', $')}); not cached, set price_per_unit_hour`,
    );
  lines.push(`${cache.skus.length} matching SKUs of ${products} products; written to ${path} (plan prefers it over the built-in table)`);
  return lines.join('\n') + '\n';
}

export async function pricesCommand(opts: PricesOptions): Promise<ExitCode> {
  const path = opts.out ?? priceCachePath();
  const timeoutS = secondsFlag('--timeout-s', opts.timeoutS, { min: 1, max: LIMITS.maxTotalMs / 1000 });
  const items = await fetchPriceList(opts, timeoutS * 1000);
  const cache = priceCacheFrom(items, new Date());
  // The default cache folder may not exist yet; an explicit --out names a folder the user has.
  if (!opts.out) await mkdir(dirname(path), { recursive: true }).catch(() => undefined);
  await writeOutputFile(path, JSON.stringify(cache, null, 2) + '\n');
  process.stdout.write(opts.format === 'json' ? JSON.stringify(cache, null, 2) + '\n' : describe(cache, path, items.length));
  return EXIT.ok;
}
