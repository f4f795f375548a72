import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { UserError } from '../../../src/core/errors.js';
import { ModelRefSchema, ModelSpecSchema } from '../../../src/bench/models/spec.js';
import { loadYamlWithSchema } from '../../../src/core/yaml.js';

/** Model specs as a suite file declares them: defaults, and located errors for mistakes. */

const Suite = z.strictObject({ models: z.array(ModelRefSchema).min(1) });

function problem(yaml: string): string {
  try {
    loadYamlWithSchema(yaml, 'suite.yaml', Suite);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as UserError).message;
  }
  throw new Error('expected a UserError');
}

const model = (input: string, output: string, task = 'detection') =>
  `models:\n  - ocr-det\n  - name: mine\n    task: ${task}\n    path: models/mine.onnx\n    input: ${input}\n    output: ${output}\n`;

test('defaults fill everything but the input size and output format', () => {
  const { value } = loadYamlWithSchema(model('{width: 640, height: 640}', '{format: yolov8}'), 'suite.yaml', Suite);
  expect(value.models[0]).toBe('ocr-det');
  expect(value.models[1]).toEqual(
    ModelSpecSchema.parse({
      name: 'mine',
      task: 'detection',
      path: 'models/mine.onnx',
      input: { width: 640, height: 640 },
      output: { format: 'yolov8' },
    }),
  );
  const spec = value.models[1] as z.infer<typeof ModelSpecSchema>;
  expect(spec.input).toMatchObject({ layout: 'NCHW', color: 'RGB', resize: 'stretch', dtype: 'float32', mean: [0, 0, 0], std: [1, 1, 1] });
  expect(spec.output).toMatchObject({ score_threshold: 0.25, iou_threshold: 0.45, reg_max: 7 });
  expect(spec.output.strides).toBeUndefined(); // each format has its own (yolox 8, 16, 32; NanoDet-Plus adds 64)
});

describe('mistakes are reported at their line', () => {
  test.each([
    ['{width: 640, height: 640, colour: RGB}', '{format: yolov8}', 'detection', "suite.yaml:6:38: unknown key 'colour' in models[1].input"],
    ['{width: 640, height: 640}', '{format: yolo}', 'detection', 'suite.yaml:7:22: models[1].output.format: expected one of'],
    [
      '{width: 640, height: 640}',
      '{format: yolov8}',
      'classification',
      'suite.yaml:7:22: models[1].output.format: output format yolov8 is for task detection, not classification',
    ],
    [
      '{width: 640, height: 640, mean: [1, 2]}',
      '{format: yolov8}',
      'detection',
      'suite.yaml:6:44: models[1].input.mean: input.mean must be a list of 3 numbers',
    ],
    ['{width: 640, height: 0}', '{format: yolov8}', 'detection', 'models[1].input.height: input.height must be greater than 0'],
    [
      '{width: 640, height: 640, std: [1, 0, 1]}',
      '{format: yolov8}',
      'detection',
      'models[1].input.std: input.std values must be greater than 0',
    ],
    [
      '{width: 640, height: 640}',
      '{format: yolov8, iou_threshold: 1.5}',
      'detection',
      'models[1].output.iou_threshold: output.iou_threshold must be between 0 and 1',
    ],
  ])('input %s output %s (%s)', (input, output, task, expected) => {
    expect(problem(model(input, output, task))).toContain(expected);
  });

  test('a model that is neither a name nor a spec', () => {
    expect(problem('models:\n  - 12\n')).toBe(
      'suite.yaml:2:5: models[0]: a model is a built-in name (e.g. ocr-det) or a model spec (name, task, path, input, output)',
    );
  });
});
