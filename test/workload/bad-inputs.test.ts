import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

/**
 * Every bad input must exit 2 with exactly one line on stderr, `capacity-plan: FILE:LINE:COL: message`,
 * no stack trace and nothing on stdout. Line and column are asserted exactly (counted by hand in
 * the fixture files under test/fixtures/bad/).
 */
const CASES: Array<[file: string, line: number, col: number, message: string]> = [
  // YAML syntax
  ['syntax-unclosed-flow.yaml', 3, 1, 'Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ['syntax-bad-indent.yaml', 9, 1, 'Sequence item without - indicator (and 2 more'],
  ['syntax-tab.yaml', 12, 1, 'Tabs are not allowed as indentation'],
  ['duplicate-key-top.yaml', 14, 1, 'Map keys must be unique'],
  ['duplicate-key-nested.yaml', 14, 3, 'Map keys must be unique'],
  ['empty.yaml', 1, 1, 'file is empty'],
  ['comments-only.yaml', 1, 1, 'file is empty'],
  ['top-level-list.yaml', 1, 1, 'expected object, got a list'],
  // unknown keys
  ['unknown-key-top.yaml', 14, 1, "unknown key 'regoin'"],
  ['unknown-key-nested.yaml', 15, 3, "unknown key 'target_utilisation' in scaling"],
  ['unknown-key-image.yaml', 11, 5, "unknown key 'colour' in images[0]"],
  // wrong types, missing keys
  ['wrong-type-string.yaml', 12, 13, 'traffic.peak_tps: must be a number'],
  ['wrong-type-float-width.yaml', 8, 12, 'images[0].width: must be a whole number of pixels'],
  ['wrong-type-bool.yaml', 15, 15, 'availability.production: expected boolean, got the string "yes"'],
  ['wrong-type-images-mapping.yaml', 7, 3, 'images: expected array, got a mapping'],
  [
    'unknown-service.yaml',
    3,
    10,
    'service: expected one of "rekognition-custom-labels", "lookout-for-vision", "custom", got "rekognition"',
  ],
  ['version-2.yaml', 1, 10, 'version: expected one of 1, got 2'],
  ['missing-name.yaml', 1, 1, "missing required key 'name'"],
  // values out of range
  ['negative-peak.yaml', 12, 13, 'traffic.peak_tps: must be greater than 0'],
  ['zero-tps-per-unit.yaml', 5, 17, 'model.tps_per_unit: must be greater than 0'],
  ['zero-utilization.yaml', 15, 23, 'scaling.target_utilization: must be greater than 0'],
  ['utilization-above-1.yaml', 15, 23, 'scaling.target_utilization: must be at most 1'],
  ['zero-zones.yaml', 15, 10, 'availability.zones: must be at least 1'],
  ['hours-per-day-25.yaml', 15, 18, 'schedule.hours_per_day: must be at most 24'],
  ['baseline-above-peak.yaml', 13, 17, 'traffic.baseline_tps: baseline_tps (40) is above peak_tps (30)'],
  ['peak-hours-over-schedule.yaml', 14, 23, 'traffic.peak_hours_per_day: peak_hours_per_day (12) exceeds schedule.hours_per_day (10)'],
  ['shares-not-1.yaml', 7, 3, 'images: image shares sum to 0.9, not 1'],
  ['unknown-region.yaml', 3, 9, 'no built-in price for rekognition-custom-labels in mars-north-1'],
  // model source
  ['both-tps-and-bench.yaml', 6, 10, 'model.bench: model takes tps_per_unit or bench, not both'],
  ['neither-tps-nor-bench.yaml', 4, 3, 'model: model needs one of tps_per_unit or bench'],
  ['bench-model-without-bench.yaml', 6, 16, 'model.bench_model: bench_model needs bench'],
  ['missing-bench-file.yaml', 5, 10, 'bench/does-not-exist.json: bench result file not found'],
  [
    'bench-wrong-schema.yaml',
    5,
    10,
    "bench/schema-v2.json:1:1: bench result file has schema 'capacity-plan/bench@9'; this capacity-plan reads capacity-plan/bench@2, capacity-plan/bench@1",
  ],
  ['bench-not-json.yaml', 5, 10, 'bench/not-json.json:2:1: bench result file is not valid JSON'],
  [
    'bench-model-not-in-file.yaml',
    6,
    16,
    "model.bench_model: 'ocr-rec' is not in ../../../examples/workloads/example-bench.json (it has: ocr-det, ocr-cls)",
  ],
  ['bench-task-mismatch.yaml', 4, 9, "model.task is classification but bench model 'ocr-det' is detection"],
  // anchored calibration and corpus classes
  ['calibration-tps-zero.yaml', 8, 10, 'model.calibration.tps: must be greater than 0'],
  ['calibration-image-missing-key.yaml', 10, 7, 'model.calibration.image: missing required key'],
  [
    'corpus-not-in-bench.yaml',
    13,
    13,
    "images[1].corpus: corpus 'photos' is not in ../../../examples/workloads/example-bench.json (model 'ocr-det' measured no corpus)",
  ],
  ['corpus-with-width.yaml', 10, 12, 'images[0].width: width does not apply with corpus'],
  // service limits
  ['bytes-4mb.yaml', 10, 14, 'images[0].size_mb: 4 MB passed as bytes must be under 4.0 MB'],
  ['s3-over-15mb.yaml', 10, 14, 'images[0].size_mb: 15.5 MB exceeds the 15 MB limit for stored (S3) images'],
  ['side-too-small.yaml', 8, 12, 'images[0].width: width 63 px is outside the 64-4096 px'],
  ['side-too-large.yaml', 9, 13, 'images[0].height: height 4097 px is outside the 64-4096 px'],
  ['aspect-over-20.yaml', 8, 12, 'images[0].width: aspect ratio 21.0:1 exceeds 20:1'],
];

function expectOneLine(r: { code: number; stdout: string; stderr: string }) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('internal error');
}

describe('bad workload files: exit 2, one located line, no stack trace', () => {
  it('covers at least 25 bad inputs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(CASES)('%s → line %i col %i', (name, line, col, message) => {
    const file = `test/fixtures/bad/${name}`;
    const r = runCli(['plan', file]);
    expectOneLine(r);
    const m = /^capacity-plan: (.+?):(\d+):(\d+): (.*)$/.exec(r.stderr.trimEnd());
    expect(m, r.stderr).not.toBeNull();
    expect(m![1]).toBe(file);
    expect([Number(m![2]), Number(m![3])]).toEqual([line, col]);
    expect(m![4]).toContain(message);
  });

  it('validate lists the same problem for each of them, located the same way', () => {
    const r = runCli(['validate', ...CASES.map(([name]) => `test/fixtures/bad/${name}`)]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    for (const [name, line, col, message] of CASES) {
      const where = `test/fixtures/bad/${name}:${line}:${col}: `;
      expect(
        lines.some((l) => l.startsWith(where) && l.includes(message.replace(/ \(and \d+ more.*$/, ''))),
        where,
      ).toBe(true);
    }
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('bad file arguments (no line to point at): exit 2, one line naming the file', () => {
  it('a directory instead of a file', () => {
    const r = runCli(['plan', 'test/fixtures/bad/a-directory.yaml']);
    expectOneLine(r);
    expect(r.stderr).toBe('capacity-plan: test/fixtures/bad/a-directory.yaml: is a directory, expected a workload file\n');
  });

  it('a file that does not exist', () => {
    const r = runCli(['plan', 'test/fixtures/bad/no-such-file.yaml']);
    expectOneLine(r);
    expect(r.stderr).toBe('capacity-plan: test/fixtures/bad/no-such-file.yaml: workload file not found\n');
  });

  it('a bench path that is a directory', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'bench.json'));
    const text =
      'version: 1\nname: x\nmodel:\n  task: detection\n  bench: bench.json\nimages:\n  - {share: 1, width: 640, height: 480, size_mb: 0.1}\ntraffic:\n  peak_tps: 1\n';
    writeFileSync(join(dir, 'w.yaml'), text);
    const r = runCli(['plan', 'w.yaml'], { cwd: dir });
    expectOneLine(r);
    expect(r.stderr).toMatch(/^capacity-plan: w\.yaml:5:10: model\.bench: .*bench\.json: is a directory/);
  });
});
