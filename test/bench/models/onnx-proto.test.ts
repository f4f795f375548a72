import { expect, test } from 'vitest';
import { describeModelFile } from '../../../src/bench/models/onnx-proto.js';
import { resolveModel } from '../../../src/bench/models/registry.js';

test('describeModelFile: hash, size and parameter count of the built-ins', async () => {
  const det = await describeModelFile((await resolveModel('ocr-det')).modelPath);
  expect(det.sizeBytes).toBe(4745517);
  expect(det.sha256).toMatch(/^[0-9a-f]{64}$/);
  // paddle2onnx keeps weights in Constant nodes: ~1.17 M parameters in a 4.7 MB float32 file.
  expect(det.parameterCount).toBe(1171841);
  const cls = await describeModelFile((await resolveModel('ocr-cls')).modelPath);
  expect(cls.parameterCount).toBe(133664);
});
