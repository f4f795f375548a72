import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

describe('validate', () => {
  it('good files: ok on stdout, exit 0', () => {
    const r = runCli(['validate', 'fixtures/workloads/shelf-audit.yaml', 'fixtures/workloads/parcel-labels.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('fixtures/workloads/shelf-audit.yaml: ok\nfixtures/workloads/parcel-labels.yaml: ok\n');
  });

  it('lists every problem of a file, each with file:line:col, in line order', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'w.yaml'),
      [
        'version: 1', //                1
        'name: many-problems', //       2
        'model:', //                    3
        '  task: segmentation', //      4  not a task
        '  tps_per_unit: -1', //        5  negative
        'images:', //                   6
        '  - share: 1', //              7
        '    width: 1920', //           8
        '    height: 1080', //          9
        '    size_mb: 1', //           10
        '    colour: rgb', //          11  unknown key
        'traffic:', //                 12
        '  peak_tps: 30', //           13
        'scaling:', //                 14
        '  target_utilization: 2', //  15  above 1
        '',
      ].join('\n'),
    );
    const r = runCli(['validate', 'w.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'w.yaml:4:9: model.task: expected one of "classification", "detection", got "segmentation"',
      'w.yaml:5:17: model.tps_per_unit: must be greater than 0',
      "w.yaml:11:5: unknown key 'colour' in images[0]",
      'w.yaml:15:23: scaling.target_utilization: must be at most 1',
    ]);
    // plan stops at the first and points to validate for the rest.
    const p = runCli(['plan', 'w.yaml'], { cwd: dir });
    expect(p.code).toBe(2);
    expect(p.stderr).toBe("capacity-plan: w.yaml:4:9: model.task: expected one of \"classification\", \"detection\", got \"segmentation\" (and 3 more; run 'capacity-plan validate' to list them)\n");
  });

  it('checks every file even after a bad one; good ones still say ok', () => {
    const r = runCli(['validate', 'fixtures/bad/zero-zones.yaml', 'fixtures/workloads/shelf-audit.yaml', 'fixtures/bad/side-too-small.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('fixtures/workloads/shelf-audit.yaml: ok\n');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'fixtures/bad/zero-zones.yaml:15:10: availability.zones: must be at least 1',
      'fixtures/bad/side-too-small.yaml:8:12: images[0].width: width 63 px is outside the 64-4096 px the service accepts',
    ]);
  });

  it('warnings go to stderr but do not fail validation', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'l.yaml'),
      'version: 1\nname: l\nservice: lookout-for-vision\nmodel:\n  task: classification\n  bench: ' +
        join(process.cwd(), 'fixtures/bench/example.json') +
        '\n  bench_model: ocr-cls\nimages:\n  - {share: 1, width: 1280, height: 1024, size_mb: 0.6}\ntraffic:\n  peak_tps: 5\n',
    );
    const r = runCli(['validate', 'l.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('l.yaml: ok\n');
    // The loader's warnings (bench file state) are printed; planner warnings appear in `plan`.
    const p = runCli(['plan', 'l.yaml', '-f', 'json'], { cwd: dir });
    expect(p.code).toBe(0);
    const codes = JSON.parse(p.stdout).warnings.map((w: { code: string }) => w.code);
    expect(codes).toEqual(expect.arrayContaining(['end-of-support', 'uncalibrated']));
  });
});
