import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { modelInputSize, roundHalfEven } from '../../../src/contracts/model-input.js';
import { placeImage } from '../../../src/bench/models/resize.js';
import { ModelSpecSchema, type ModelSpecInput } from '../../../src/bench/models/spec.js';

/** Every resize rule: the tensor size it gives an image, and where the image lands in it. */

const input = (i: ModelSpecInput['input']) =>
  ModelSpecSchema.parse({ name: 'm', task: 'detection', path: 'm.onnx', input: i, output: { format: 'yolov8' } }).input;

describe('stretch: always the declared size, the image over all of it', () => {
  const spec = input({ width: 640, height: 480, resize: 'stretch' });
  test.each([
    [1920, 1080],
    [10, 3000],
    [640, 480],
  ])('%ix%i', (w, h) => {
    expect(modelInputSize(spec, w, h)).toEqual({ width: 640, height: 480 });
    expect(placeImage(w, h, spec)).toMatchObject({ width: 640, height: 480, offsetX: 0, offsetY: 0, scaleX: 640 / w, scaleY: 480 / h });
  });
});

describe('letterbox: the declared size, the image scaled to fit and centred', () => {
  const spec = input({ width: 640, height: 640, resize: 'letterbox' });
  test.each([
    // 1920x1080 × 1/3 = 640x360, (640 − 360) / 2 = 140 rows above
    [1920, 1080, 640, 360, 0, 140],
    // 480x640 fits as is: (640 − 480) / 2 = 80 columns left
    [480, 640, 480, 640, 80, 0],
    // 100x50 scaled up 6.4×: 640x320 at row 160
    [100, 50, 640, 320, 0, 160],
    // 1x5000: width rounds to 0, kept at 1 pixel; floor((640 − 1) / 2) = 319
    [1, 5000, 1, 640, 319, 0],
  ])('%ix%i → %ix%i at (%i, %i)', (w, h, pw, ph, ox, oy) => {
    expect(modelInputSize(spec, w, h)).toEqual({ width: 640, height: 640 });
    expect(placeImage(w, h, spec)).toMatchObject({ tensorWidth: 640, tensorHeight: 640, width: pw, height: ph, offsetX: ox, offsetY: oy });
  });
});

describe('letterbox_align top-left: the same scale, the image at the top left', () => {
  const spec = input({ width: 640, height: 640, resize: 'letterbox', letterbox_align: 'top-left' });
  test.each([
    [1920, 1080, 640, 360],
    [480, 640, 480, 640],
  ])('%ix%i → %ix%i at (0, 0)', (w, h, pw, ph) => {
    expect(modelInputSize(spec, w, h)).toEqual({ width: 640, height: 640 });
    expect(placeImage(w, h, spec)).toMatchObject({
      tensorWidth: 640,
      tensorHeight: 640,
      width: pw,
      height: ph,
      offsetX: 0,
      offsetY: 0,
      scaleX: pw / w,
      scaleY: ph / h,
    });
  });
});

describe('pad-right: the declared size, aspect kept at the input height, padded on the right', () => {
  const spec = input({ width: 192, height: 48, resize: 'pad-right' });
  test.each([
    [640, 480, 64], // ceil(48 × 4/3)
    [1920, 1080, 86], // ceil(85.33)
    [1000, 10, 192], // 4800 clipped to the input width
    [30, 200, 8], // ceil(7.2)
    [1, 1000, 1], // ceil(0.048), never 0
  ])('%ix%i → %ix48', (w, h, pw) => {
    expect(modelInputSize(spec, w, h)).toEqual({ width: 192, height: 48 });
    expect(placeImage(w, h, spec)).toMatchObject({ width: pw, height: 48, offsetX: 0, offsetY: 0 });
  });
});

describe('longest_side_max: the tensor follows the image', () => {
  const spec = input({ resize: { longest_side_max: 960, multiple_of: 32 } });
  test.each([
    [640, 480, 640, 480], // not scaled up; already multiples of 32
    [1920, 1080, 960, 544], // × 0.5: 960x540, 540/32 = 16.875 → 17 × 32
    [3840, 2160, 960, 544],
    [100, 20, 96, 32], // 3.125 → 3, 0.625 → 1
    [48, 80, 64, 64], // 1.5 → 2 and 2.5 → 2: half to even, as Python's round()
    [10, 10, 32, 32], // at least one multiple
    [1000, 10, 960, 32], // 10 × 0.96 = 9.6, truncated to 9 before rounding: 0 → one multiple
    [961, 961, 960, 960],
  ])('%ix%i → %ix%i', (w, h, ew, eh) => {
    expect(modelInputSize(spec, w, h)).toEqual({ width: ew, height: eh });
    expect(placeImage(w, h, spec)).toMatchObject({ width: ew, height: eh, offsetX: 0, offsetY: 0, scaleX: ew / w, scaleY: eh / h });
  });

  test('multiple_of defaults to 32; another multiple', () => {
    expect(input({ resize: { longest_side_max: 960 } }).resize).toEqual({ longest_side_max: 960, multiple_of: 32 });
    // 1280x720 × 0.5 = 640x360: 640/64 = 10, 360/64 = 5.625 → 6
    expect(modelInputSize(input({ resize: { longest_side_max: 640, multiple_of: 64 } }), 1280, 720)).toEqual({ width: 640, height: 384 });
  });

  test('property: sides are positive multiples, within longest_side_max rounded up to a multiple, and never scaled up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8000 }),
        fc.integer({ min: 1, max: 8000 }),
        fc.integer({ min: 32, max: 2000 }),
        fc.constantFrom(1, 8, 16, 32),
        (w, h, max, m) => {
          const size = modelInputSize(input({ resize: { longest_side_max: max, multiple_of: m } }), w, h);
          for (const [side, src] of [
            [size.width, w],
            [size.height, h],
          ] as const) {
            expect(side % m).toBe(0);
            expect(side).toBeGreaterThanOrEqual(m);
            expect(side).toBeLessThanOrEqual(Math.max(m, Math.ceil(Math.min(src, max) / m) * m));
          }
        },
      ),
    );
  });
});

test("roundHalfEven is Python's round()", () => {
  expect([0.5, 1.5, 2.5, 3.5, 16.875, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 17, 2, 3]);
});

describe('the spec says which sizes apply', () => {
  const problem = (i: unknown) =>
    ModelSpecSchema.safeParse({ name: 'm', task: 'detection', path: 'm.onnx', input: i, output: { format: 'db' } }).error?.issues[0];
  test('a fixed rule needs width and height', () => {
    expect(problem({ width: 640, resize: 'letterbox' })).toMatchObject({
      path: ['input', 'height'],
      message: 'input.height is required with resize letterbox',
    });
    expect(problem({ height: 48 })).toMatchObject({ path: ['input', 'width'], message: 'input.width is required with resize stretch' });
  });
  test('longest_side_max takes neither', () => {
    expect(problem({ width: 960, resize: { longest_side_max: 960 } })).toMatchObject({
      path: ['input', 'width'],
      message: expect.stringMatching(/does not apply with resize longest_side_max/),
    });
  });
  test('an unknown rule names the rules', () => {
    expect(problem({ width: 1, height: 1, resize: 'crop' })?.message).toBe(
      'input.resize must be stretch, letterbox, pad-right or { longest_side_max, multiple_of }',
    );
    expect(problem({ resize: { longest_side_max: 0 } })).toMatchObject({
      path: ['input', 'resize', 'longest_side_max'],
      message: 'input.resize.longest_side_max must be greater than 0',
    });
  });
});
