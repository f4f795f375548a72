import { Tensor } from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { decodeOutputs, type BoxMapping, type DecodeContext } from '../../../src/bench/models/decoders.js';
import { float32ToFloat16Bits } from '../../../src/bench/models/float16.js';
import { ModelSpecSchema, type ModelSpecInput } from '../../../src/bench/models/spec.js';

/** Decoder options not covered by the graph tests, on real onnxruntime Tensors. */

const identity = (w: number, h: number): BoxMapping => ({ scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 0, srcWidth: w, srcHeight: h });
const ctx = (outputNames: string[], w = 100, h = 100): DecodeContext => ({ file: 'm.onnx', inputWidth: w, inputHeight: h, outputNames });
const output = (o: ModelSpecInput['output'], task: 'detection' | 'classification' = 'detection') =>
  ModelSpecSchema.parse({ name: 'm', task, path: 'm.onnx', input: { width: 100, height: 100 }, output: o }).output;

describe('decodeOutputs', () => {
  test('ssd: yxyx boxes in input pixels, default output order', () => {
    const boxes = new Tensor('float32', Float32Array.from([10, 20, 30, 60]), [1, 1, 4]);
    const scores = new Tensor('float32', Float32Array.from([0.2, 0.7]), [1, 1, 2]);
    const out = decodeOutputs(
      { b: boxes, s: scores },
      output({ format: 'ssd', box_order: 'yxyx', boxes_normalized: false }),
      ctx(['b', 's']),
      identity(100, 100),
    );
    expect(out).toEqual({ kind: 'detection', detections: [{ box: [20, 10, 60, 30], score: expect.closeTo(0.7, 6), classId: 1 }] });
  });

  test('float16 outputs are widened', () => {
    const bits = Uint16Array.from([0, 2, 1].map(float32ToFloat16Bits));
    const logits = new Tensor('float16', bits, [1, 3]);
    const out = decodeOutputs(
      { y: logits },
      output({ format: 'logits', top_k: 1, softmax: false }, 'classification'),
      ctx(['y']),
      identity(1, 1),
    );
    expect(out).toEqual({ kind: 'classification', top: [{ classId: 1, score: 2 }] });
  });

  test('db: a [1, h, w] map a quarter of the input size is scaled up to it', () => {
    const map = new Float32Array(25 * 25);
    for (let y = 5; y <= 10; y++) for (let x = 4; x <= 20; x++) map[y * 25 + x] = 0.9;
    const out = decodeOutputs(
      { p: new Tensor('float32', map, [1, 25, 25]) },
      output({ format: 'db', score_threshold: 0.6 }),
      ctx(['p']),
      identity(100, 100),
    );
    const d = (16 * 5 * 1.5) / (2 * 21);
    if (out.kind !== 'detection') throw new Error('expected detection');
    expect(out.detections).toHaveLength(1);
    out.detections[0]!.box.forEach((v, i) => expect(v).toBeCloseTo([(4 - d) * 4, (5 - d) * 4, (20 + d) * 4, (10 + d) * 4][i]!, 4));
  });

  test('boxes are clamped to the original image', () => {
    const rows = Float32Array.from([5, 5, 40, 40, 0.9, 0.9]); // extends past the top-left corner
    const out = decodeOutputs(
      { o: new Tensor('float32', rows, [1, 1, 6]) },
      output({ format: 'yolov5', num_classes: 1 }),
      ctx(['o']),
      identity(100, 100),
    );
    if (out.kind !== 'detection') throw new Error('expected detection');
    expect(out.detections[0]!.box).toEqual([0, 0, 25, 25]);
  });

  test('max_detections caps what NMS keeps', () => {
    const n = 10;
    const rows = new Float32Array(n * 6);
    for (let i = 0; i < n; i++) rows.set([i * 10 + 5, 5, 8, 8, 0.9, 0.5 + i / 100], i * 6); // disjoint boxes
    const out = decodeOutputs(
      { o: new Tensor('float32', rows, [1, n, 6]) },
      output({ format: 'yolov5', num_classes: 1, max_detections: 3 }),
      ctx(['o']),
      identity(100, 100),
    );
    if (out.kind !== 'detection') throw new Error('expected detection');
    expect(out.detections.map((d) => d.box[0])).toEqual([91, 81, 71]);
  });
});
