import type { InferenceSession } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { synthesizeImage, type SynthImage } from '../../../src/bench/images/synth.js';
import { clsResizedWidth } from '../../../src/bench/models/ocr-cls.js';
import { detInputSize } from '../../../src/bench/models/ocr-det.js';
import { BUILTIN_MODEL_NAMES, createSession, resolveModel } from '../../../src/bench/models/registry.js';
import { describeModelFile } from '../../../src/bench/models/onnx-proto.js';
import type { ModelAdapter } from '../../../src/bench/models/types.js';

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
  ])('%ix%i → %ix%i', (w, h, ew, eh) => {
    expect(detInputSize(w, h)).toEqual({ width: ew, height: eh });
  });
});

test.each([
  [640, 480, 64],
  [1920, 1080, 86],
  [1000, 10, 192],
])('ocr-cls resizes %ix%i to width %i at height 48', (w, h, ew) => {
  expect(clsResizedWidth(w, h)).toBe(ew);
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

test('describeModelFile: hash, size and parameter count of the built-ins', async () => {
  const det = await describeModelFile((await resolveModel('ocr-det')).modelPath);
  expect(det.sizeBytes).toBe(4745517);
  expect(det.sha256).toMatch(/^[0-9a-f]{64}$/);
  // paddle2onnx keeps weights in Constant nodes: ~1.17 M parameters in a 4.7 MB float32 file.
  expect(det.parameterCount).toBe(1171841);
  const cls = await describeModelFile((await resolveModel('ocr-cls')).modelPath);
  expect(cls.parameterCount).toBe(133664);
});
