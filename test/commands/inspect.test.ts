import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readBenchResult } from '../../src/contracts/read-result.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { constantOutputsModel, writeModel } from '../helpers/onnx-graphs.js';

/** capacity-plan inspect through the built CLI: the report, the entry alone, and that entry pasted into a suite and benched. */

const zeros = (n: number) => new Array<number>(n).fill(0);

function yoloModel(dir: string): void {
  // One box (centre 32,32, 16x16, class 1 at 0.9) among 84 columns: an Ultralytics-shaped YOLOv8 head on a 64x64 input.
  const values = zeros(6 * 84);
  [32, 32, 16, 16, 0.1, 0.9].forEach((v, k) => (values[k * 84] = v));
  writeModel(
    dir,
    'yolov8n.onnx',
    constantOutputsModel({ shape: [1, 3, 64, 64] }, [{ name: 'output0', dims: [1, 6, 84], values }], undefined, {
      producer: 'pytorch',
      metadata: { author: 'Ultralytics', names: "{0: 'cat', 1: 'dog'}", task: 'detect' },
    }),
  );
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
    expect(r.stdout).toMatch(
      /^check: ran on 3 images \(synthetic 640x480\): the output fits yolov8: 1 detection\(s\) above the threshold$/m,
    );
  });

  it('--format yaml prints only the entry; pasted into a suite, bench runs it', async () => {
    const dir = tempDir();
    yoloModel(dir);
    const r = runCli(['inspect', 'yolov8n.onnx', '--format', 'yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^- name: yolov8n\n {2}task: detection\n {2}path: yolov8n\.onnx\n/);
    expect(r.stdout).not.toMatch(/guessed|check/);
    const indented = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n');
    writeFileSync(
      join(dir, 'suite.yaml'),
      `version: 1\nmodels:\n${indented}\nconditions: { resolutions: ["320x240"], sizes_mb: [0.05] }\nmeasure: { min_samples: 3, min_time_s: 0.1, max_time_s: 0.3 }\n`,
    );
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
    expect(r.stderr).toMatch(
      /^capacity-plan: odd\.onnx: the proposed entry did not pass its check: the entry is incomplete: output\.format/,
    );
  });

  it('an entry whose outputs are implausible: exit 1 with the check named, the yaml headed by why, the file named once', () => {
    const dir = tempDir();
    // PicoDet-style rows (class, score, box) with no scale_factor input: proposed with the default columns, which read 40 as a score.
    writeModel(
      dir,
      'pico.onnx',
      constantOutputsModel({ shape: [1, 3, 64, 64] }, [
        { name: 'rows', dims: [1, 2, 6], values: [0, 0.9, 10, 12, 40, 50, 2, 0.8, 1, 1, 20, 20] },
      ]),
    );
    const table = runCli(['inspect', 'pico.onnx'], { cwd: dir });
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(
      /^check failed: the output fits boxes-scored: 2 detection\(s\) above the threshold, but implausible output \[score-out-of-range\] on 3 of 3 image\(s\) \(score 40 outside 0\.\.1\): .*check output\.format and output\.columns/m,
    );
    expect(table.stdout.match(/pico\.onnx/g)).toHaveLength(2); // the heading and the entry's path, not the check line
    const yaml = runCli(['inspect', 'pico.onnx', '--format', 'yaml'], { cwd: dir });
    expect(yaml.code).toBe(1);
    expect(yaml.stdout).toMatch(
      /^# this entry did not pass its check: the output fits boxes-scored: .*\[score-out-of-range\].*\n- name: pico\n/,
    );
    expect(yaml.stderr).toMatch(
      /^capacity-plan: pico\.onnx: the proposed entry did not pass its check: the output fits boxes-scored: .*\n$/,
    );
  });

  it('names, producer and metadata from the file reach the terminal escaped (ANSI, OSC, bidi overrides)', () => {
    const dir = tempDir();
    const evil = 'out\u001b[31m\u001b]8;;http://x\u0007\u202e';
    writeModel(
      dir,
      'evil.onnx',
      constantOutputsModel({ name: 'img\u202eput', shape: [1, 3, 32, 32] }, [{ name: evil, dims: [1, 10], values: zeros(10) }], undefined, {
        producer: 'tool\u001b[2J',
        metadata: { 'k\u001b[1m': 'v\u2066x' },
      }),
    );
    for (const format of ['table', 'yaml']) {
      const r = runCli(['inspect', 'evil.onnx', '--format', format], { cwd: dir });
      // eslint-disable-next-line no-control-regex
      expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    }
    const r = runCli(['inspect', 'evil.onnx'], { cwd: dir });
    expect(r.stdout).toContain('out\\u001b[31m\\u001b]8;;http://x\\u0007\\u202e');
    expect(r.stdout).toContain('producer tool\\u001b[2J');
  });

  it('--image runs the entry on the photo too, --out draws what it found; nothing found on a photo is flagged', async () => {
    const dir = tempDir();
    yoloModel(dir);
    writeFileSync(
      join(dir, 'photo.png'),
      await sharp({ create: { width: 128, height: 96, channels: 3, background: '#336699' } })
        .png()
        .toBuffer(),
    );
    const r = runCli(['inspect', 'yolov8n.onnx', '--image', 'photo.png', '--out', 'preview.png'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^check: ran on 4 images \(synthetic 640x480 and yours\): .*; on photo\.png: 1 detection\(s\) above the threshold$/m,
    );
    const preview = await sharp(join(dir, 'preview.png')).raw().toBuffer({ resolveWithObject: true });
    expect([preview.info.width, preview.info.height]).toEqual([128, 96]);
    // The box (centre 32,32 of 64, letterboxed into 128x96) is drawn in the first palette colour (class 1 → #3cb44b) at its left edge.
    const at = (x: number, y: number) => [
      ...preview.data.subarray((y * 128 + x) * preview.info.channels, (y * 128 + x) * preview.info.channels + 3),
    ];
    expect(at(5, 60)).toEqual([0x33, 0x66, 0x99]);
    expect(at(48, 48)).toEqual([0x3c, 0xb4, 0x4b]);
    const empty = tempDir();
    writeModel(
      empty,
      'nothing.onnx',
      constantOutputsModel({ shape: [1, 3, 64, 64] }, [{ name: 'output0', dims: [1, 6, 84], values: zeros(6 * 84) }]),
    );
    writeFileSync(
      join(empty, 'photo.png'),
      await sharp({ create: { width: 64, height: 64, channels: 3, background: '#336699' } })
        .png()
        .toBuffer(),
    );
    const none = runCli(['inspect', 'nothing.onnx', '--image', 'photo.png'], { cwd: empty });
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/implausible output \[no-detections\] on 1 of 1 image\(s\) \(0 detections on every image \(photo\.png\)\)/);
    expect(runCli(['inspect', 'nothing.onnx', '--out', 'p.png'], { cwd: empty })).toMatchObject({
      code: 2,
      stderr: 'capacity-plan: --out draws on your photo: give it with --image photo.jpg\n',
    });
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
