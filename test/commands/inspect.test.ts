import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBenchResult } from '../../src/bench/read-result.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { constantOutputsModel, writeModel } from '../helpers/onnx-graphs.js';

/** capacity-plan inspect through the built CLI: the report, the entry alone, and that entry pasted into a suite and benched. */

const zeros = (n: number) => new Array<number>(n).fill(0);

function yoloModel(dir: string): void {
  // One box (centre 32,32, 16x16, class 1 at 0.9) among 84 columns: an Ultralytics-shaped YOLOv8 head on a 64x64 input.
  const values = zeros(6 * 84);
  [32, 32, 16, 16, 0.1, 0.9].forEach((v, k) => (values[k * 84] = v));
  writeModel(dir, 'yolov8n.onnx', constantOutputsModel({ shape: [1, 3, 64, 64] }, [{ name: 'output0', dims: [1, 6, 84], values }], undefined, { producer: 'pytorch', metadata: { author: 'Ultralytics', names: "{0: 'cat', 1: 'dog'}", task: 'detect' } }));
}

describe('capacity-plan inspect (built CLI)', () => {
  it('prints the signature, the proposed entry, its guesses and the check run', () => {
    const dir = tempDir();
    yoloModel(dir);
    const r = runCli(['inspect', 'yolov8n.onnx'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^yolov8n\.onnx: 0\.00 MB, 504 parameters, opset 13, producer pytorch$/m);
    expect(r.stdout).toContain('inputs:\n  images  float32  [1, 3, 64, 64]\noutputs:\n  output0  float32  [1, 6, 84]\n');
    expect(r.stdout).toMatch(/^ {6}format: yolov8$/m);
    expect(r.stdout).toMatch(/^guessed:\n {2}- input images \[1, 3, 64, 64\] is NCHW$/m);
    expect(r.stdout).toMatch(/^check: ran on 3 images \(synthetic 640x480\): the output fits yolov8: 1 detection\(s\) above the threshold$/m);
  });

  it('--format yaml prints only the entry; pasted into a suite, bench runs it', async () => {
    const dir = tempDir();
    yoloModel(dir);
    const r = runCli(['inspect', 'yolov8n.onnx', '--format', 'yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^- name: yolov8n\n {2}task: detection\n {2}path: yolov8n\.onnx\n/);
    expect(r.stdout).not.toMatch(/guessed|check/);
    const indented = r.stdout.trimEnd().split('\n').map((l) => `  ${l}`).join('\n');
    writeFileSync(join(dir, 'suite.yaml'), `version: 1\nmodels:\n${indented}\nconditions: { resolutions: ["320x240"], sizes_mb: [0.05] }\nmeasure: { min_samples: 3, min_time_s: 0.1, max_time_s: 0.3 }\n`);
    const bench = runCli(['bench', 'suite.yaml', '--out', 'b.json'], { cwd: dir });
    expect(bench.stderr).toMatch(/result written to b\.json/);
    expect(bench.code).toBe(0);
    const result = await readBenchResult(join(dir, 'b.json'));
    expect(result.models.map((m) => [m.name, m.task])).toEqual([['yolov8n', 'detection']]);
    expect(result.models[0]!.conditions.length).toBeGreaterThanOrEqual(1);
  });

  it('a model whose output fits no known format: the entry says so and inspect exits 1', () => {
    const dir = tempDir();
    writeModel(dir, 'odd.onnx', constantOutputsModel({ shape: [1, 3, 8, 8] }, [{ name: 'cube', dims: [1, 2, 2, 2], values: zeros(8) }]));
    const r = runCli(['inspect', 'odd.onnx', '--format', 'yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^# output\.format: could not tell from the model/);
    expect(r.stderr).toMatch(/^capacity-plan: odd\.onnx: the proposed entry did not pass its check: the entry is incomplete: output\.format/);
  });

  it.each([
    ['a missing file', 'absent.onnx', /^capacity-plan: absent\.onnx: model file not found\n$/],
    ['an empty file', 'empty.onnx', /^capacity-plan: empty\.onnx: not a valid ONNX model \(no graph\)\n$/],
    ['a truncated model', 'cut.onnx', /^capacity-plan: cut\.onnx: not a valid ONNX model \(truncated or not protobuf: .*\)\n$/],
    ['a text file', 'notes.onnx', /^capacity-plan: notes\.onnx: not a valid ONNX model/],
  ])('%s: one line, exit 2', (_, name, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.onnx'), '');
    const bytes = constantOutputsModel({ shape: [1, 3, 8, 8] }, [{ name: 'logits', dims: [1, 100], values: zeros(100) }]);
    writeFileSync(join(dir, 'cut.onnx'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    writeFileSync(join(dir, 'notes.onnx'), 'not a model\n');
    const r = runCli(['inspect', name], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
