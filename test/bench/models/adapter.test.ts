import { writeFileSync } from 'node:fs';
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, describe, expect, test } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../../src/bench/models/float16.js';
import { createSession, resolveModel } from '../../../src/bench/models/registry.js';
import { ModelSpecSchema, type ModelSpecInput } from '../../../src/bench/models/spec.js';
import type { Detection, ModelAdapter, ModelOutput } from '../../../src/bench/models/types.js';
import { tempDir } from '../../helpers/cli.js';
import {
  castToFloat32Model,
  constantOutputsModel,
  extraInputsModel,
  writeModel,
  type ConstOutput,
  type Dim,
} from '../../helpers/onnx-graphs.js';

/**
 * The spec-driven adapter through real onnxruntime sessions on small graphs this test builds.
 * First every output format, on graphs whose outputs are fixed tensors, so decoded boxes, classes
 * and scores are exactly known; then the refusals; then what the model receives as input.
 */

const dir = tempDir('capacity-plan-models-');
const sessions: InferenceSession[] = [];
afterAll(async () => {
  for (const s of sessions) await s.release();
});

async function solidImage(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 40, g: 90, b: 200 } } })
    .png()
    .toBuffer();
}

function spec(
  name: string,
  input: Partial<ModelSpecInput['input']> & { width: number; height: number },
  output: ModelSpecInput['output'],
  task: 'classification' | 'detection' = 'detection',
) {
  return ModelSpecSchema.parse({ name, task, path: `${name}.onnx`, input, output });
}

async function open(
  s: ReturnType<typeof spec>,
  outputs: ConstOutput[],
  outputShapes?: Dim[][],
  inputShape?: Dim[],
): Promise<{ adapter: ModelAdapter; session: InferenceSession }> {
  const shape =
    inputShape ?? (s.input.layout === 'NCHW' ? [1, 3, s.input.height!, s.input.width!] : [1, s.input.height!, s.input.width!, 3]);
  writeModel(dir, s.path, constantOutputsModel({ shape, type: s.input.dtype }, outputs, outputShapes));
  const adapter = await resolveModel(s, dir);
  const session = await createSession(adapter, 1);
  sessions.push(session);
  return { adapter, session };
}

async function run(adapter: ModelAdapter, session: InferenceSession, width: number, height: number): Promise<ModelOutput> {
  const image = await adapter.decode(await solidImage(width, height), 'solid.png');
  const prepared = await adapter.preprocess(image);
  const outputs = await session.run(prepared.feeds);
  return adapter.postprocess(outputs, prepared.meta);
}

function detections(out: ModelOutput): Detection[] {
  if (out.kind !== 'detection') throw new Error('expected detections');
  return out.detections;
}

function expectBox(actual: Detection['box'], expected: number[]): void {
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
}

describe('logits', () => {
  test('softmax then top-k, best first', async () => {
    const s = spec('cls', { width: 32, height: 32 }, { format: 'logits', top_k: 2 }, 'classification');
    const { adapter, session } = await open(s, [{ name: 'logits', dims: [1, 4], values: [1, 3, 2, 0] }]);
    const out = await run(adapter, session, 50, 40);
    if (out.kind !== 'classification') throw new Error('expected classification');
    const z = Math.exp(1) + Math.exp(3) + Math.exp(2) + Math.exp(0);
    expect(out.top.map((t) => t.classId)).toEqual([1, 2]);
    expect(out.top[0]!.score).toBeCloseTo(Math.exp(3) / z, 6);
    expect(out.top[1]!.score).toBeCloseTo(Math.exp(2) / z, 6);
  });
});

// Rows cx, cy, w, h, objectness, class0, class1 in input pixels.
const V5_ROWS = [
  [20, 30, 10, 10, 0.9, 0.9, 0.1], // A: class 0, 0.81
  [21, 30, 10, 10, 0.8, 0.9, 0.1], // B: class 0, 0.72, overlaps A → suppressed
  [21, 30, 10, 10, 0.9, 0.1, 0.8], // C: class 1, 0.72, overlaps A but another class → kept
  [50, 50, 10, 10, 0.1, 0.9, 0.9], // D: objectness below the threshold → dropped
];

describe('yolov5', () => {
  test('objectness × class score, per-class NMS, stretch mapped back', async () => {
    const s = spec(
      'v5',
      { width: 64, height: 64, resize: 'stretch' },
      { format: 'yolov5', num_classes: 2, score_threshold: 0.25, iou_threshold: 0.45 },
    );
    const { adapter, session } = await open(s, [{ name: 'output0', dims: [1, 4, 7], values: V5_ROWS.flat() }]);
    const dets = detections(await run(adapter, session, 128, 64)); // x scale 0.5, y scale 1
    expect(dets.map((d) => d.classId)).toEqual([0, 1]);
    expect(dets[0]!.score).toBeCloseTo(0.81, 5);
    expect(dets[1]!.score).toBeCloseTo(0.72, 5);
    expectBox(dets[0]!.box, [30, 25, 50, 35]);
    expectBox(dets[1]!.box, [32, 25, 52, 35]);
  });
});

describe('yolov8', () => {
  test('transposed [1, 4+C, N], no objectness, letterbox mapped back', async () => {
    // Columns: A class 0 0.9; B class 0 0.8 (suppressed by A); C class 1 0.7 (kept); D below threshold.
    const cols = [
      [20, 30, 10, 10, 0.9, 0.1],
      [21, 30, 10, 10, 0.8, 0.1],
      [21, 30, 10, 10, 0.1, 0.7],
      [50, 50, 10, 10, 0.1, 0.1],
    ];
    const values = [0, 1, 2, 3, 4, 5].flatMap((k) => cols.map((c) => c[k]!));
    const s = spec('v8', { width: 64, height: 64, resize: 'letterbox' }, { format: 'yolov8', num_classes: 2, score_threshold: 0.25 });
    const { adapter, session } = await open(s, [{ name: 'output0', dims: [1, 6, 4], values }]);
    // 128x64 → 64x32 letterboxed at y offset 16: x_orig = x / 0.5, y_orig = (y − 16) / 0.5.
    const dets = detections(await run(adapter, session, 128, 64));
    expect(dets.map((d) => [d.classId, Number(d.score.toFixed(5))])).toEqual([
      [0, 0.9],
      [1, 0.7],
    ]);
    expectBox(dets[0]!.box, [30, 18, 50, 38]);
    expectBox(dets[1]!.box, [32, 18, 52, 38]);
  });
});

describe('yolox', () => {
  test('grid and stride decoding over strides 8, 16, 32', async () => {
    const strides = [8, 16, 32];
    const n = 64 + 16 + 4; // 64x64 input: 8x8 + 4x4 + 2x2 anchors
    const rows = Array.from({ length: n }, () => [0, 0, 0, 0, 0, 0]);
    rows[9] = [0, 0, 0, 0, 0.8, 0.5]; // stride 8, gx 1, gy 1: centre 8,8, size 8 → [4, 4, 12, 12], 0.4
    rows[64 + 1 * 4 + 2] = [0.5, 0.5, Math.log(2), 0, 0.9, 0.9]; // stride 16, gx 2, gy 1: centre 40,24, 32x16 → [24, 16, 56, 32], 0.81
    const s = spec('yx', { width: 64, height: 64 }, { format: 'yolox', strides, num_classes: 1, score_threshold: 0.3 });
    const { adapter, session } = await open(s, [{ name: 'output', dims: [1, n, 6], values: rows.flat() }]);
    const dets = detections(await run(adapter, session, 64, 64));
    expect(dets.map((d) => Number(d.score.toFixed(5)))).toEqual([0.81, 0.4]);
    expectBox(dets[0]!.box, [24, 16, 56, 32]);
    expectBox(dets[1]!.box, [4, 4, 12, 12]);
  });
});

describe('ssd', () => {
  test('named boxes and scores outputs, normalised xyxy, background class skipped', async () => {
    const boxes = [0.1, 0.1, 0.5, 0.5, 0.12, 0.1, 0.5, 0.5, 0.6, 0.6, 0.9, 0.9];
    const scores = [
      0.1,
      0.8,
      0.1, // class 1, 0.8
      0.05,
      0.7,
      0.25, // class 1, 0.7: overlaps the first → suppressed
      0.9,
      0.05,
      0.05, // background: best other class 0.05 → dropped
    ];
    const s = spec(
      'ssd',
      { width: 100, height: 100 },
      { format: 'ssd', boxes: 'boxes', scores: 'scores', background_class: 0, score_threshold: 0.5 },
    );
    // Outputs in the opposite order to the defaults: the names must be honoured.
    const { adapter, session } = await open(s, [
      { name: 'scores', dims: [1, 3, 3], values: scores },
      { name: 'boxes', dims: [1, 3, 4], values: boxes },
    ]);
    const dets = detections(await run(adapter, session, 200, 100));
    expect(dets).toHaveLength(1);
    expect(dets[0]!.classId).toBe(1);
    expect(dets[0]!.score).toBeCloseTo(0.8, 6);
    expectBox(dets[0]!.box, [20, 10, 100, 50]);
  });
});

describe('db', () => {
  test('probability map → scored, unclipped boxes; weak and tiny regions dropped', async () => {
    const W = 32,
      H = 32;
    const map = new Array<number>(W * H).fill(0);
    const fill = (x1: number, y1: number, x2: number, y2: number, p: number) => {
      for (let y = y1; y <= y2; y++) for (let x = x1; x <= x2; x++) map[y * W + x] = p;
    };
    fill(4, 4, 14, 8, 0.9); // region 10x4 (pixel-centre extent)
    fill(16, 20, 28, 26, 0.8); // region 12x6
    fill(2, 20, 10, 26, 0.5); // above the 0.3 binary threshold, box score 0.5 < 0.6 → dropped
    fill(28, 2, 29, 3, 0.95); // 1x1 extent → below min_size → dropped
    const s = spec('db', { width: W, height: H }, { format: 'db', score_threshold: 0.6 });
    const { adapter, session } = await open(s, [{ name: 'maps', dims: [1, 1, H, W], values: map }]);
    const dets = detections(await run(adapter, session, 64, 64)); // ×2 back to the original
    expect(dets).toHaveLength(2);
    const d1 = (10 * 4 * 1.5) / (2 * (10 + 4));
    const d2 = (12 * 6 * 1.5) / (2 * (12 + 6));
    expect(dets[0]!.score).toBeCloseTo(0.9, 5);
    expectBox(dets[0]!.box, [(4 - d1) * 2, (4 - d1) * 2, (14 + d1) * 2, (8 + d1) * 2]);
    expect(dets[1]!.score).toBeCloseTo(0.8, 5);
    expectBox(dets[1]!.box, [(16 - d2) * 2, (20 - d2) * 2, (28 + d2) * 2, (26 + d2) * 2]);
  });
});

describe('refusals', () => {
  async function refusal(p: Promise<unknown>): Promise<string> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    const message = (err as UserError).message;
    expect(message).not.toContain('\n');
    expect(message).not.toMatch(/\bat .*\.(js|ts):\d+/);
    return message;
  }

  test('an output that does not fit the declared format, from the model metadata', async () => {
    const s = spec('wrong', { width: 32, height: 32 }, { format: 'yolov8' });
    const values = new Array<number>(300 * 85).fill(0);
    const message = await refusal(open(s, [{ name: 'output0', dims: [1, 300, 85], values }]));
    expect(message).toContain('wrong.onnx');
    expect(message).toContain('wrong.onnx: output format yolov8 expects [1, 4+C, N], got [1, 300, 85] (more values per box than boxes');
  });

  test('a yolov8-shaped output declared as yolov5', async () => {
    const s = spec('v5-wrong', { width: 32, height: 32 }, { format: 'yolov5' });
    const message = await refusal(open(s, [{ name: 'output0', dims: [1, 85, 300], values: new Array<number>(300 * 85).fill(0) }]));
    expect(message).toContain(
      'v5-wrong.onnx: output format yolov5 expects [1, N, 5+C], got [1, 85, 300] (more values per box than boxes: transposed? try yolov8)',
    );
  });

  test('ssd boxes and scores with different N', async () => {
    const s = spec('ssd-n', { width: 32, height: 32 }, { format: 'ssd' });
    const message = await refusal(
      open(s, [
        { name: 'boxes', dims: [1, 3, 4], values: new Array<number>(12).fill(0) },
        { name: 'scores', dims: [1, 2, 5], values: new Array<number>(10).fill(0) },
      ]),
    );
    expect(message).toContain(
      'output format ssd expects boxes [1, N, 4] and scores [1, N, C], got boxes [1, 3, 4] and scores [1, 2, 5] (N differs)',
    );
  });

  test('every real output is checked too (models with symbolic output shapes)', async () => {
    const s = spec('late', { width: 32, height: 32 }, { format: 'yolov5', num_classes: 80 });
    const { adapter, session } = await open(s, [{ name: 'out', dims: [1, 3, 85], values: new Array<number>(255).fill(0) }]);
    const prepared = await adapter.preprocess(await adapter.decode(await solidImage(32, 32)));
    const outputs = await session.run(prepared.feeds);
    expect(detections(adapter.postprocess(outputs, prepared.meta))).toEqual([]);
    const wrong = { out: new Tensor('float32', new Float32Array(21), [1, 3, 7]) };
    const message = await refusal(Promise.resolve().then(() => adapter.postprocess(wrong, prepared.meta)));
    expect(message).toContain('output format yolov5 expects [1, N, 5+C] with C=80, got [1, 3, 7]');
  });

  test('yolox with an anchor count that does not match the input size and strides', async () => {
    const s = spec('yx-bad', { width: 64, height: 64 }, { format: 'yolox', num_classes: 1 });
    const message = await refusal(open(s, [{ name: 'out', dims: [1, 80, 6], values: new Array<number>(480).fill(0) }]));
    expect(message).toContain('expects [1, N, 5+C] with N=84 for 64x64 and strides 8,16,32, got [1, 80, 6]');
  });

  test('ssd needs two outputs', async () => {
    const s = spec('ssd-one', { width: 32, height: 32 }, { format: 'ssd' });
    const message = await refusal(open(s, [{ name: 'boxes', dims: [1, 3, 4], values: new Array<number>(12).fill(0) }]));
    expect(message).toContain('output format ssd expects two outputs');
  });

  test("a declared input size that differs from the model's static input", async () => {
    const s = spec('size', { width: 64, height: 64 }, { format: 'logits' }, 'classification');
    const message = await refusal(open(s, [{ name: 'logits', dims: [1, 2], values: [0, 1] }], undefined, [1, 3, 32, 32]));
    expect(message).toContain('input images is [1, 3, 32, 32], but the spec declares [1, 3, 64, 64]');
  });

  test('a tensor sized by each image declared for a model with a static input size', async () => {
    const s = ModelSpecSchema.parse({
      name: 'fixed',
      task: 'detection',
      path: 'fixed.onnx',
      input: { resize: { longest_side_max: 960 } },
      output: { format: 'db' },
    });
    const message = await refusal(
      open(s, [{ name: 'maps', dims: [1, 1, 8, 8], values: new Array<number>(64).fill(0) }], undefined, [1, 3, 640, 640]),
    );
    expect(message).toContain(
      'fixed.onnx: input images is [1, 3, 640, 640], but the spec declares [1, 3, ?, ?] (NCHW, height and width following each image)',
    );
  });

  test('a declared input name the model does not have', async () => {
    const s = spec('named', { width: 8, height: 8, name: 'pixels' }, { format: 'logits' }, 'classification');
    const message = await refusal(open(s, [{ name: 'logits', dims: [1, 2], values: [0, 1] }]));
    expect(message).toContain('named.onnx: the model has no input pixels (inputs: images)');
  });

  test('a declared dtype that differs from the model input', async () => {
    const s = spec('dtype', { width: 8, height: 8, dtype: 'float16' }, { format: 'logits' }, 'classification');
    writeModel(
      dir,
      'dtype.onnx',
      constantOutputsModel({ shape: [1, 3, 8, 8], type: 'float32' }, [{ name: 'logits', dims: [1, 2], values: [0, 1] }]),
    );
    const message = await refusal(resolveModel(s, dir).then((a) => createSession(a, 1)));
    expect(message).toContain('input images is float32, but the spec says dtype float16');
  });

  test('a truncated model file', async () => {
    const bytes = constantOutputsModel({ shape: [1, 3, 8, 8] }, [
      { name: 'logits', dims: [1, 100], values: new Array<number>(100).fill(1) },
    ]);
    writeModel(dir, 'cut.onnx', bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const s = spec('cut', { width: 8, height: 8 }, { format: 'logits' }, 'classification');
    const message = await refusal(resolveModel(s, dir).then((a) => createSession(a, 1)));
    expect(message).toMatch(/cut\.onnx: not a valid ONNX model/);
  });

  test('a file that is not ONNX at all', async () => {
    writeFileSync(`${dir}/notes.onnx`, 'this is a text file, not a model\n');
    const s = spec('notes', { width: 8, height: 8 }, { format: 'logits' }, 'classification');
    const message = await refusal(resolveModel(s, dir).then((a) => createSession(a, 1)));
    expect(message).toMatch(/notes\.onnx: not a valid ONNX model/);
  });

  test('a missing model file', async () => {
    const s = spec('absent', { width: 8, height: 8 }, { format: 'logits' }, 'classification');
    const message = await refusal(resolveModel(s, dir));
    expect(message).toMatch(/absent\.onnx: model file not found/);
  });

  test('an unknown built-in lists the built-ins', async () => {
    const message = await refusal(resolveModel('ocr-rec'));
    expect(message).toBe("unknown built-in model 'ocr-rec'; built-in models: ocr-det, ocr-cls");
  });

  test('a format that does not fit the task is a schema error', () => {
    const r = ModelSpecSchema.safeParse({
      name: 'x',
      task: 'classification',
      path: 'x.onnx',
      input: { width: 8, height: 8 },
      output: { format: 'yolov8' },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('output format yolov8 is for task detection, not classification');
  });
});

/**
 * What a user model actually receives: each test runs a real onnxruntime session on a graph that
 * casts its input to float32 and returns it, so layout, colour order, normalisation, letterbox
 * padding and float16 encoding are read back from the model's side.
 */

const echoDir = tempDir('capacity-plan-pre-');
const PIXEL = { r: 10, g: 128, b: 255 };

async function seen(
  input: ModelSpecInput['input'],
  image: { width: number; height: number; png?: Buffer },
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const spec = ModelSpecSchema.parse({ name: 'echo', task: 'classification', path: 'echo.onnx', input, output: { format: 'logits' } });
  const [h, w] = [spec.input.height ?? 'height', spec.input.width ?? 'width'];
  const shape = spec.input.layout === 'NCHW' ? [1, 3, h, w] : [1, h, w, 3];
  writeModel(echoDir, 'echo.onnx', castToFloat32Model(shape, spec.input.dtype));
  const adapter = await resolveModel(spec, echoDir);
  const session = await createSession(adapter, 1);
  try {
    const png =
      image.png ??
      (await sharp({ create: { width: image.width, height: image.height, channels: 3, background: PIXEL } })
        .png()
        .toBuffer());
    const prepared = await adapter.preprocess(await adapter.decode(png));
    const out = (await session.run(prepared.feeds)).seen!;
    return { data: out.data as Float32Array, dims: out.dims };
  } finally {
    await session.release();
  }
}

describe('the input tensor a model receives', () => {
  test('float16 input: onnxruntime gets the correctly rounded halves', async () => {
    const { data, dims } = await seen(
      { width: 4, height: 4, dtype: 'float16', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
      { width: 4, height: 4 },
    );
    expect(dims).toEqual([1, 48]);
    const half = (v: number) => float16BitsToFloat32(float32ToFloat16Bits(Math.fround(v)));
    const expected = [PIXEL.r, PIXEL.g, PIXEL.b].map((p) => half((p / 255 - 0.5) / 0.25));
    for (let c = 0; c < 3; c++) for (let i = 0; i < 16; i++) expect(data[c * 16 + i]).toBe(expected[c]);
    expect(expected[0]).not.toBe(Math.fround((PIXEL.r / 255 - 0.5) / 0.25)); // the halves really are rounded
  });

  test('NHWC and BGR: channels interleaved, in the model colour order', async () => {
    const { data, dims } = await seen(
      { width: 4, height: 4, layout: 'NHWC', color: 'BGR', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
      { width: 4, height: 4 },
    );
    expect(dims).toEqual([1, 48]);
    expect(Array.from(data.subarray(0, 6))).toEqual([255, 128, 10, 255, 128, 10]);
  });

  test('letterbox: aspect kept, centred, padded with pad_value', async () => {
    // 8x4 into 4x4: scaled to 4x2 at rows 1-2; rows 0 and 3 are padding.
    const { data } = await seen(
      { width: 4, height: 4, resize: 'letterbox', pad_value: 114, scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
      { width: 8, height: 4 },
    );
    const red = Array.from(data.subarray(0, 16)); // channel R, 4 rows of 4
    expect(red).toEqual([114, 114, 114, 114, 10, 10, 10, 10, 10, 10, 10, 10, 114, 114, 114, 114]);
  });

  test('pad-right: aspect kept at the input height, the rest of the width 0 in the tensor', async () => {
    // 8x4 into 6x2: 4x2 at the left; columns 4-5 are 0 after normalisation, not a normalised pixel.
    const { data } = await seen(
      { width: 6, height: 2, resize: 'pad-right', scale: 1, mean: [100, 100, 100], std: [2, 2, 2] },
      { width: 8, height: 4 },
    );
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
    const { data } = await seen(
      { width: 4, height: 4, resize: 'stretch', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
      { width: 8, height: 4 },
    );
    expect(Array.from(data.subarray(32, 48))).toEqual(new Array(16).fill(255));
  });
});

/**
 * ONNX exports as the common tools make them: score vectors with singleton dimensions, outputs
 * that already are probabilities, top-left letterboxing, NMS inside the graph (end-to-end YOLO,
 * TF Object Detection API, PaddleDetection with its extra inputs), and batch dimensions that are
 * symbolic or absent. Constant outputs again, so every class, score and box is known.
 */
describe('exports: classifier outputs', () => {
  const logits = [1, 3, 2, 0];
  const z = logits.reduce((a, v) => a + Math.exp(v), 0);
  test.each([[[1, 4, 1, 1]], [[1, 1, 4]], [[4]], [[1, 4]]])('a score vector shaped %j: softmax, top-k', async (dims) => {
    const s = spec(`cls-${dims.join('x')}`, { width: 8, height: 8 }, { format: 'logits', top_k: 2 }, 'classification');
    const { adapter, session } = await open(s, [{ name: 'scores', dims, values: logits }]);
    const out = await run(adapter, session, 8, 8);
    if (out.kind !== 'classification') throw new Error('expected classification');
    expect(out.top.map((t) => t.classId)).toEqual([1, 2]);
    expect(out.top[0]!.score).toBeCloseTo(Math.exp(3) / z, 6);
  });

  test('probabilities are recognised and kept (softmax: auto); softmax: true would flatten them', async () => {
    const probs = [0.1, 0.6, 0.3];
    const auto = await open(spec('probs', { width: 8, height: 8 }, { format: 'logits', top_k: 1 }, 'classification'), [
      { name: 'p', dims: [1, 3, 1, 1], values: probs },
    ]);
    const out = await run(auto.adapter, auto.session, 8, 8);
    expect(out).toEqual({ kind: 'classification', top: [{ classId: 1, score: expect.closeTo(0.6, 6) }] });
    const forced = await open(spec('probs-sm', { width: 8, height: 8 }, { format: 'logits', top_k: 1, softmax: true }, 'classification'), [
      { name: 'p', dims: [1, 3], values: probs },
    ]);
    const z3 = probs.reduce((a, v) => a + Math.exp(v), 0);
    expect(await run(forced.adapter, forced.session, 8, 8)).toEqual({
      kind: 'classification',
      top: [{ classId: 1, score: expect.closeTo(Math.exp(0.6) / z3, 6) }],
    });
  });

  test('logits that happen to lie in 0..1 but do not sum to 1 are softmaxed', async () => {
    const values = [0.2, 0.9, 0.4];
    const { adapter, session } = await open(
      spec('small-logits', { width: 8, height: 8 }, { format: 'logits', top_k: 1 }, 'classification'),
      [{ name: 'p', dims: [1, 3], values }],
    );
    const z3 = values.reduce((a, v) => a + Math.exp(v), 0);
    expect(await run(adapter, session, 8, 8)).toEqual({
      kind: 'classification',
      top: [{ classId: 1, score: expect.closeTo(Math.exp(0.9) / z3, 6) }],
    });
  });

  test('a shape with two dimensions above 1 is not a score vector', async () => {
    const s = spec('cls-2d', { width: 8, height: 8 }, { format: 'logits' }, 'classification');
    await expect(open(s, [{ name: 'p', dims: [1, 2, 3], values: [0, 0, 0, 0, 0, 0] }])).rejects.toThrow(
      'output format logits expects [1, C], got [1, 2, 3]',
    );
  });
});

describe('exports: letterbox alignment', () => {
  // One yolov8 column: centre (20, 24), 10x10, class 0 at 0.9, in a 64x64 input.
  const values = [20, 24, 10, 10, 0.9];
  test.each([
    // 128x64 → 64x32. Centred: 16 rows above, y_orig = (y − 16) / 0.5. Top-left: y_orig = y / 0.5.
    ['center', [30, 6, 50, 26]],
    ['top-left', [30, 38, 50, 58]],
  ] as [string, number[]][])('%s: boxes mapped back to the original image', async (align, box) => {
    const s = spec(
      `lb-${align}`,
      { width: 64, height: 64, resize: 'letterbox', letterbox_align: align as 'center' | 'top-left' },
      { format: 'yolov8', num_classes: 1 },
    );
    const { adapter, session } = await open(s, [{ name: 'output0', dims: [1, 5, 1], values }]);
    const dets = detections(await run(adapter, session, 128, 64));
    expect(dets).toHaveLength(1);
    expectBox(dets[0]!.box, box);
  });

  test('top-left: the image at the top left, pad_value below it', async () => {
    // 8x4 into 4x4: scaled to 4x2 at rows 0-1; rows 2 and 3 are padding.
    const { data } = await seen(
      { width: 4, height: 4, resize: 'letterbox', letterbox_align: 'top-left', pad_value: 114, scale: 1 },
      { width: 8, height: 4 },
    );
    expect(Array.from(data.subarray(0, 16))).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 114, 114, 114, 114, 114, 114, 114, 114]);
  });
});

describe('exports: uint8 and NHWC inputs, batch dimension symbolic or absent', () => {
  // A 2x2 image with four different pixels (raw RGB, written losslessly as PNG).
  const PIXELS = [
    [255, 0, 7],
    [1, 2, 3],
    [40, 50, 60],
    [200, 100, 0],
  ];
  const tiny = () =>
    sharp(Buffer.from(PIXELS.flat()), { raw: { width: 2, height: 2, channels: 3 } })
      .png()
      .toBuffer();

  test('uint8 NCHW: the raw pixels, one plane per channel', async () => {
    const { data, dims } = await seen({ width: 2, height: 2, dtype: 'uint8' }, { width: 2, height: 2, png: await tiny() });
    expect(dims).toEqual([1, 12]);
    expect(Array.from(data)).toEqual([0, 1, 2].flatMap((c) => PIXELS.map((p) => p[c]!)));
  });

  test('uint8 NHWC BGR: the raw pixels interleaved, in the model colour order', async () => {
    const { data } = await seen(
      { width: 2, height: 2, dtype: 'uint8', layout: 'NHWC', color: 'BGR' },
      { width: 2, height: 2, png: await tiny() },
    );
    expect(Array.from(data)).toEqual(PIXELS.flatMap((p) => [p[2]!, p[1]!, p[0]!]));
  });

  test('uint8 letterbox padding is pad_value itself', async () => {
    // 2x2 into 2x4 NHWC: the image fills rows 1-2, rows 0 and 3 are 114.
    const { data } = await seen(
      { width: 2, height: 4, dtype: 'uint8', layout: 'NHWC', resize: 'letterbox', pad_value: 114 },
      { width: 2, height: 2, png: await tiny() },
    );
    expect(Array.from(data)).toEqual([...new Array(6).fill(114), ...PIXELS.flat(), ...new Array(6).fill(114)]);
  });

  test('NHWC uint8 with dynamic sizes [1, h, w, 3] and a declared longest_side_max rule: the tensor follows the image', async () => {
    const spec = ModelSpecSchema.parse({
      name: 'tfod-in',
      task: 'classification',
      path: 'tfod-in.onnx',
      input: { dtype: 'uint8', layout: 'NHWC', resize: { longest_side_max: 64, multiple_of: 1 } },
      output: { format: 'logits' },
    });
    writeModel(echoDir, 'tfod-in.onnx', castToFloat32Model([1, 'height', 'width', 3], 'uint8'));
    const adapter = await resolveModel(spec, echoDir);
    const session = await createSession(adapter, 1);
    sessions.push(session);
    const feed = async (png: Buffer) => (await adapter.preprocess(await adapter.decode(png))).feeds;
    // 2x2 is not scaled up: the raw pixels, interleaved.
    const small = (await session.run(await feed(await tiny()))).seen!;
    expect(Array.from(small.data as Float32Array)).toEqual(PIXELS.flat());
    // 200x100 → 64x32: the tensor the model gets is 32 rows of 64 pixels.
    const big = await feed(
      await sharp({ create: { width: 200, height: 100, channels: 3, background: PIXEL } })
        .png()
        .toBuffer(),
    );
    expect(big.images!.dims).toEqual([1, 32, 64, 3]);
    expect(big.images!.type).toBe('uint8');
  });

  test.each([
    ['symbolic batch [N, 3, 2, 2]', ['N', 3, 2, 2], [1, 3, 2, 2]],
    ['no batch dimension [3, 2, 2]', [3, 2, 2], [3, 2, 2]],
  ])('%s: fed as the model declares it', async (_, shape, dims) => {
    const spec = ModelSpecSchema.parse({
      name: 'batch',
      task: 'classification',
      path: 'batch.onnx',
      input: { width: 2, height: 2, scale: 1 },
      output: { format: 'logits' },
    });
    writeModel(echoDir, 'batch.onnx', castToFloat32Model(shape as Dim[], 'float32'));
    const adapter = await resolveModel(spec, echoDir);
    const session = await createSession(adapter, 1);
    sessions.push(session);
    const prepared = await adapter.preprocess(await adapter.decode(await tiny()));
    expect(prepared.feeds.images!.dims).toEqual(dims);
    const out = (await session.run(prepared.feeds)).seen!;
    expect(Array.from(out.data as Float32Array)).toEqual([0, 1, 2].flatMap((c) => PIXELS.map((p) => p[c]!)));
  });

  test('a model without a batch dimension: yolov8 output [4+C, N] read as a batch of one', async () => {
    const s = spec('nobatch-v8', { width: 64, height: 64 }, { format: 'yolov8', num_classes: 1 });
    const { adapter, session } = await open(
      s,
      [{ name: 'output0', dims: [5, 2], values: [20, 50, 30, 50, 10, 10, 10, 10, 0.9, 0.1] }],
      undefined,
      [3, 64, 64],
    );
    const dets = detections(await run(adapter, session, 64, 64));
    expect(dets).toEqual([{ box: [15, 25, 25, 35], score: expect.closeTo(0.9, 6), classId: 0 }]);
  });

  test('uint8 with a normalisation is refused: the tensor is the raw pixels', () => {
    const r = ModelSpecSchema.safeParse({
      name: 'u8',
      task: 'detection',
      path: 'u8.onnx',
      input: { width: 8, height: 8, dtype: 'uint8', mean: [0.5, 0.5, 0.5] },
      output: { format: 'tf-od' },
    });
    expect(r.error?.issues[0]).toMatchObject({
      path: ['input', 'dtype'],
      message: 'input.dtype uint8 feeds the raw 0..255 pixels: scale, mean and std do not apply',
    });
  });
});

describe('exports: tf-od (TensorFlow Object Detection API)', () => {
  // Normalised y1, x1, y2, x2 boxes; classes are the label map's ids; num_detections = 3.
  const boxes = [0.1, 0.2, 0.5, 0.6, 0.12, 0.2, 0.5, 0.6, 0.5, 0.5, 0.9, 0.9, 0, 0, 1, 1];
  const scores = [0.9, 0.8, 0.2, 0.95];
  const classes = [1, 1, 3, 7];
  const outputs = (count: number): ConstOutput[] => [
    { name: 'detection_boxes', dims: [1, 4, 4], values: boxes },
    { name: 'detection_classes', dims: [1, 4], values: classes },
    { name: 'detection_scores', dims: [1, 4], values: scores },
    { name: 'num_detections', dims: [1], values: [count] },
    { name: 'raw_detection_scores', dims: [1, 4, 2], values: new Array<number>(8).fill(0) },
  ];

  test('the first num_detections rows, yxyx normalised, classes as given, no second NMS', async () => {
    const s = spec('tfod', { width: 100, height: 100, dtype: 'uint8', layout: 'NHWC' }, { format: 'tf-od', score_threshold: 0.5 });
    const { adapter, session } = await open(s, outputs(3), undefined, [1, 'h', 'w', 3]);
    const dets = detections(await run(adapter, session, 200, 100)); // stretched: x × 2
    // Rows 0 and 1 overlap (IoU > 0.9) with the same class: both kept, NMS ran in the graph.
    // Row 2 is below the threshold; row 3 is past num_detections.
    expect(dets.map((d) => [d.classId, Number(d.score.toFixed(5))])).toEqual([
      [1, 0.9],
      [1, 0.8],
    ]);
    expectBox(dets[0]!.box, [40, 10, 120, 50]);
    expectBox(dets[1]!.box, [40, 12, 120, 50]);
  });

  test('a model without the named outputs is refused when the session opens', async () => {
    const s = spec('tfod-names', { width: 8, height: 8 }, { format: 'tf-od' });
    await expect(open(s, [{ name: 'boxes', dims: [1, 1, 4], values: [0, 0, 1, 1] }])).rejects.toThrow(
      'tfod-names.onnx: output format tf-od: the model has no output detection_boxes (outputs: boxes)',
    );
  });
});

describe('exports: boxes-scored (NMS inside the graph)', () => {
  test('[1, N, 6] x1, y1, x2, y2, score, class (YOLOv8/YOLO11 end-to-end): no second NMS, zero padding skipped', async () => {
    const rows = [
      [10, 10, 30, 30, 0.9, 2],
      [11, 10, 30, 30, 0.7, 2], // overlaps the first, same class: kept (the graph already chose)
      [0, 0, 0, 0, 0, 0], // padding
    ];
    const s = spec('e2e', { width: 64, height: 64, resize: 'letterbox' }, { format: 'boxes-scored' });
    const { adapter, session } = await open(s, [{ name: 'output0', dims: [1, 3, 6], values: rows.flat() }]);
    const dets = detections(await run(adapter, session, 128, 64)); // letterbox: ×2, 16 rows above
    expect(dets.map((d) => [d.classId, Number(d.score.toFixed(5))])).toEqual([
      [2, 0.9],
      [2, 0.7],
    ]);
    expectBox(dets[0]!.box, [20, 0, 60, 28]);
    expectBox(dets[1]!.box, [22, 0, 60, 28]);
  });

  test('[N, 7] with a batch index (YOLOv7 end-to-end for onnxruntime: class before score)', async () => {
    const rows = [
      [0, 10, 10, 30, 30, 5, 0.8],
      [1, 10, 10, 30, 30, 4, 0.9], // another image in the batch
    ];
    const s = spec(
      'e2e7',
      { width: 64, height: 64 },
      { format: 'boxes-scored', columns: ['batch', 'x1', 'y1', 'x2', 'y2', 'class', 'score'] },
    );
    const { adapter, session } = await open(s, [{ name: 'output', dims: [2, 7], values: rows.flat() }], [['n', 7]]);
    const dets = detections(await run(adapter, session, 64, 64));
    expect(dets).toEqual([{ box: [10, 10, 30, 30], score: expect.closeTo(0.8, 6), classId: 5 }]);
  });

  test('a row length other than the columns is refused, saying what to declare', async () => {
    const s = spec('e2e5', { width: 64, height: 64 }, { format: 'boxes-scored' });
    await expect(open(s, [{ name: 'o', dims: [1, 2, 5], values: new Array<number>(10).fill(0) }])).rejects.toThrow(
      'got [1, 2, 5] (declare output.columns for other row layouts)',
    );
  });
});

describe('exports: PaddleDetection (image, scale_factor and im_shape inputs)', () => {
  // multiclass_nms3 rows: class, score, x1, y1, x2, y2, already in original-image pixels; -1 means no box.
  const rows = [
    [3, 0.9, 100, 50, 300, 150],
    [-1, 0.95, 0, 0, 0, 0],
  ];

  test('scale_factor and im_shape derived from the resize; boxes in the image', async () => {
    const model = extraInputsModel(
      { shape: ['n', 3, 64, 64] },
      [
        { name: 'im_shape', shape: ['n', 2] },
        { name: 'scale_factor', shape: ['n', 2] },
      ],
      [{ name: 'multiclass_nms3_0.tmp_0', dims: [2, 6], values: rows.flat() }],
    );
    writeModel(dir, 'ppyoloe.onnx', model);
    const s = ModelSpecSchema.parse({
      name: 'ppyoloe',
      task: 'detection',
      path: 'ppyoloe.onnx',
      input: {
        width: 64,
        height: 64,
        resize: 'letterbox',
        letterbox_align: 'top-left',
        name: 'image',
        extra: [
          { name: 'im_shape', value: 'im_shape' },
          { name: 'scale_factor', value: 'scale_factor' },
        ],
      },
      output: { format: 'boxes-scored', columns: ['class', 'score', 'x1', 'y1', 'x2', 'y2'], boxes_in_image: true },
    });
    const adapter = await resolveModel(s, dir);
    const session = await createSession(adapter, 1);
    sessions.push(session);
    const prepared = await adapter.preprocess(await adapter.decode(await solidImage(400, 200)));
    const outputs = await session.run(prepared.feeds);
    // 400x200 into 64x64: × 0.16 → 64x32; scale_factor [scale_y, scale_x], im_shape [h, w] of the resized image.
    expect(Array.from(outputs.seen_scale_factor!.data as Float32Array)).toEqual([Math.fround(0.16), Math.fround(0.16)]);
    expect(Array.from(outputs.seen_im_shape!.data as Float32Array)).toEqual([32, 64]);
    expect(outputs.seen_im_shape!.dims).toEqual([1, 2]);
    expect(detections(adapter.postprocess(outputs, prepared.meta))).toEqual([
      { box: [100, 50, 300, 150], score: expect.closeTo(0.9, 6), classId: 3 },
    ]);
  });

  test('a constant extra input, shaped as the model declares it', async () => {
    writeModel(
      dir,
      'const-extra.onnx',
      extraInputsModel({ shape: [1, 3, 8, 8] }, [{ name: 'threshold', shape: [1] }], [{ name: 'logits', dims: [1, 2], values: [0, 1] }]),
    );
    const s = ModelSpecSchema.parse({
      name: 'c',
      task: 'classification',
      path: 'const-extra.onnx',
      input: { width: 8, height: 8, extra: [{ name: 'threshold', value: [0.25] }] },
      output: { format: 'logits' },
    });
    const adapter = await resolveModel(s, dir);
    const session = await createSession(adapter, 1);
    sessions.push(session);
    const prepared = await adapter.preprocess(await adapter.decode(await solidImage(8, 8)));
    expect(Array.from((await session.run(prepared.feeds)).seen_threshold!.data as Float32Array)).toEqual([0.25]);
  });

  test('an input left undeclared, and an extra input of the wrong size, are refused when the session opens', async () => {
    writeModel(
      dir,
      'two-inputs.onnx',
      extraInputsModel(
        { shape: [1, 3, 8, 8] },
        [{ name: 'scale_factor', shape: [1, 2] }],
        [{ name: 'logits', dims: [1, 2], values: [0, 1] }],
      ),
    );
    const base = { name: 't', task: 'classification', path: 'two-inputs.onnx', output: { format: 'logits' } };
    const undeclared = await resolveModel(ModelSpecSchema.parse({ ...base, input: { width: 8, height: 8 } }), dir);
    await expect(createSession(undeclared, 1)).rejects.toThrow(
      'two-inputs.onnx: the model also takes input scale_factor: declare it under input.extra (a constant, scale_factor or im_shape)',
    );
    const wrong = await resolveModel(
      ModelSpecSchema.parse({ ...base, input: { width: 8, height: 8, extra: [{ name: 'scale_factor', value: [1, 2, 3] }] } }),
      dir,
    );
    await expect(createSession(wrong, 1)).rejects.toThrow('input.extra: input scale_factor is [1, 2] (2 values), but the spec gives 3');
  });
});
