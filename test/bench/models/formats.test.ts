import sharp from 'sharp';
import { afterAll, describe, expect, test } from 'vitest';
import type { InferenceSession } from 'onnxruntime-node';
import { inspectModel } from '../../../src/bench/models/inspect.js';
import { createSession, resolveModel } from '../../../src/bench/models/registry.js';
import { ModelSpecSchema, type ModelSpecInput } from '../../../src/bench/models/spec.js';
import type { Detection, ModelAdapter, ModelOutput } from '../../../src/bench/models/types.js';
import { ONNX_DTYPE } from '../../../src/bench/models/onnx-proto.js';
import { tempDir } from '../../helpers/cli.js';
import { castToFloat32Model, encodeModel, writeModel, type Dim } from '../../helpers/onnx-graphs.js';

/**
 * The export shapes added to the decoder registry, each as a small real graph with known outputs:
 * inspect proposes the format from the graph alone, and that proposed entry, run through
 * onnxruntime on a real image, decodes the known box.
 */

const dir = tempDir('capacity-plan-formats-');
const sessions: InferenceSession[] = [];
afterAll(async () => {
  for (const s of sessions) await s.release();
});

interface Out {
  name: string;
  dims: number[];
  values: number[];
  /** Declared shape (symbolic dimensions by name); default dims. */
  shape?: Dim[];
  /** An integer output: cast from the float constant. */
  type?: 'int64' | 'int32';
}

/** Fixed outputs whatever the image (Identity, or Cast for integer outputs), with these inputs declared. */
function fixedModel(name: string, inputs: Array<{ name: string; shape: Dim[] }>, outputs: Out[]): string {
  return writeModel(
    dir,
    name,
    encodeModel({
      inputs,
      outputs: outputs.map((o) => ({ name: o.name, shape: o.shape ?? o.dims, type: o.type })),
      initializers: outputs.map((o) => ({ name: `${o.name}_value`, dims: o.dims, values: o.values })),
      nodes: outputs.map((o) =>
        o.type === undefined
          ? { opType: 'Identity', input: [`${o.name}_value`], output: [o.name] }
          : { opType: 'Cast', input: [`${o.name}_value`], output: [o.name], attribute: [{ name: 'to', type: 2, i: ONNX_DTYPE[o.type] }] },
      ),
    }),
  );
}

async function photo(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 40, g: 90, b: 200 } } })
    .png()
    .toBuffer();
}

/** The entry inspect proposes for the file, opened as bench would open it. */
async function proposed(file: string): Promise<{ entry: ModelSpecInput; adapter: ModelAdapter; session: InferenceSession }> {
  const r = await inspectModel(file);
  const entry = r.entry as unknown as ModelSpecInput;
  const adapter = await resolveModel(ModelSpecSchema.parse(entry));
  const session = await createSession(adapter, 1);
  sessions.push(session);
  return { entry, adapter, session };
}

async function run(adapter: ModelAdapter, session: InferenceSession, width: number, height: number): Promise<ModelOutput> {
  const prepared = await adapter.preprocess(await adapter.decode(await photo(width, height)));
  return adapter.postprocess(await session.run(prepared.feeds), prepared.meta);
}

function only(out: ModelOutput): Detection {
  if (out.kind !== 'detection') throw new Error('expected detections');
  expect(out.detections).toHaveLength(1);
  return out.detections[0]!;
}

const expectBox = (actual: Detection['box'], expected: number[]) => actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 3));
const zeros = (n: number) => new Array<number>(n).fill(0);

/** 8 distance bins with all the weight on `bin` (softmax of a one-hot of 20: the expectation is bin within 1e-7). */
const bins = (bin: number) => zeros(8).map((_, j) => (j === bin ? 20 : 0));

describe('NanoDet', () => {
  test('NanoDet-Plus, one output [1, N, C + 32] over strides 8..64: anchor (x·s, y·s), distances as expected bins × stride', async () => {
    // 64x64 input: 64 + 16 + 4 + 1 = 85 anchor points; 2 classes + 32 distance logits per row.
    const k = 2 + 32;
    const values = zeros(85 * k);
    // Stride 8, cell (2, 3) = row 26: class 1 at 0.9; left 1, top 2, right 3, bottom 1 bins.
    [0.01, 0.9, ...bins(1), ...bins(2), ...bins(3), ...bins(1)].forEach((v, j) => (values[26 * k + j] = v));
    const file = fixedModel('nanodet-plus.onnx', [{ name: 'data', shape: [1, 3, 64, 64] }], [{ name: 'output', dims: [1, 85, k], values }]);
    const { entry, adapter, session } = await proposed(file);
    expect(entry.output).toMatchObject({ format: 'nanodet', num_classes: 2 });
    expect(entry.input).toMatchObject({ color: 'BGR', mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395], resize: 'stretch' });
    const d = only(await run(adapter, session, 64, 64));
    expect(d.classId).toBe(1);
    expectBox(d.box, [16 - 8, 24 - 16, 16 + 24, 24 + 8]);
  });

  test('NanoDet per-stride outputs paired by shape, whatever their names say (hpc203 export): distances [N, 4] in strides, anchors at the cell centre', async () => {
    // 32x32 input: 16, 4 and 1 anchors at strides 8, 16, 32; names deliberately out of step with shapes, no batch dimension.
    const dis = zeros(4 * 4);
    [0.25, 0.25, 0.25, 0.5].forEach((v, j) => (dis[1 * 4 + j] = v)); // stride 16, cell (1, 0)
    const cls = zeros(4 * 2);
    cls[1 * 2 + 0] = 0.8;
    const file = fixedModel(
      'nanodet-m.onnx',
      [{ name: 'image', shape: [1, 3, 32, 32] }],
      [
        { name: 'cls_score0', dims: [16, 2], values: zeros(32) },
        { name: 'bbox_pred0', dims: [4, 2], values: cls },
        { name: 'cls_score1', dims: [1, 2], values: zeros(2) },
        { name: 'bbox_pred1', dims: [16, 4], values: zeros(64) },
        { name: 'cls_score2', dims: [4, 4], values: dis },
        { name: 'bbox_pred2', dims: [1, 4], values: zeros(4) },
      ],
    );
    const { entry, adapter, session } = await proposed(file);
    expect(entry.output).toMatchObject({ format: 'nanodet', num_classes: 2 });
    const d = only(await run(adapter, session, 32, 32));
    expect(d).toMatchObject({ classId: 0, score: expect.closeTo(0.8, 6) });
    const c = 16 + 7.5; // x·s + (s − 1) / 2
    expectBox(d.box, [c - 4, 7.5 - 4, c + 4, 7.5 + 8]);
  });
});

describe('separate outputs', () => {
  test('scores before boxes (UltraFace): ssd with the outputs named, background 0, its (x − 127) / 128', async () => {
    const file = fixedModel(
      'ultraface.onnx',
      [{ name: 'input', shape: [1, 3, 30, 40] }],
      [
        { name: 'scores', dims: [1, 3, 2], values: [0.9, 0.1, 0.1, 0.9, 0.6, 0.4] },
        { name: 'boxes', dims: [1, 3, 4], values: [0, 0, 1, 1, 0.25, 0.25, 0.75, 0.5, 0, 0, 0.1, 0.1] },
      ],
    );
    const { entry, adapter, session } = await proposed(file);
    expect(entry.output).toMatchObject({ format: 'ssd', boxes: 'boxes', scores: 'scores', background_class: 0 });
    expect(entry.input).toMatchObject({ scale: 1 / 128, mean: [127 / 128, 127 / 128, 127 / 128], resize: 'stretch' });
    const d = only(await run(adapter, session, 40, 30));
    expectBox(d.box, [10, 7.5, 30, 15]);
    expect(d.classId).toBe(1);
  });

  test('torchvision detection export: boxes [N, 4], int64 labels [N], scores [N], one image without a batch dimension', async () => {
    const file = fixedModel(
      'fasterrcnn.onnx',
      [{ name: 'images', shape: [3, 'height', 'width'] }],
      [
        { name: 'boxes', dims: [2, 4], values: [5, 6, 20, 30, 1, 1, 2, 2], shape: ['N', 4] },
        { name: 'labels', dims: [2], values: [3, 1], shape: ['N'], type: 'int64' },
        { name: 'scores', dims: [2], values: [0.9, 0.1], shape: ['N'] },
      ],
    );
    const { entry, adapter, session } = await proposed(file);
    expect(entry.output).toMatchObject({ format: 'boxes-labels' });
    expect(entry.input).toMatchObject({ color: 'RGB', scale: 1 / 255, resize: { longest_side_max: 800, multiple_of: 1 } });
    const d = only(await run(adapter, session, 64, 48));
    expect(d).toMatchObject({ classId: 3, score: expect.closeTo(0.9, 6) });
    expectBox(d.box, [5, 6, 20, 30]);
  });

  test('mmdeploy end2end: dets [1, N, 5] with the score fifth, labels [1, N]', async () => {
    const file = fixedModel(
      'end2end.onnx',
      [{ name: 'input', shape: [1, 3, 32, 32] }],
      [
        { name: 'dets', dims: [1, 2, 5], values: [4, 4, 12, 20, 0.8, 0, 0, 1, 1, 0.05] },
        { name: 'labels', dims: [1, 2], values: [7, 2], type: 'int64' },
      ],
    );
    const { entry, adapter, session } = await proposed(file);
    expect(entry.output).toMatchObject({ format: 'boxes-labels' });
    expect(entry.input).toMatchObject({ scale: 1, mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] });
    const d = only(await run(adapter, session, 32, 32));
    expect(d.classId).toBe(7);
    expectBox(d.box, [4, 4, 12, 20]);
  });
});

describe('SSD with prior-encoded boxes (UltraFace without its post-processing)', () => {
  /**
   * A 32x24 input: UltraFace's strides 8, 16, 32, 64 give 4x3, 2x2, 1x1 and 1x1 feature maps, so
   * 36 + 8 + 2 + 3 = 49 priors. The boxes output is a Concat of two heads passed through unchanged, as the raw export's reshaped heads are.
   */
  function rawHead(name: string, n: number, offsets: Map<number, number[]>, scores: Map<number, number[]>): string {
    const box = zeros(n * 4);
    const score = new Array<number>(n).fill(0).flatMap(() => [1, 0, 0]);
    for (const [row, v] of offsets) v.forEach((x, j) => (box[row * 4 + j] = x));
    for (const [row, v] of scores) v.forEach((x, j) => (score[row * 3 + j] = x));
    return writeModel(
      dir,
      name,
      encodeModel({
        inputs: [{ name: 'input', shape: [1, 3, 24, 32] }],
        outputs: [
          { name: 'scores', shape: [1, n, 3] },
          { name: 'boxes', shape: [1, n, 4] },
        ],
        initializers: [
          { name: 'scores_value', dims: [1, n, 3], values: score },
          { name: 'head_a', dims: [1, 44, 4], values: box.slice(0, 44 * 4) },
          { name: 'head_b', dims: [1, n - 44, 4], values: box.slice(44 * 4) },
        ],
        nodes: [
          { opType: 'Identity', input: ['scores_value'], output: ['scores'] },
          { opType: 'Identity', input: ['head_a'], output: ['a'] },
          { opType: 'Identity', input: ['head_b'], output: ['b'] },
          { opType: 'Concat', input: ['a', 'b'], output: ['boxes'], attribute: [{ name: 'axis', type: 2, i: 1 }] },
        ],
      }),
    );
  }

  test('priors generated for the input size, offsets decoded with variances 0.1 and 0.2, clamped priors at the last stride', async () => {
    // Prior 19: stride 8, row 1, column 2, size 16 → centre (2.5/4, 1.5/3) = (0.625, 0.5), size (16/32, 16/24).
    // Offsets (1, −1.5, ln 1.25 / 0.2, 0): centre (0.625 + 0.1·0.5, 0.5 − 0.15·2/3) = (0.675, 0.4),
    // size (1.25·0.5, 2/3) → in the 32x24 input x 11.6..31.6, y 1.6..17.6; the 64x48 photo doubles them.
    // Prior 48: stride 64, size 256 → (0.5, 0.5) with its size clamped to 1 × 1: the whole image.
    const file = rawHead(
      'ultraface-raw.onnx',
      49,
      new Map([[19, [1, -1.5, Math.log(1.25) / 0.2, 0]]]),
      new Map([
        [19, [0.05, 0.95, 0]],
        [48, [0.1, 0, 0.9]],
      ]),
    );
    const { entry, adapter, session } = await proposed(file);
    expect(entry.output).toMatchObject({ format: 'ssd-priors', boxes: 'boxes', scores: 'scores', background_class: 0 });
    expect(entry.input).toMatchObject({ width: 32, height: 24, scale: 1 / 128, resize: 'stretch' });
    const out = await run(adapter, session, 64, 48);
    if (out.kind !== 'detection') throw new Error('expected detections');
    expect(out.detections.map((d) => d.classId)).toEqual([1, 2]);
    expectBox(out.detections[0]!.box, [23.2, 3.2, 63.2, 35.2]);
    expectBox(out.detections[1]!.box, [0, 0, 64, 48]);
    expect(adapter.plausibility.findings()).toEqual([]);
  });

  test('a head with another prior count is proposed with what to set, and refused with the count it expected', async () => {
    const file = rawHead('ultraface-other.onnx', 50, new Map(), new Map());
    const r = await inspectModel(file);
    expect(r.entry.output).toMatchObject({ format: 'ssd-priors' });
    expect(r.unknown.join('\n')).toMatch(/set output\.strides and output\.min_boxes/);
    expect(r.check).toMatchObject({ ok: false, problem: expect.stringMatching(/with N=49 priors for 32x24/) });
  });
});

describe('YOLOv5 head without its Detect decoding (YOLOv5-Lite, NPU exports)', () => {
  test('Sigmoid straight to the output with 3 anchors per cell: decoded on the grid with the COCO anchors', async () => {
    // 64x64 input: 8x8, 4x4 and 2x2 grids × 3 anchors = 252 rows of 4 + 1 + 3 values, logits before the graph's Sigmoid.
    const k = 8;
    const logits = new Array<number>(252 * k).fill(-10);
    // Row 192 + 16 + 2·4 + 1 = 217: stride 16, second anchor (62 × 45), cell (1, 2). Box logits 0 → sigmoid 0.5:
    // centre ((2·0.5 − 0.5 + 1)·16, (2·0.5 − 0.5 + 2)·16) = (24, 40), size (2·0.5)²·anchor = 62 × 45.
    [0, 0, 0, 0, 10, -10, 10, -10].forEach((v, j) => (logits[217 * k + j] = v));
    const file = writeModel(
      dir,
      'v5lite.onnx',
      encodeModel({
        inputs: [{ name: 'images', shape: [1, 3, 64, 64] }],
        outputs: [{ name: 'output', shape: [1, 252, k] }],
        initializers: [{ name: 'head', dims: [1, 252, k], values: logits }],
        nodes: [
          { opType: 'Sigmoid', input: ['head'], output: ['squashed'] },
          { opType: 'Identity', input: ['squashed'], output: ['output'] },
        ],
      }),
    );
    const { entry, adapter, session } = await proposed(file);
    expect(entry.output).toMatchObject({
      format: 'yolov5',
      num_classes: 3,
      anchors: [
        [10, 13, 16, 30, 33, 23],
        [30, 61, 62, 45, 59, 119],
        [116, 90, 156, 198, 373, 326],
      ],
    });
    const d = only(await run(adapter, session, 64, 64));
    expect(d.classId).toBe(1);
    expect(d.score).toBeCloseTo(1 / (1 + Math.exp(-10)) ** 2, 6);
    expectBox(d.box, [0, 40 - 22.5, 24 + 31, 40 + 22.5]); // x1 = 24 − 31 clamped to the image
  });
});

describe('Yolo-FastestV2', () => {
  // 64x64 input: grids 4x4 (stride 16) and 2x2 (stride 32), 3 anchors per cell, 2 classes. Cell 9 = (x 1, y 2) of
  // stride 16, second anchor (37.88 × 51.48): box values 0.5 → centre ((2·0.5 − 0.5 + 1)·16, (2·0.5 − 0.5 + 2)·16) =
  // (24, 40), size (2·0.5)²·anchor; objectness 0.9 × class 1 at 0.8 = 0.72.
  const expected = [24 - 37.88 / 2, 40 - 51.48 / 2, 24 + 37.88 / 2, 64]; // y2 = 65.74 clamped to the image

  test('its own export: one squashed output [1, H, W, 15 + C] per stride', async () => {
    const k = 17;
    const level0 = zeros(16 * k);
    [0.5, 0.5, 0.5, 0.5].forEach((v, j) => (level0[9 * k + 4 + j] = v));
    level0[9 * k + 13] = 0.9;
    [0.2, 0.8].forEach((v, j) => (level0[9 * k + 15 + j] = v));
    const file = fixedModel(
      'fastestv2.onnx',
      [{ name: 'input.1', shape: [1, 3, 64, 64] }],
      [
        { name: '794', dims: [1, 4, 4, k], values: level0 },
        { name: '796', dims: [1, 2, 2, k], values: zeros(4 * k) },
      ],
    );
    const { entry, adapter, session } = await proposed(file);
    expect(entry.output).toMatchObject({ format: 'yolo-fastestv2', num_classes: 2 });
    expect(entry.input).toMatchObject({ color: 'BGR', scale: 1 / 255, resize: 'stretch' });
    const d = only(await run(adapter, session, 64, 64));
    expect(d).toMatchObject({ classId: 1, score: expect.closeTo(0.72, 5) });
    expectBox(d.box, expected);
  });

  test('raw heads: reg, obj and cls logits [1, ch, H, W] per stride, squashed as its handel_preds does', async () => {
    const reg = new Array<number>(12 * 16).fill(0);
    const obj = new Array<number>(3 * 16).fill(-10);
    const cls = new Array<number>(2 * 16).fill(0);
    obj[1 * 16 + 9] = Math.log(9); // sigmoid → 0.9
    cls[1 * 16 + 9] = Math.log(4); // softmax of (0, ln 4) → (0.2, 0.8)
    const file = fixedModel(
      'fastestv2-raw.onnx',
      [{ name: 'input.1', shape: [1, 3, 64, 64] }],
      [
        { name: '753', dims: [1, 12, 4, 4], values: reg },
        { name: '754', dims: [1, 3, 4, 4], values: obj },
        { name: '755', dims: [1, 2, 4, 4], values: cls },
        { name: '756', dims: [1, 12, 2, 2], values: zeros(48) },
        { name: '757', dims: [1, 3, 2, 2], values: new Array<number>(12).fill(-10) },
        { name: '758', dims: [1, 2, 2, 2], values: zeros(8) },
      ],
    );
    const { entry, adapter, session } = await proposed(file);
    expect(entry.output).toMatchObject({ format: 'yolo-fastestv2', num_classes: 2 });
    const d = only(await run(adapter, session, 64, 64));
    expect(d).toMatchObject({ classId: 1, score: expect.closeTo(0.72, 5) });
    expectBox(d.box, expected);
  });
});

describe('BlazeFace', () => {
  test('outputs declared all-symbolic: pinned by one run, anchors as MediaPipe lays them out, offsets in input pixels, sigmoid scores', async () => {
    // 128x128 front model: stride 8 → 16x16 cells × 2 anchors (rows 0..511), stride 16 (three layers) → 8x8 × 6 (512..895).
    const n = 896;
    const regressors = zeros(n * 16);
    const logits = new Array<number>(n).fill(-10);
    // Row 71 = stride 8, cell (x 3, y 2), second anchor: centre (3.5/16, 2.5/16)·128 = (28, 20).
    [4, -2, 20, 30].forEach((v, j) => (regressors[71 * 16 + j] = v));
    logits[71] = 3;
    // Row 792 = 512 + (5·8 + 6)·6 + 4: stride 16, cell (x 6, y 5): centre (6.5/8, 5.5/8)·128 = (104, 88).
    [0, 0, 16, 16].forEach((v, j) => (regressors[792 * 16 + j] = v));
    logits[792] = 2;
    const file = fixedModel(
      'blazeface.onnx',
      [{ name: 'x.1', shape: [1, 3, 128, 128] }],
      [
        { name: '541', dims: [1, n, 16], values: regressors, shape: ['d0', 'd1', 'd2'] },
        { name: '519', dims: [1, n, 1], values: logits, shape: ['e0', 'e1', 'e2'] },
      ],
    );
    const r = await inspectModel(file);
    expect(r.guesses[0]).toMatch(/one run on a blank 128x128 image gave 541 \[1, 896, 16\], 519 \[1, 896, 1\]/);
    const { entry, adapter, session } = await proposed(file);
    expect(entry.output).toMatchObject({ format: 'blazeface', boxes: '541', scores: '519', score_threshold: 0.75 });
    expect(entry.input).toMatchObject({ color: 'RGB', scale: 1 / 127.5, mean: [1, 1, 1], resize: 'stretch' });
    const out = await run(adapter, session, 128, 128);
    if (out.kind !== 'detection') throw new Error('expected detections');
    expect(out.detections.map((d) => d.score)).toEqual([
      expect.closeTo(1 / (1 + Math.exp(-3)), 6),
      expect.closeTo(1 / (1 + Math.exp(-2)), 6),
    ]);
    expectBox(out.detections[0]!.box, [32 - 10, 18 - 15, 32 + 10, 18 + 15]);
    expectBox(out.detections[1]!.box, [96, 80, 112, 96]);
  });

  test('another anchor count is refused with the one expected and the strides to set', async () => {
    const file = fixedModel(
      'blazeface-odd.onnx',
      [{ name: 'input', shape: [1, 3, 128, 128] }],
      [
        { name: 'regressors', dims: [1, 10, 16], values: zeros(160) },
        { name: 'classificators', dims: [1, 10, 1], values: zeros(10) },
      ],
    );
    const adapter = await resolveModel(
      ModelSpecSchema.parse({
        name: 'odd',
        task: 'detection',
        path: file,
        input: { width: 128, height: 128 },
        output: { format: 'blazeface' },
      }),
    );
    await expect(createSession(adapter, 1)).rejects.toThrow(
      /with N=896 anchors for 128x128 and strides 8,16,16,16, got \[1, 10, 16\].*\(set output\.strides/,
    );
  });
});

describe('YuNet', () => {
  test("named cls/obj/bbox outputs per stride, dynamic input: score √(cls·obj), box on the stride's grid, raw BGR", async () => {
    // A 64x32 image stays 64x32 (longest side 640, multiples of 32): 32, 8 and 2 anchors at strides 8, 16, 32.
    const level = (s: number, n: number, at = -1) => {
      const cls = zeros(n),
        obj = zeros(n),
        box = zeros(4 * n);
      if (at >= 0) {
        cls[at] = 0.81;
        obj[at] = 1;
        [0.5, 0.5, Math.log(2), 0].forEach((v, j) => (box[at * 4 + j] = v));
      }
      return [
        { name: `cls_${s}`, dims: [1, n, 1], values: cls, shape: [1, 'anchors', 1] },
        { name: `obj_${s}`, dims: [1, n, 1], values: obj, shape: [1, 'anchors', 1] },
        { name: `bbox_${s}`, dims: [1, n, 4], values: box, shape: [1, 'anchors', 4] },
        { name: `kps_${s}`, dims: [1, n, 10], values: zeros(10 * n), shape: [1, 'anchors', 10] },
      ];
    };
    const file = fixedModel(
      'yunet.onnx',
      [{ name: 'input', shape: [1, 3, 'height', 'width'] }],
      [...level(8, 32), ...level(16, 8, 5), ...level(32, 2)],
    );
    const { entry, adapter, session } = await proposed(file);
    expect(entry.output).toMatchObject({ format: 'yunet', score_threshold: 0.9 });
    expect(entry.input).toMatchObject({ color: 'BGR', scale: 1, resize: { longest_side_max: 640, multiple_of: 32 } });
    const d = only(await run(adapter, session, 64, 32));
    expect(d.score).toBeCloseTo(0.9, 6);
    // Stride 16, anchor 5 = row 1, col 1 of a 4-wide grid: centre (1.5·16, 1.5·16), 2·16 wide, 16 high.
    expectBox(d.box, [8, 16, 40, 32]);
  });
});

describe('NMS rows', () => {
  test('[N, 7] with a symbolic N and a fixed image batch is NMS output, its columns spelled by the output name', async () => {
    const file = fixedModel(
      'yolov7-end2end.onnx',
      [{ name: 'images', shape: [1, 3, 64, 64] }],
      [
        {
          name: 'batchno_classid_score_x1y1x2y2',
          dims: [2, 7],
          values: [0, 2, 0.8, 10, 12, 30, 40, 0, 5, 0.1, 0, 0, 4, 4],
          shape: ['N', 7],
        },
      ],
    );
    const { entry, adapter, session } = await proposed(file);
    expect(entry.output).toEqual({ format: 'boxes-scored', columns: ['batch', 'class', 'score', 'x1', 'y1', 'x2', 'y2'] });
    const d = only(await run(adapter, session, 64, 64));
    expect(d).toMatchObject({ classId: 2, score: expect.closeTo(0.8, 6) });
    expectBox(d.box, [10, 12, 30, 40]);
  });

  test('[N, 7] with a symbolic batch on the image too: a 7-class classifier', async () => {
    const file = fixedModel(
      'cls7.onnx',
      [{ name: 'x', shape: ['N', 3, 32, 32] }],
      [{ name: 'y', dims: [1, 7], values: [0, 1, 2, 3, 4, 5, 6], shape: ['N', 7] }],
    );
    expect((await inspectModel(file)).entry.output).toMatchObject({ format: 'logits', num_classes: 7 });
  });

  test('PaddleDetection postprocessed: 2125 static rows and a count output, with scale_factor; rows past the count ignored', async () => {
    const rows = zeros(2125 * 6);
    [1, 0.8, 5, 6, 20, 24].forEach((v, j) => (rows[j] = v));
    [0, 0.9, 1, 1, 2, 2].forEach((v, j) => (rows[6 + j] = v)); // past the count
    const file = fixedModel(
      'picodet_postprocessed.onnx',
      [
        { name: 'image', shape: [1, 3, 32, 32] },
        { name: 'scale_factor', shape: [1, 2] },
      ],
      [
        { name: 'multiclass_nms3_0.tmp_0', dims: [2125, 6], values: rows },
        { name: 'multiclass_nms3_0.tmp_2', dims: [1], values: [1], type: 'int32' },
      ],
    );
    const { entry, adapter, session } = await proposed(file);
    expect(entry.output).toMatchObject({
      format: 'boxes-scored',
      columns: ['class', 'score', 'x1', 'y1', 'x2', 'y2'],
      boxes_in_image: true,
      count: 'multiclass_nms3_0.tmp_2',
    });
    expect(entry.input).toMatchObject({ extra: [{ name: 'scale_factor', value: 'scale_factor' }] });
    const d = only(await run(adapter, session, 40, 40));
    expect(d.classId).toBe(1);
    expectBox(d.box, [5, 6, 20, 24]);
  });

  test('a single-class YOLOX at 192x192 ([1, 756, 6]: its anchor count) is yolox, not NMS rows', async () => {
    const file = fixedModel(
      'yolox-person.onnx',
      [{ name: 'images', shape: [1, 3, 192, 192] }],
      [{ name: 'output', dims: [1, 756, 6], values: zeros(756 * 6) }],
    );
    expect((await inspectModel(file)).entry.output).toMatchObject({ format: 'yolox', num_classes: 1 });
  });
});

describe('grayscale input', () => {
  test("a 28x28 one-channel classifier is proposed with torchvision's MNIST normalisation", async () => {
    const file = writeModel(dir, 'mnist.onnx', castToFloat32Model([1, 1, 28, 28], 'float32'));
    const r = await inspectModel(file);
    expect(r.entry.input).toMatchObject({ width: 28, height: 28, channels: 1, scale: 1 / 255, mean: [0.1307], std: [0.3081] });
    expect(r.guesses.join('\n')).toMatch(/an MNIST model/);
  });

  test('[1, 1, H, W] is proposed with channels: 1 and fed the luma (ITU-R 601), normalised', async () => {
    const file = writeModel(dir, 'gray.onnx', castToFloat32Model([1, 1, 4, 4], 'float32'));
    const r = await inspectModel(file);
    expect(r.entry.input).toMatchObject({ width: 4, height: 4, channels: 1, scale: 1 / 255, mean: [0], std: [1] });
    expect(r.unknown.join('\n')).not.toMatch(/input size/);
    const adapter = await resolveModel(ModelSpecSchema.parse(r.entry));
    const session = await createSession(adapter, 1);
    sessions.push(session);
    const prepared = await adapter.preprocess(await adapter.decode(await photo(4, 4)));
    const seen = (await session.run(prepared.feeds)).seen!.data as Float32Array;
    // (299·40 + 587·90 + 114·200) / 1000 = 87.59 → 88
    expect([...seen]).toEqual(new Array(16).fill(Math.fround(88 / 255)));
  });
});
