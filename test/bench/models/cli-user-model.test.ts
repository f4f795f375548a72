import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../../helpers/cli.js';
import { constantOutputsModel, writeModel } from '../../helpers/onnx-graphs.js';

/** A user's own model declared in a suite, through the real CLI (built by `npm test`). */

const dir = tempDir('capacity-plan-cli-model-');
// Two boxes in input pixels: class 0 at (100, 100), class 1 at (300, 300), 50x50 each.
const cols = [
  [100, 100, 50, 50, 0.9, 0.1],
  [300, 300, 50, 50, 0.1, 0.8],
];
writeModel(dir, 'toy.onnx', constantOutputsModel({ shape: [1, 3, 640, 640] }, [{ name: 'output0', dims: [1, 6, 2], values: [0, 1, 2, 3, 4, 5].flatMap((k) => cols.map((c) => c[k]!)) }]));
writeModel(dir, 'wrong.onnx', constantOutputsModel({ shape: [1, 3, 640, 640] }, [{ name: 'output0', dims: [1, 30, 8], values: new Array<number>(240).fill(0) }]));

function suite(file: string, model: string): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    `version: 1
models:
  - name: toy
    task: detection
    path: ${model}
    input: { width: 640, height: 640, resize: letterbox }
    output: { format: yolov8, num_classes: 2 }
conditions:
  resolutions: ["320x240"]
  sizes_mb: [0.02]
  objects: [0]
measure: { min_samples: 3, min_time_s: 0.05, max_time_s: 0.3 }
`,
  );
  return path;
}

describe('bench with a user model', () => {
  test('measures it and records what it is', () => {
    const out = join(dir, 'result.json');
    const r = runCli(['bench', suite('ok.yaml', 'toy.onnx'), '--out', out, '--format', 'json'], { cwd: dir });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    const model = result.models[0];
    expect(model).toMatchObject({ name: 'toy', task: 'detection', parameterCount: 12 });
    expect(model.source).toMatch(/toy\.onnx$/);
    expect(model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(model.input).toMatchObject({ width: 640, height: 640, resize: 'letterbox', output: 'yolov8' });
    expect(model.conditions[0].detected).toBe(2);
  });

  test('refuses a model whose output does not fit its declared format, naming the file', () => {
    const r = runCli(['bench', suite('wrong.yaml', 'wrong.onnx'), '--out', join(dir, 'never.json')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('capacity-plan: wrong.onnx: output format yolov8 expects [1, 4+C, N] with C=2, got [1, 30, 8]');
  });

  test('refuses a truncated model file', () => {
    const bytes = readFileSync(join(dir, 'toy.onnx'));
    writeFileSync(join(dir, 'cut.onnx'), bytes.subarray(0, bytes.length - 20));
    const r = runCli(['bench', suite('cut.yaml', 'cut.onnx'), '--out', join(dir, 'never.json')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^capacity-plan: cut\.onnx: not a valid ONNX model/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('an unknown built-in lists the built-ins', () => {
    const r = runCli(['bench', '--model', 'ocr-rec', '--quick', '--out', join(dir, 'never.json')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown built-in model 'ocr-rec'; built-in models: ocr-det, ocr-cls");
  });
});
