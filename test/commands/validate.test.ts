import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

describe('validate', () => {
  it('good files: ok on stdout, exit 0', () => {
    const r = runCli(['validate', 'examples/workloads/shelf-audit.yaml', 'examples/workloads/parcel-labels.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('examples/workloads/shelf-audit.yaml: ok\nexamples/workloads/parcel-labels.yaml: ok\n');
  });

  it('lists every problem of a file, each with file:line:col, in line order', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'w.yaml'),
      [
        'version: 1', //                1
        'name: many-problems', //       2
        'region: mars-north-1', //      3  no built-in price (a service check, run despite the others)
        'model:', //                    4
        '  task: segmentation', //      5  not a task
        '  tps_per_unit: -1', //        6  negative
        'images:', //                   7
        '  - share: 0.5', //            8
        '    width: 1920', //           9
        '    height: 1080', //         10
        '    size_mb: 5', //           11  over the 4.0 MB bytes limit (a service check)
        '  - share: 0.5', //           12
        '    width: 640', //           13
        '    height: 480', //          14
        '    size_mb: 0.2', //         15
        '    colour: rgb', //          16  unknown key
        'traffic:', //                 17
        '  peak_tps: 30', //           18
        'scaling:', //                 19
        '  target_utilization: 2', //  20  above 1
        '',
      ].join('\n'),
    );
    const r = runCli(['validate', 'w.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'w.yaml:3:9: no built-in price for rekognition-custom-labels in mars-north-1 (built-in: us-east-1, us-east-2, us-west-2, eu-west-1); set price_per_unit_hour',
      'w.yaml:5:9: model.task: expected one of "classification", "detection", got "segmentation"',
      'w.yaml:6:17: model.tps_per_unit: must be greater than 0',
      'w.yaml:11:14: images[0].size_mb: 5 MB passed as bytes must be under 4.0 MB (use source: s3 for larger images)',
      "w.yaml:16:5: unknown key 'colour' in images[1]",
      'w.yaml:20:23: scaling.target_utilization: must be at most 1',
    ]);
    // plan stops at the first and points to validate for the rest.
    const p = runCli(['plan', 'w.yaml'], { cwd: dir });
    expect(p.code).toBe(2);
    expect(p.stderr).toBe(
      "capacity-plan: w.yaml:3:9: no built-in price for rekognition-custom-labels in mars-north-1 (built-in: us-east-1, us-east-2, us-west-2, eu-west-1); set price_per_unit_hour (and 5 more; run 'capacity-plan validate' to list them)\n",
    );
  });

  it('checks every file even after a bad one; good ones still say ok', () => {
    const r = runCli([
      'validate',
      'test/fixtures/bad/zero-zones.yaml',
      'examples/workloads/shelf-audit.yaml',
      'test/fixtures/bad/side-too-small.yaml',
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('examples/workloads/shelf-audit.yaml: ok\n');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'test/fixtures/bad/zero-zones.yaml:15:10: availability.zones: must be at least 1',
      'test/fixtures/bad/side-too-small.yaml:8:12: images[0].width: width 63 px is outside the 64-4096 px the service accepts',
    ]);
  });

  it('warnings go to stderr but do not fail validation', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'l.yaml'),
      'version: 1\nname: l\nservice: lookout-for-vision\nmodel:\n  task: classification\n  bench: ' +
        join(process.cwd(), 'examples/workloads/example-bench.json') +
        '\n  bench_model: ocr-cls\nimages:\n  - {share: 1, width: 1280, height: 1024, size_mb: 0.6}\ntraffic:\n  peak_tps: 5\n',
    );
    // The bench file is outside the workload's folder and the working directory: allowed by flag.
    const allow = ['--allow-path', join(process.cwd(), 'examples/workloads')];
    const r = runCli(['validate', 'l.yaml', ...allow], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('l.yaml: ok\n');
    // The loader's warnings (bench file state) are printed; planner warnings appear in `plan`.
    const p = runCli(['plan', 'l.yaml', '-f', 'json', ...allow], { cwd: dir });
    expect(p.code).toBe(0);
    const codes = JSON.parse(p.stdout).plans[0].warnings.map((w: { code: string }) => w.code);
    expect(codes).toEqual(expect.arrayContaining(['end-of-support', 'uncalibrated']));
  });
});
