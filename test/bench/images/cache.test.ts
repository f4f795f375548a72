import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheKey, cacheStats, cachedSynthesizeImage, imageCacheDir } from '../../../src/bench/images/cache.js';
import { synthesizeImage, type SynthOutcome, type SynthSpec } from '../../../src/bench/images/synth.js';
import { tempDir } from '../../helpers/cli.js';

const spec: SynthSpec = { width: 640, height: 480, targetSizeMb: 0.05, objects: 3, kind: 'text', variant: 0 };

function bytesOf(o: SynthOutcome): Buffer {
  if ('skipped' in o) throw new Error(o.reason);
  return o.bytes;
}

describe('image cache', () => {
  it('lives in $CAPACITY_PLAN_CACHE_DIR, else node_modules/.cache/capacity-plan/images under the package root', () => {
    expect(imageCacheDir({ CAPACITY_PLAN_CACHE_DIR: '/tmp/x' })).toBe('/tmp/x');
    expect(imageCacheDir({})).toBe(resolve(import.meta.dirname, '..', '..', '..', 'node_modules', '.cache', 'capacity-plan', 'images'));
  });

  it('keys differ per spec and are stable for the same spec', () => {
    expect(cacheKey(spec)).toBe(cacheKey({ ...spec }));
    expect(cacheKey(spec)).not.toBe(cacheKey({ ...spec, variant: 1 }));
    expect(cacheKey(spec)).not.toBe(cacheKey({ ...spec, targetSizeMb: 0.06 }));
    expect(cacheKey(spec)).not.toBe(cacheKey({ ...spec, kind: 'shapes' }));
  });

  it('a second request is a hit with the same bytes and metadata', async () => {
    const dir = tempDir();
    const before = { ...cacheStats };
    const first = await cachedSynthesizeImage(spec, { dir });
    const second = await cachedSynthesizeImage(spec, { dir });
    expect(cacheStats.misses - before.misses).toBe(1);
    expect(cacheStats.hits - before.hits).toBe(1);
    expect(second).toEqual(first);
    expect(bytesOf(first).equals(bytesOf(await synthesizeImage(spec)))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([`${cacheKey(spec)}.jpg`, `${cacheKey(spec)}.json`]);
  });

  it('a corrupt entry is regenerated, not trusted', async () => {
    const dir = tempDir();
    const fresh = bytesOf(await cachedSynthesizeImage(spec, { dir }));
    const jpg = join(dir, `${cacheKey(spec)}.jpg`);
    const json = join(dir, `${cacheKey(spec)}.json`);

    const flipped = Buffer.from(fresh);
    const mid = flipped.length >> 1;
    flipped[mid] = flipped[mid]! ^ 0xff; // same length, different bytes
    writeFileSync(jpg, flipped);
    expect(bytesOf(await cachedSynthesizeImage(spec, { dir })).equals(fresh)).toBe(true);
    expect(readFileSync(jpg).equals(fresh)).toBe(true); // and repaired on disk

    writeFileSync(json, '{"skipped": fals');
    expect(bytesOf(await cachedSynthesizeImage(spec, { dir })).equals(fresh)).toBe(true);

    writeFileSync(jpg, fresh.subarray(0, 1000)); // truncated
    expect(bytesOf(await cachedSynthesizeImage(spec, { dir })).equals(fresh)).toBe(true);
  });

  it('skipped targets are cached too', async () => {
    const dir = tempDir();
    const impossible = { ...spec, targetSizeMb: 5 };
    const first = await cachedSynthesizeImage(impossible, { dir });
    const before = cacheStats.hits;
    expect(await cachedSynthesizeImage(impossible, { dir })).toEqual(first);
    expect(first).toMatchObject({ skipped: true });
    expect(cacheStats.hits - before).toBe(1);
  });

  it('an unwritable cache only costs speed', async () => {
    const blocker = join(tempDir(), 'a-file');
    writeFileSync(blocker, 'not a directory');
    const out = await cachedSynthesizeImage(spec, { dir: join(blocker, 'images') });
    expect(bytesOf(out).length).toBeGreaterThan(0);
    expect(existsSync(join(blocker, 'images'))).toBe(false);
  });
});
