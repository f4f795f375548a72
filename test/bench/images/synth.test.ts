import { createHash } from 'node:crypto';
import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RESOLUTIONS, DEFAULT_SIZES_MB } from '../../../src/bench/images/defaults.js';
import { SIZE_TOLERANCE, synthesizeImage, type SynthImage, type SynthSpec } from '../../../src/bench/images/synth.js';
import { UserError } from '../../../src/core/errors.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function made(spec: SynthSpec): Promise<SynthImage> {
  const out = await synthesizeImage(spec);
  if ('skipped' in out) throw new Error(`unexpectedly skipped: ${out.reason}`);
  return out;
}

const small: SynthSpec = { width: 320, height: 240, targetSizeMb: 0.02, objects: 3, kind: 'text', variant: 0 };

describe('synthesizeImage: determinism', () => {
  it('the same spec gives the same bytes twice', async () => {
    const a = await made({ width: 1280, height: 720, targetSizeMb: 0.2, objects: 5, kind: 'text', variant: 1 });
    const b = await made({ width: 1280, height: 720, targetSizeMb: 0.2, objects: 5, kind: 'text', variant: 1 });
    expect(sha256(a.bytes)).toBe(sha256(b.bytes));
    expect(a.boxes).toEqual(b.boxes);
  });

  it('a small fixture has a recorded sha256, so any change in fonts, layout, texture or encoder is noticed', async () => {
    const img = await made(small);
    // Update together with GENERATOR_VERSION (src/bench/images/synth.ts) when the output changes on purpose.
    expect({ sha256: sha256(img.bytes), quality: img.quality, bytes: img.bytes.length }).toEqual(RECORDED_SMALL);
  });

  it('variants of one condition are distinct images; seed changes them too', async () => {
    const base = { width: 640, height: 480, targetSizeMb: 0.05, objects: 5, kind: 'text' as const };
    const hashes = new Set<string>();
    for (const variant of [0, 1, 2, 3]) hashes.add(sha256((await made({ ...base, variant })).bytes));
    hashes.add(sha256((await made({ ...base, variant: 0, seed: 7 })).bytes));
    expect(hashes.size).toBe(5);
  });
});

describe('synthesizeImage: file size', () => {
  // Every default condition, at the extremes of the object counts (text lines change the size most).
  for (const { width, height } of DEFAULT_RESOLUTIONS) {
    const sizes = DEFAULT_SIZES_MB[`${width}x${height}`]!;
    it(`${width}x${height}: ${sizes.join(', ')} MB within ±${SIZE_TOLERANCE * 100}%`, async () => {
      for (const targetSizeMb of sizes) {
        for (const objects of [0, 50]) {
          const img = await made({ width, height, targetSizeMb, objects, kind: 'text', variant: 0 });
          expect(img.sizeMb).toBe(img.bytes.length / 1e6);
          expect(
            Math.abs(img.sizeMb - targetSizeMb) / targetSizeMb,
            `${targetSizeMb} MB, ${objects} objects: got ${img.sizeMb}`,
          ).toBeLessThanOrEqual(SIZE_TOLERANCE);
          const meta = await sharp(img.bytes).metadata();
          expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', width, height]);
        }
      }
    });
  }

  it('an impossible target is skipped with a reason, not thrown', async () => {
    const big = await synthesizeImage({ width: 640, height: 480, targetSizeMb: 3, objects: 5, kind: 'text', variant: 0 });
    expect(big).toMatchObject({ skipped: true });
    expect((big as { reason: string }).reason).toMatch(/3 MB is out of reach at 640x480: this generator makes at most 0\.\d+ MB/);
    const tiny = await synthesizeImage({ width: 3840, height: 2160, targetSizeMb: 0.01, objects: 0, kind: 'text', variant: 0 });
    expect((tiny as { reason: string }).reason).toMatch(/0.01 MB is out of reach at 3840x2160: this generator makes at least/);
  });

  it('more objects than fit legibly are skipped with a reason', async () => {
    const out = await synthesizeImage({ width: 640, height: 480, targetSizeMb: null, objects: 400, kind: 'text', variant: 0 });
    expect(out).toEqual({
      skipped: true,
      reason: expect.stringMatching(/^400 text lines don't fit legibly in 640x480 \(font would be \d+\.\d px, minimum 8\)$/),
    });
    const shapes = await synthesizeImage({ width: 64, height: 64, targetSizeMb: null, objects: 100, kind: 'shapes', variant: 0 });
    expect(shapes).toMatchObject({ skipped: true });
    // 50 lines at the smallest default resolution still fit.
    expect(
      await synthesizeImage({ width: 640, height: 480, targetSizeMb: null, objects: 50, kind: 'text', variant: 0 }),
    ).not.toHaveProperty('skipped');
  });

  it('no target: a typical quality, the actual size reported', async () => {
    const img = await made({ width: 640, height: 480, targetSizeMb: null, objects: 2, kind: 'shapes', variant: 0 });
    expect(img.quality).toBe(85);
    expect(img.targetSizeMb).toBeNull();
    expect(img.sizeMb).toBe(img.bytes.length / 1e6);
  });

  it('zero, negative or absurd sizes are user errors', async () => {
    await expect(synthesizeImage({ ...small, width: 0 })).rejects.toThrow(UserError);
    await expect(synthesizeImage({ ...small, targetSizeMb: -1 })).rejects.toThrow(/targetSizeMb/);
    await expect(synthesizeImage({ ...small, width: 16384, height: 16384 })).rejects.toThrow(/more than 100000000 pixels/);
  });
});

describe('synthesizeImage: objects', () => {
  for (const kind of ['text', 'shapes'] as const) {
    it(`${kind}: one box per object, inside the image, not overlapping, and really drawn`, async () => {
      for (const objects of [0, 1, 7, 50]) {
        const img = await made({ width: 1280, height: 720, targetSizeMb: null, objects, kind, variant: 2 });
        expect(img.objects).toBe(objects);
        expect(img.boxes).toHaveLength(objects);
        const { data, info } = await sharp(img.bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
        for (const [i, [x1, y1, x2, y2]] of img.boxes.entries()) {
          expect(x1).toBeGreaterThanOrEqual(0);
          expect(y1).toBeGreaterThanOrEqual(0);
          expect(x2).toBeLessThanOrEqual(1280);
          expect(y2).toBeLessThanOrEqual(720);
          expect(x2 - x1).toBeGreaterThan(4);
          expect(y2 - y1).toBeGreaterThan(4);
          for (const other of img.boxes.slice(i + 1)) {
            const apart = other[0] >= x2 || other[2] <= x1 || other[1] >= y2 || other[3] <= y1;
            expect(apart).toBe(true);
          }
          // Dark ink inside the box on a light background.
          let darkest = 255;
          for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) darkest = Math.min(darkest, data[y * info.width + x]!);
          expect(darkest).toBeLessThan(100);
        }
        // Outside every box the image is light (background texture only).
        const inBox = (x: number, y: number) => img.boxes.some(([a, b, c, d]) => x >= a - 2 && x < c + 2 && y >= b - 2 && y < d + 2);
        let darkOutside = 0;
        for (let y = 0; y < 720; y += 3)
          for (let x = 0; x < 1280; x += 3) if (!inBox(x, y) && data[y * info.width + x]! < 150) darkOutside++;
        expect(darkOutside).toBe(0);
      }
    });
  }
});

const RECORDED_SMALL = { sha256: 'bba566a08aaf0e90547b70c73e1802f3e4effbba8d76dec63cd5be40ebad0069', quality: 94, bytes: 20390 };

describe('synthesizeImage: any spec', () => {
  it('either skips with a reason or draws exactly `objects` separate boxes inside the image', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          width: fc.integer({ min: 32, max: 700 }),
          height: fc.integer({ min: 32, max: 500 }),
          objects: fc.integer({ min: 0, max: 60 }),
          kind: fc.constantFrom('text' as const, 'shapes' as const),
          variant: fc.integer({ min: 0, max: 5 }),
        }),
        async (s) => {
          const out = await synthesizeImage({ ...s, targetSizeMb: null });
          if ('skipped' in out) {
            expect(out.reason).toMatch(/don't fit/);
            return;
          }
          expect(out.boxes).toHaveLength(s.objects);
          for (const [i, b] of out.boxes.entries()) {
            expect(b[0] >= 0 && b[1] >= 0 && b[2] <= s.width && b[3] <= s.height && b[2] > b[0] && b[3] > b[1]).toBe(true);
            for (const o of out.boxes.slice(i + 1)) expect(o[0] >= b[2] || o[2] <= b[0] || o[1] >= b[3] || o[3] <= b[1]).toBe(true);
          }
        },
      ),
      { numRuns: 40, seed: 20261124 },
    );
  });
});
