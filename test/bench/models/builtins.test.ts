import { createHash } from 'node:crypto';
import type { InferenceSession } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { synthesizeImage, type SynthImage } from '../../../src/bench/images/synth.js';
import { BUILTIN_MODEL_NAMES, createSession, resolveModel } from '../../../src/bench/models/registry.js';
import { modelInputSize } from '../../../src/contracts/model-input.js';
import type { DecodedImage, Detection, ModelAdapter } from '../../../src/bench/models/types.js';

/** The built-in models with their real weights, on real generated images. */

async function textImage(width: number, height: number, lines: number): Promise<SynthImage> {
  const img = await synthesizeImage({ width, height, targetSizeMb: null, objects: lines, kind: 'text', variant: 0 });
  if ('skipped' in img) throw new Error(img.reason);
  return img;
}

function iou(a: readonly number[], b: readonly number[]): number {
  const w = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const h = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const area = (r: readonly number[]) => (r[2]! - r[0]!) * (r[3]! - r[1]!);
  return (w * h) / (area(a) + area(b) - w * h);
}

/** Raw RGB noise from a fixed linear congruential sequence: the same pixels on every machine. */
function noise(width: number, height: number, seed: number): DecodedImage {
  const data = Buffer.alloc(width * height * 3);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return { data, width, height, channels: 3 };
}

test('two built-ins', () => {
  expect(BUILTIN_MODEL_NAMES).toEqual(['ocr-det', 'ocr-cls']);
});

describe('ocr-det input size (PaddleOCR DetResizeForTest, limit_type max, 960)', () => {
  test.each([
    [640, 480, 640, 480],
    [1920, 1080, 960, 544],
    [3840, 2160, 960, 544],
    [100, 20, 96, 32],
    [48, 80, 64, 64], // 1.5 and 2.5 round half to even, as Python's round()
    [10, 10, 32, 32],
  ])('%ix%i → %ix%i', async (w, h, ew, eh) => {
    const det = await resolveModel('ocr-det');
    expect(modelInputSize(det.resolved.spec.input, w, h)).toEqual({ width: ew, height: eh });
  });
});

test.each([
  [640, 480, 64],
  [1920, 1080, 86],
  [1000, 10, 192],
])('ocr-cls resizes %ix%i to width %i at height 48, in a 192x48 tensor', async (w, h, ew) => {
  const cls = await resolveModel('ocr-cls');
  const prepared = await cls.preprocess(noise(w, h, 1));
  expect(prepared.meta).toMatchObject({ width: ew, height: 48, tensorWidth: 192, tensorHeight: 48, offsetX: 0, offsetY: 0 });
  expect(modelInputSize(cls.resolved.spec.input, w, h)).toEqual({ width: 192, height: 48 });
});

/**
 * The tensors the built-ins are fed, pinned: sha256 of the float32 data, recorded from the
 * hand-written ocr-det and ocr-cls adapters these specs replaced (PaddleOCR's own pre-processing),
 * for images that exercise padding, clipping, down- and up-scaling and the half-to-even rounding.
 */
describe("built-in input tensors are exactly PaddleOCR's", () => {
  let sessions: InferenceSession[] = [];
  afterAll(async () => {
    for (const s of sessions) await s.release();
    sessions = [];
  });
  test.each([
    ['ocr-cls', 640, 480, [1, 3, 48, 192], '78ab561a7e8118b6758d58c9896cd0a65d4dcd21447dc70f75e5b8770e64e753'],
    ['ocr-cls', 1000, 10, [1, 3, 48, 192], 'c283fd06a7cdb4b7e57a6013008b09f739cc91ae6b1e09cc9fa7ddc5a3b51719'],
    ['ocr-cls', 30, 200, [1, 3, 48, 192], 'f82457bc652702c63e1613a5eb832f336e1b0515a87cd8bbc5928d65e0e72935'],
    ['ocr-det', 640, 480, [1, 3, 480, 640], '381fd319965656a7229c1baf8589f5bb34a6ec71cc135829ddb30c4315ec815d'],
    ['ocr-det', 1920, 1080, [1, 3, 544, 960], 'e21ab6d7d2cc39c97b0642c088c4160aea72877ad9a89c0a07ebe84d3dbf16cc'],
    ['ocr-det', 1000, 10, [1, 3, 32, 960], '9bb1932a47898a7d78f5cd0763537c0599e74e9a3d8212a63d6afb2aec233b8a'],
    ['ocr-det', 48, 80, [1, 3, 64, 64], 'eff65069ffb42f3c680959eebd40933f94c236feccf1ccdf4c93eafd32cc11ab'],
  ] as const)('%s %ix%i → %j', async (name, w, h, dims, sha256) => {
    const adapter = await resolveModel(name);
    sessions.push(await createSession(adapter, 1)); // the session names the feed, as in a run
    const prepared = await adapter.preprocess(noise(w, h, w * 7919 + h));
    expect(Object.keys(prepared.feeds)).toEqual(['x']);
    const tensor = prepared.feeds.x!;
    expect(tensor.type).toBe('float32');
    expect(tensor.dims).toEqual(dims);
    const data = tensor.data as Float32Array;
    expect(
      createHash('sha256')
        .update(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
        .digest('hex'),
    ).toBe(sha256);
    expect(modelInputSize(adapter.resolved.spec.input, w, h)).toEqual({ width: dims[3], height: dims[2] });
  });
});

describe('with sessions', () => {
  let det: ModelAdapter, cls: ModelAdapter;
  let detSession: InferenceSession, clsSession: InferenceSession;
  beforeAll(async () => {
    det = await resolveModel('ocr-det');
    cls = await resolveModel('ocr-cls');
    detSession = await createSession(det, 1);
    clsSession = await createSession(cls, 1);
  });
  afterAll(async () => {
    await detSession.release();
    await clsSession.release();
  });

  test('ocr-cls: two probabilities that sum to 1', async () => {
    const img = await textImage(640, 480, 1);
    const prepared = await cls.preprocess(await cls.decode(img.bytes));
    expect(prepared.feeds.x!.dims).toEqual([1, 3, 48, 192]);
    const out = cls.postprocess(await clsSession.run(prepared.feeds), prepared.meta);
    if (out.kind !== 'classification') throw new Error('expected classification');
    expect(out.top).toHaveLength(2);
    expect(out.top.map((t) => t.classId).sort()).toEqual([0, 1]);
    expect(out.top[0]!.score).toBeGreaterThanOrEqual(out.top[1]!.score);
    expect(out.top[0]!.score + out.top[1]!.score).toBeCloseTo(1, 5);
  });

  test('ocr-det: a probability map of the input size, and one box per drawn text line where it was drawn', async () => {
    const img = await textImage(1280, 720, 5);
    const prepared = await det.preprocess(await det.decode(img.bytes));
    expect(prepared.feeds.x!.dims).toEqual([1, 3, 544, 960]);
    const outputs = await detSession.run(prepared.feeds);
    const map = outputs[detSession.outputNames[0]!]!;
    expect(map.dims).toEqual([1, 1, 544, 960]);
    const probs = map.data as Float32Array;
    expect(Math.min(...probs.subarray(0, 10000))).toBeGreaterThanOrEqual(0);
    const out = det.postprocess(outputs, prepared.meta);
    if (out.kind !== 'detection') throw new Error('expected detection');
    expect(out.detections).toHaveLength(5);
    const found = [...out.detections].sort((a, b) => a.box[1] - b.box[1]);
    const drawn = [...img.boxes].sort((a, b) => a[1] - b[1]);
    found.forEach((d, i) => {
      expect(d.score).toBeGreaterThanOrEqual(0.6);
      expect(iou(d.box, drawn[i]!)).toBeGreaterThan(0.7);
    });
  });

  test('ocr-det: a blank page has no text', async () => {
    const img = await textImage(640, 480, 0);
    const prepared = await det.preprocess(await det.decode(img.bytes));
    const out = det.postprocess(await detSession.run(prepared.feeds), prepared.meta);
    expect(out).toEqual({ kind: 'detection', detections: [] });
  });
});

// The built-in detector must find exactly the text lines the generator drew: the harness reports
// `objects` drawn next to `detected`, and the cost model's objects factor relies on them agreeing.

let lineDetector: ModelAdapter;
let lineSession: InferenceSession;

beforeAll(async () => {
  lineDetector = await resolveModel('ocr-det');
  lineSession = await createSession(lineDetector, 1);
});
afterAll(async () => {
  await lineSession?.release();
});

async function detect(image: SynthImage): Promise<Detection[]> {
  const decoded = await lineDetector.decode(image.bytes);
  const prepared = await lineDetector.preprocess(decoded);
  const outputs = await lineSession.run(prepared.feeds);
  const out = lineDetector.postprocess(outputs, prepared.meta);
  if (out.kind !== 'detection') throw new Error(`expected detections, got ${out.kind}`);
  return out.detections;
}

/** Intersection over the smaller box: a detection covers one drawn line. */
function overlap(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const h = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  if (w <= 0 || h <= 0) return 0;
  const area = (r: readonly number[]) => (r[2]! - r[0]!) * (r[3]! - r[1]!);
  return (w * h) / Math.min(area(a), area(b));
}

async function text(width: number, height: number, objects: number, targetSizeMb: number | null, variant = 0): Promise<SynthImage> {
  const out = await synthesizeImage({ width, height, targetSizeMb, objects, kind: 'text', variant });
  if ('skipped' in out) throw new Error(out.reason);
  return out;
}

describe('ocr-det finds exactly the drawn text lines', () => {
  for (const lines of [0, 1, 5, 20]) {
    test(`${lines} lines at 1280x720`, async () => {
      for (const variant of [0, 1]) {
        const image = await text(1280, 720, lines, 0.2, variant);
        const found = await detect(image);
        expect(found.length, `variant ${variant}`).toBe(lines);
        // Each drawn line is matched by a detection lying over it.
        for (const box of image.boxes) expect(Math.max(...found.map((d) => overlap(d.box, box)))).toBeGreaterThan(0.7);
      }
    });
  }

  test('still exact where the size target needs extra grain (texture raised)', async () => {
    for (const [w, h, mb, lines] of [
      [640, 480, 0.2, 5],
      [3840, 2160, 4, 20],
    ] as const) {
      const image = await text(w, h, lines, mb);
      expect(image.note, `${w}x${h} at ${mb} MB should need extra texture`).toMatch(/texture amplitude/);
      expect((await detect(image)).length, `${w}x${h} at ${mb} MB`).toBe(lines);
    }
  });

  test('50 lines at 1920x1080 (the densest default condition)', async () => {
    const image = await text(1920, 1080, 50, 0.5);
    expect((await detect(image)).length).toBe(50);
  });
});
