import sharp, { type Sharp } from 'sharp';
import { expect, test } from 'vitest';
import { resolveModel } from '../../../src/bench/models/registry.js';
import { UserError } from '../../../src/core/errors.js';

/** Decoding: any image sharp reads becomes raw 3-channel RGB; anything else is a UserError naming it. */

test('an undecodable image is a UserError naming it', async () => {
  const adapter = await resolveModel('ocr-cls');
  const err = await adapter.decode(Buffer.from('not an image'), 'photos/broken.jpg').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  expect((err as Error).message).toMatch(/^photos\/broken\.jpg: cannot decode image/);
});

test.each([
  ['greyscale', (img: Sharp) => img.greyscale().png()],
  ['RGBA', (img: Sharp) => img.ensureAlpha(0.5).png()],
  ['CMYK JPEG', (img: Sharp) => img.toColourspace('cmyk').jpeg()],
])('a %s image decodes to 3-channel RGB', async (_, encode) => {
  const bytes = await encode(sharp({ create: { width: 5, height: 3, channels: 3, background: { r: 90, g: 60, b: 30 } } })).toBuffer();
  const adapter = await resolveModel('ocr-det');
  const image = await adapter.decode(bytes);
  expect(image).toMatchObject({ width: 5, height: 3, channels: 3 });
  expect(image.data.length).toBe(5 * 3 * 3);
});
