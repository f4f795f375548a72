import sharp, { type Sharp } from 'sharp';
import { describe, expect, test } from 'vitest';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../../src/bench/models/float16.js';
import { createSession, resolveModel } from '../../../src/bench/models/registry.js';
import { ModelSpecSchema, type ModelSpecInput } from '../../../src/bench/models/spec.js';
import { placeImage } from '../../../src/bench/models/resize.js';
import { UserError } from '../../../src/core/errors.js';
import { tempDir } from '../../helpers/cli.js';
import { castToFloat32Model, writeModel } from '../../helpers/onnx-graphs.js';

/**
 * What a user model actually receives: each test runs a real onnxruntime session on a graph that
 * casts its input to float32 and returns it, so layout, colour order, normalisation, letterbox
 * padding and float16 encoding are read back from the model's side.
 */

const dir = tempDir('capacity-plan-pre-');
const PIXEL = { r: 10, g: 128, b: 255 };

async function seen(input: ModelSpecInput['input'], image: { width: number; height: number; png?: Buffer }): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const spec = ModelSpecSchema.parse({ name: 'echo', task: 'classification', path: 'echo.onnx', input, output: { format: 'logits' } });
  const [h, w] = [spec.input.height ?? 'height', spec.input.width ?? 'width'];
  const shape = spec.input.layout === 'NCHW' ? [1, 3, h, w] : [1, h, w, 3];
  writeModel(dir, 'echo.onnx', castToFloat32Model(shape, spec.input.dtype));
  const adapter = await resolveModel(spec, dir);
  const session = await createSession(adapter, 1);
  try {
    const png = image.png ?? (await sharp({ create: { width: image.width, height: image.height, channels: 3, background: PIXEL } }).png().toBuffer());
    const prepared = await adapter.preprocess(await adapter.decode(png));
    const out = (await session.run(prepared.feeds)).seen!;
    return { data: out.data as Float32Array, dims: out.dims };
  } finally {
    await session.release();
  }
}

describe('float32 → float16 bits (round to nearest, ties to even)', () => {
  test.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [0.1, 0x2e66],
    [65504, 0x7bff], // largest half
    [65519, 0x7bff], // just below the rounding midpoint
    [65520, 0x7c00], // midpoint rounds to even → Inf
    [1e6, 0x7c00],
    [-Infinity, 0xfc00],
    [1 + 2 ** -11, 0x3c00], // tie → even (down)
    [1 + 3 * 2 ** -11, 0x3c02], // tie → even (up)
    [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above a tie → up
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // tie between 0 and the smallest subnormal → even (0)
    [1.5 * 2 ** -25, 0x0001],
    [3 * 2 ** -25, 0x0002], // subnormal tie 1.5 → even 2
    [-0, 0x8000],
  ])('%d → 0x%s', (value, bits) => {
    expect(float32ToFloat16Bits(value)).toBe(bits);
  });

  test('NaN stays NaN', () => {
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN)))).toBe(true);
  });

  test('every half value survives a round trip', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const exp = (bits >>> 10) & 0x1f;
      if (exp === 0x1f && (bits & 0x3ff) !== 0) continue; // NaN payloads
      expect(float32ToFloat16Bits(float16BitsToFloat32(bits))).toBe(bits);
    }
  });
});

describe('the input tensor a model receives', () => {
  test('float16 input: onnxruntime gets the correctly rounded halves', async () => {
    const { data, dims } = await seen({ width: 4, height: 4, dtype: 'float16', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }, { width: 4, height: 4 });
    expect(dims).toEqual([1, 48]);
    const half = (v: number) => float16BitsToFloat32(float32ToFloat16Bits(Math.fround(v)));
    const expected = [PIXEL.r, PIXEL.g, PIXEL.b].map((p) => half((p / 255 - 0.5) / 0.25));
    for (let c = 0; c < 3; c++) for (let i = 0; i < 16; i++) expect(data[c * 16 + i]).toBe(expected[c]);
    expect(expected[0]).not.toBe(Math.fround((PIXEL.r / 255 - 0.5) / 0.25)); // the halves really are rounded
  });

  test('NHWC and BGR: channels interleaved, in the model colour order', async () => {
    const { data, dims } = await seen({ width: 4, height: 4, layout: 'NHWC', color: 'BGR', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] }, { width: 4, height: 4 });
    expect(dims).toEqual([1, 48]);
    expect(Array.from(data.subarray(0, 6))).toEqual([255, 128, 10, 255, 128, 10]);
  });

  test('letterbox: aspect kept, centred, padded with pad_value', async () => {
    // 8x4 into 4x4: scaled to 4x2 at rows 1-2; rows 0 and 3 are padding.
    const { data } = await seen({ width: 4, height: 4, resize: 'letterbox', pad_value: 114, scale: 1, mean: [0, 0, 0], std: [1, 1, 1] }, { width: 8, height: 4 });
    const red = Array.from(data.subarray(0, 16)); // channel R, 4 rows of 4
    expect(red).toEqual([114, 114, 114, 114, 10, 10, 10, 10, 10, 10, 10, 10, 114, 114, 114, 114]);
  });

  test('pad-right: aspect kept at the input height, the rest of the width 0 in the tensor', async () => {
    // 8x4 into 6x2: 4x2 at the left; columns 4-5 are 0 after normalisation, not a normalised pixel.
    const { data } = await seen({ width: 6, height: 2, resize: 'pad-right', scale: 1, mean: [100, 100, 100], std: [2, 2, 2] }, { width: 8, height: 4 });
    const red = Array.from(data.subarray(0, 12)); // channel R, 2 rows of 6
    const r = (PIXEL.r - 100) / 2;
    expect(red).toEqual([r, r, r, r, 0, 0, r, r, r, r, 0, 0]);
  });

  test('longest_side_max: a tensor sized by each image, for a model with symbolic height and width', async () => {
    const rule = { resize: { longest_side_max: 64, multiple_of: 32 }, scale: 1 } as const;
    // 100x40 × 0.64 = 64x25.6 → 64x25 → 64x32; 20x20 is not scaled up: one multiple, 32x32.
    expect((await seen(rule, { width: 100, height: 40 })).dims).toEqual([1, 3 * 32 * 64]);
    const small = await seen(rule, { width: 20, height: 20 });
    expect(small.dims).toEqual([1, 3 * 32 * 32]);
    expect(small.data[0]).toBe(PIXEL.r);
  });

  test('stretch fills the whole input', async () => {
    const { data } = await seen({ width: 4, height: 4, resize: 'stretch', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] }, { width: 8, height: 4 });
    expect(Array.from(data.subarray(32, 48))).toEqual(new Array(16).fill(255));
  });
});

test('letterbox placement and its inverse', () => {
  const input = ModelSpecSchema.parse({ name: 'x', task: 'detection', path: 'x.onnx', input: { width: 640, height: 640, resize: 'letterbox' }, output: { format: 'yolov8' } }).input;
  expect(placeImage(1920, 1080, input)).toMatchObject({ width: 640, height: 360, offsetX: 0, offsetY: 140 });
  expect(placeImage(480, 640, input)).toMatchObject({ width: 480, height: 640, offsetX: 80, offsetY: 0 });
});

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
