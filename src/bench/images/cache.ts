import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import * as z from 'zod';
import { writeOutputFile } from '../../core/files.js';
import { fontId } from './font.js';
import { GENERATOR_VERSION, parseSynthSpec, synthesizeImage, type SynthOutcome, type SynthSpec } from './synth.js';

/**
 * A disk cache of synthetic images. An entry is `<key>.json` (what was made, with the sha256 of
 * the bytes) plus `<key>.jpg`. The key covers the spec and everything that shapes the bytes
 * (generator version, font package version, libvips version), so a stale entry is never hit.
 * An entry that fails to parse or whose bytes don't match their hash is regenerated, not trusted.
 */

// src/bench/images/cache.ts and dist/bench/images/cache.js both sit three levels under the package root.
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** `$CAPACITY_PLAN_CACHE_DIR` when set, else `node_modules/.cache/capacity-plan/images` under the package root. */
export function imageCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CAPACITY_PLAN_CACHE_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return join(PACKAGE_ROOT, 'node_modules', '.cache', 'capacity-plan', 'images');
}

export function cacheKey(spec: SynthSpec): string {
  const canonical = parseSynthSpec(spec);
  const identity = {
    generator: GENERATOR_VERSION,
    font: fontId(),
    vips: sharp.versions.vips,
    spec: [
      canonical.width,
      canonical.height,
      canonical.targetSizeMb,
      canonical.objects,
      canonical.kind,
      canonical.variant,
      canonical.seed ?? 0,
    ],
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

const boxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const entrySchema = z.discriminatedUnion('skipped', [
  z.object({ skipped: z.literal(true), reason: z.string() }).strict(),
  z
    .object({
      skipped: z.literal(false),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      byteLength: z.number().int().positive(),
      format: z.literal('jpeg'),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      targetSizeMb: z.number().positive().nullable(),
      objects: z.number().int().min(0),
      boxes: z.array(boxSchema),
      quality: z.number().int(),
      note: z.string().optional(),
    })
    .strict(),
]);
type Entry = z.infer<typeof entrySchema>;

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readEntry(dir: string, key: string): Promise<SynthOutcome | undefined> {
  let entry: Entry;
  try {
    entry = entrySchema.parse(JSON.parse(await readFile(join(dir, `${key}.json`), 'utf8')));
  } catch {
    return undefined; // missing or corrupt: regenerate
  }
  if (entry.skipped) return { skipped: true, reason: entry.reason };
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, `${key}.jpg`));
  } catch {
    return undefined;
  }
  if (bytes.length !== entry.byteLength || sha256(bytes) !== entry.sha256) return undefined;
  const { skipped: _s, sha256: _h, byteLength: _n, note, ...rest } = entry;
  return { ...rest, bytes, sizeMb: bytes.length / 1e6, ...(note !== undefined ? { note } : {}) };
}

async function writeEntry(dir: string, key: string, outcome: SynthOutcome): Promise<void> {
  await mkdir(dir, { recursive: true });
  let entry: Entry;
  if ('skipped' in outcome) {
    entry = { skipped: true, reason: outcome.reason };
  } else {
    const { bytes, sizeMb: _size, ...meta } = outcome;
    // Bytes first: an entry's JSON never points at bytes that aren't there yet.
    await writeOutputFile(join(dir, `${key}.jpg`), bytes);
    entry = { skipped: false, sha256: sha256(bytes), byteLength: bytes.length, ...meta };
  }
  await writeOutputFile(join(dir, `${key}.json`), JSON.stringify(entry));
}

export interface CacheStats {
  hits: number;
  misses: number;
}

/** Process-wide hit/miss counters, for the harness's progress line and for tests. */
export const cacheStats: CacheStats = { hits: 0, misses: 0 };

/**
 * synthesizeImage through the disk cache. A cache that cannot be written (read-only install, full
 * disk) only costs speed: the image is still returned.
 */
export async function cachedSynthesizeImage(spec: SynthSpec, opts: { dir?: string } = {}): Promise<SynthOutcome> {
  const dir = opts.dir ?? imageCacheDir();
  const key = cacheKey(spec);
  const hit = await readEntry(dir, key);
  if (hit !== undefined) {
    cacheStats.hits++;
    return hit;
  }
  cacheStats.misses++;
  const outcome = await synthesizeImage(spec);
  try {
    await writeEntry(dir, key, outcome);
  } catch {
    // Deliberately ignored: caching is an optimisation, never a reason to fail a benchmark.
  }
  return outcome;
}
