import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT, tempDir } from '../../helpers/cli.js';
import { constantOutputsModel, extraInputsModel, writeModel } from '../../helpers/onnx-graphs.js';
import { inspectModel } from '../../../src/bench/models/inspect.js';
import { BUILTIN_MODEL_NAMES, BUILTIN_SPECS } from '../../../src/bench/models/builtins.js';
import { ModelSpecSchema } from '../../../src/bench/models/spec.js';

/**
 * inspect on graphs shaped like the common exports (built here, so the right answer is known) and
 * on both built-in models: the signature it reads, the entry it proposes, and the check run.
 */

const dir = tempDir('capacity-plan-inspect-');
const zeros = (n: number) => new Array<number>(n).fill(0);
const ASSETS = join(ROOT, 'node_modules', '@gutenye', 'ocr-models', 'assets');

describe('inspect: exports', () => {
  test('an Ultralytics YOLOv8 export: yolov8, letterboxed, classes from the metadata and the shape', async () => {
    const file = writeModel(
      dir,
      'yolov8n.onnx',
      constantOutputsModel({ shape: [1, 3, 64, 64] }, [{ name: 'output0', dims: [1, 6, 84], values: zeros(6 * 84) }], undefined, {
        producer: 'pytorch',
        metadata: { author: 'Ultralytics', names: "{0: 'cat', 1: 'dog'}", imgsz: '[64, 64]', task: 'detect', stride: '32' },
      }),
    );
    const r = await inspectModel(file);
    expect(r).toMatchObject({
      opset: 13,
      producer: 'pytorch',
      parameterCount: 6 * 84,
      inputs: [{ name: 'images', dtype: 'float32', shape: [1, 3, 64, 64] }],
      outputs: [{ name: 'output0', dtype: 'float32', shape: [1, 6, 84] }],
    });
    expect(r.metadata.names).toBe("{0: 'cat', 1: 'dog'}");
    expect(r.entry).toEqual({
      name: 'yolov8n',
      task: 'detection',
      path: file,
      input: { width: 64, height: 64, layout: 'NCHW', color: 'RGB', scale: 1 / 255, resize: 'letterbox', dtype: 'float32' },
      output: { format: 'yolov8', num_classes: 2 },
    });
    expect(r.check).toEqual({
      ok: true,
      imageWidth: 640,
      imageHeight: 480,
      images: 3,
      summary: 'the output fits yolov8: 0 detection(s) above the threshold',
    });
  });

  test('a convolutional classifier head [1, 1000, 1, 1]: logits, ImageNet normalisation guessed and said so', async () => {
    const file = writeModel(
      dir,
      'resnet.onnx',
      constantOutputsModel({ name: 'data', shape: ['N', 3, 224, 224] }, [{ name: 'prob', dims: [1, 1000, 1, 1], values: zeros(1000) }]),
    );
    const r = await inspectModel(file);
    expect(r.entry).toMatchObject({
      task: 'classification',
      input: { width: 224, height: 224, resize: 'stretch', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      output: { format: 'logits', num_classes: 1000, softmax: 'auto' },
    });
    expect(r.unknown.join('\n')).toMatch(/normalisation: ImageNet mean and std on RGB assumed/);
    expect(r.check).toMatchObject({ ok: true, summary: expect.stringMatching(/^the output fits logits: top class 0 at 0\.001/) });
  });

  test('a TensorFlow Object Detection API export: uint8 NHWC of any size, tf-od', async () => {
    const file = writeModel(
      dir,
      'ssd_mobilenet.onnx',
      constantOutputsModel(
        { name: 'input_tensor', shape: [1, 'unk__1', 'unk__2', 3], type: 'uint8' },
        [
          { name: 'detection_boxes', dims: [1, 2, 4], values: [0.1, 0.1, 0.5, 0.5, 0, 0, 0, 0] },
          { name: 'detection_classes', dims: [1, 2], values: [18, 0] },
          { name: 'detection_scores', dims: [1, 2], values: [0.9, 0] },
          { name: 'num_detections', dims: [1], values: [1] },
          { name: 'raw_detection_scores', dims: [1, 2, 3], values: zeros(6) },
        ],
        [[1, 'n', 4], [1, 'n'], [1, 'n'], [1], [1, 'n', 3]],
        { producer: 'tf2onnx' },
      ),
    );
    const r = await inspectModel(file);
    expect(r.inputs).toEqual([{ name: 'input_tensor', dtype: 'uint8', shape: [1, 'unk__1', 'unk__2', 3] }]);
    expect(r.entry).toMatchObject({
      task: 'detection',
      input: { layout: 'NHWC', dtype: 'uint8', resize: { longest_side_max: 1024, multiple_of: 1 } },
      output: { format: 'tf-od' },
    });
    expect(r.unknown.join('\n')).toMatch(/the input size \(dynamic\)/);
    expect(r.check).toMatchObject({ ok: true, summary: 'the output fits tf-od: 1 detection(s) above the threshold' });
  });

  test('an end-to-end export with NMS in the graph [1, N, 6]: boxes-scored', async () => {
    const file = writeModel(
      dir,
      'yolo11n-e2e.onnx',
      constantOutputsModel({ shape: [1, 3, 64, 64] }, [
        { name: 'output0', dims: [1, 10, 6], values: [5, 5, 20, 20, 0.8, 3, ...zeros(54)] },
      ]),
    );
    const r = await inspectModel(file);
    expect(r.entry).toMatchObject({ input: { width: 64, height: 64, resize: 'letterbox' }, output: { format: 'boxes-scored' } });
    expect(r.check).toMatchObject({ ok: true, summary: 'the output fits boxes-scored: 1 detection(s) above the threshold' });
  });

  test('a PaddleDetection export: image, im_shape and scale_factor; NMS rows in image pixels; stretched as its deploy code does', async () => {
    const file = writeModel(
      dir,
      'ppyoloe.onnx',
      extraInputsModel(
        { shape: ['p2o.DynamicDimension.0', 3, 64, 64] },
        [
          { name: 'im_shape', shape: ['p2o.DynamicDimension.1', 2] },
          { name: 'scale_factor', shape: ['p2o.DynamicDimension.2', 2] },
        ],
        [{ name: 'multiclass_nms3_0.tmp_0', dims: [1, 6], values: [2, 0.7, 10, 10, 50, 50] }],
      ),
    );
    const r = await inspectModel(file);
    expect(r.entry).toMatchObject({
      input: {
        name: 'image',
        width: 64,
        height: 64,
        color: 'RGB',
        mean: [0.485, 0.456, 0.406],
        std: [0.229, 0.224, 0.225],
        resize: 'stretch',
        extra: [
          { name: 'im_shape', value: 'im_shape' },
          { name: 'scale_factor', value: 'scale_factor' },
        ],
      },
      output: { format: 'boxes-scored', columns: ['class', 'score', 'x1', 'y1', 'x2', 'y2'], boxes_in_image: true },
    });
    expect(r.check).toMatchObject({ ok: true, summary: 'the output fits boxes-scored: 1 detection(s) above the threshold' });
  });

  test('a raw YOLOX head: rows = the anchor count for the input size at strides 8, 16, 32', async () => {
    const file = writeModel(
      dir,
      'yolox_s.onnx',
      constantOutputsModel({ shape: [1, 3, 64, 64] }, [{ name: 'output', dims: [1, 84, 8], values: zeros(84 * 8) }]),
    );
    const r = await inspectModel(file);
    expect(r.entry).toMatchObject({
      input: { color: 'BGR', scale: 1, resize: 'letterbox', letterbox_align: 'top-left' },
      output: { format: 'yolox', num_classes: 3 },
    });
    expect(r.check.ok).toBe(true);
  });

  test('an output in no known shape: no format proposed, said so, and the check fails', async () => {
    const file = writeModel(
      dir,
      'odd.onnx',
      constantOutputsModel({ shape: [1, 3, 8, 8] }, [{ name: 'cube', dims: [1, 2, 2, 2], values: zeros(8) }]),
    );
    const r = await inspectModel(file);
    expect(r.entry.output).toEqual({});
    expect(r.unknown).toContain('the output format: no known export shape in cube [1, 2, 2, 2]');
    expect(r.check).toMatchObject({ ok: false, problem: expect.stringMatching(/^the entry is incomplete: output\.format/) });
  });
});

describe('inspect: the built-in models', () => {
  test('ocr-det (paddle2onnx, dynamic size): db, the PaddleOCR normalisation, longest side 960', async () => {
    const r = await inspectModel(join(ASSETS, 'ch_PP-OCRv4_det_infer.onnx'));
    expect(r).toMatchObject({ opset: 11, inputs: [{ name: 'x', dtype: 'float32' }] });
    expect(r.parameterCount / 1e6).toBeCloseTo(1.17, 2); // as docs/models.md lists it
    expect(r.entry).toMatchObject({
      task: 'detection',
      input: { color: 'BGR', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], resize: { longest_side_max: 960, multiple_of: 32 } },
      output: { format: 'db', score_threshold: 0.6 },
    });
    expect(r.check).toMatchObject({ ok: true });
  });

  test('ocr-cls: logits, two classes, already probabilities (the graph ends in Softmax), 192x48 padded on the right', async () => {
    const r = await inspectModel(join(ASSETS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'));
    expect(r.outputs).toEqual([{ name: 'softmax_0.tmp_0', dtype: 'float32', shape: [expect.any(String), 2] }]);
    expect(r.entry).toMatchObject({ task: 'classification', output: { format: 'logits', num_classes: 2, softmax: false } });
    expect(r.unknown.join('\n')).not.toMatch(/input size/);
    expect(r.check).toMatchObject({ ok: true, summary: expect.stringMatching(/^the output fits logits: top class [01] at/) });
  });

  test.each(BUILTIN_MODEL_NAMES)('%s: the proposed entry is the built-in spec itself', async (name) => {
    const { file, ...builtin } = BUILTIN_SPECS[name];
    const r = await inspectModel(join(ASSETS, file));
    const parse = (e: object) => ModelSpecSchema.parse({ ...e, name: 'm', path: 'm.onnx' });
    const { name: _n, path: _p, ...proposed } = parse(r.entry);
    const { name: _n2, path: _p2, ...real } = parse(builtin);
    expect(proposed).toEqual(real);
  });
});
