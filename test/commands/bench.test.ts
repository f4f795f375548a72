import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cachedSynthesizeImage, type SynthImage } from '../../src/bench/images/index.js';
import { readBenchResult } from '../../src/contracts/read-result.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { constantOutputsModel, writeModel } from '../helpers/onnx-graphs.js';
import { interruptWhenWritten } from '../helpers/processes.js';

const CLS_ONNX = join(ROOT, 'node_modules', '@gutenye', 'ocr-models', 'assets', 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
// Suites here name that file by its absolute path, outside their folder and the working directory.
const ALLOW_CLS = ['--allow-path', dirname(CLS_ONNX)];

/** A small ocr-cls suite: 2 resolutions × 2 sizes, short budget. */
function clsSuite(dir: string, measure = 'min_samples: 3\n  min_time_s: 0.3\n  max_time_s: 0.6'): string {
  const file = join(dir, 'suite.yaml');
  writeFileSync(
    file,
    `version: 1
models: [ocr-cls]
conditions:
  resolutions: ["640x480", "1280x720"]
  sizes_mb: [0.05, 0.1]
measure:
  ${measure}
`,
  );
  return file;
}

/** A real 8×8 PNG whose header is patched to claim width × height pixels (CRC fixed up). */
async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
      .png()
      .toBuffer(),
  );
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

describe('capacity-plan bench (built CLI, real models)', () => {
  it('bench --quick --model ocr-cls --scaling writes a valid bench@2 file that plan can read', async () => {
    const dir = tempDir();
    const r = runCli(['bench', '--quick', '--model', 'ocr-cls', '--scaling', '--out', 'b.json'], { cwd: dir });
    // stderr is not a terminal here: one plain line per finished block (elapsed, ETA), never a
    // carriage return, then where the result went.
    const lines = r.stderr.trimEnd().split('\n');
    expect(r.stderr).not.toContain('\r');
    expect(lines.at(-1)).toBe('result written to b.json');
    // Warnings (a condition short of its precision target on a busy machine) are lines too.
    const blocks = lines.slice(0, -1).filter((l) => !l.startsWith('warning: '));
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    for (const line of blocks) expect(line).toMatch(/^\[\d+\/\d+\] ocr-cls .*: done in \d+\.\d s; elapsed [\dhms ]+, ETA [\dhms ]+$/);
    expect(blocks.at(-1)).toMatch(/, ETA 0s$/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ocr-cls \(classification/);
    expect(r.stdout).toMatch(/cost model: ms = /);
    const result = await readBenchResult(join(dir, 'b.json'));
    expect(result.complete).toBe(true);
    expect(result.unit.threads).toBe(1);
    expect(result.models.map((m) => m.name)).toEqual(['ocr-cls']);
    expect(result.models[0]!.conditions.length).toBeGreaterThanOrEqual(4);
    expect(result.models[0]!.costModel).not.toBeNull();
    // --scaling: 1 unit, then 2 units side by side; efficiency = TPS(2) / (2 × TPS(1)).
    const sc = result.scaling![0]!;
    expect(sc.runs.map((x) => x.units)).toEqual([1, 2]);
    expect(sc.runs[1]!.tpsPerUnit).toHaveLength(2);
    expect(sc.efficiency).toBeCloseTo(sc.runs[1]!.tps / (2 * sc.runs[0]!.tps), 9);
    expect(r.stdout).toMatch(/scaling ocr-cls .* efficiency \d+%/);

    writeFileSync(
      join(dir, 'w.yaml'),
      `version: 1
name: cls-from-bench
service: rekognition-custom-labels
region: us-east-1
model: { task: classification, bench: b.json }
images:
  - { share: 1, width: 1280, height: 720, size_mb: 0.1 }
traffic: { peak_tps: 20 }
`,
    );
    const p = runCli(['plan', 'w.yaml', '--format', 'json'], { cwd: dir });
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);
    const planned = JSON.parse(p.stdout);
    expect(planned.schema).toBe('capacity-plan/plan@3');
    expect(JSON.stringify(planned)).toContain('bench file b.json, model ocr-cls');
  });

  it('Ctrl-C after the first condition keeps a valid partial file (exit 130); --resume completes it', async () => {
    const dir = tempDir();
    // Blocks of 2 conditions: Ctrl-C at the first checkpoint leaves 2 of the 4 to resume.
    const suite = clsSuite(dir, 'min_samples: 3\n  min_time_s: 0.8\n  max_time_s: 1\n  block_conditions: 2');
    const out = join(dir, 'partial.json');
    // The first checkpoint goes to the side file; --out is written when the run ends.
    const { code, stderr } = await interruptWhenWritten(['bench', suite, '--out', out], `${out}.partial`, { cwd: dir });
    expect(stderr).toMatch(/partial result \(complete: false\) written/);
    expect(code).toBe(130);
    const partial = await readBenchResult(out);
    expect(partial.complete).toBe(false);
    const done = partial.models[0]!.conditions;
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThan(4);

    // The partial file knows its suite: --resume FILE alone measures that suite, not the default one.
    expect(partial.suite).toEqual({
      path: 'suite.yaml',
      sha256: createHash('sha256').update(readFileSync(suite)).digest('hex'),
      quick: false,
    });
    const partialText = readFileSync(out, 'utf8');
    const r = runCli(['bench', '--resume', out, '--format', 'json'], { cwd: dir });
    expect(r.stderr).toMatch(/result written to .*partial\.json\n$/);
    expect(r.code).toBe(0);
    const full = await readBenchResult(out);
    expect(full.models.map((m) => m.name)).toEqual(['ocr-cls']);
    expect(full.suite).toEqual(partial.suite);
    expect(full.complete).toBe(true);
    expect(full.models[0]!.conditions).toHaveLength(4);
    // What was measured before Ctrl-C is kept, not measured again.
    expect(full.models[0]!.conditions.slice(0, done.length)).toEqual(done);
    expect(JSON.parse(r.stdout)).toEqual(full);

    // A suite edited since the partial result, or another suite named, is refused before measuring.
    writeFileSync(join(dir, 'again.json'), partialText);
    writeFileSync(suite, readFileSync(suite, 'utf8') + '# edited\n');
    const edited = runCli(['bench', '--resume', 'again.json'], { cwd: dir });
    expect(edited.code).toBe(2);
    expect(edited.stderr).toBe(
      'capacity-plan: --resume: suite suite.yaml has changed since the partial result (sha256 differs); start a fresh run\n',
    );
    const other = runCli(['bench', '--quick', '--resume', 'again.json'], { cwd: dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toBe(
      'capacity-plan: --resume: the partial result was measured without --quick; leave --quick out to complete it\n',
    );
  });

  it('a suite with your own model (declared in the suite) over your own images_dir', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'photos'));
    await sharp({ create: { width: 800, height: 600, channels: 3, background: '#3a6' } })
      .jpeg()
      .toFile(join(dir, 'photos', 'a.jpg'));
    await sharp({ create: { width: 1024, height: 256, channels: 3, background: '#a63' } })
      .png()
      .toFile(join(dir, 'photos', 'b.png'));
    writeFileSync(
      join(dir, 'mine.yaml'),
      `version: 1
models:
  - name: my-direction
    task: classification
    path: ${CLS_ONNX}
    input: { width: 192, height: 48, color: BGR, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }
    output: { format: logits, top_k: 2 }
conditions: { images_dir: photos, per_image: true }
measure: { min_samples: 3, min_time_s: 0.1, max_time_s: 0.3 }
`,
    );
    const r = runCli(['bench', 'mine.yaml', '--out', 'mine.json', '--format', 'markdown', ...ALLOW_CLS], { cwd: dir });
    expect(r.stderr).toMatch(/result written/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### my-direction \(classification/m);
    const result = await readBenchResult(join(dir, 'mine.json'));
    const m = result.models[0]!;
    expect(m.source).toBe(CLS_ONNX);
    expect(m.conditions.map((c) => [c.id, c.width, c.height, c.format, c.targetSizeMb])).toEqual([
      ['a.jpg', 800, 600, 'jpeg', null],
      ['b.png', 1024, 256, 'png', null],
    ]);
    expect(m.conditions[0]!.sizeMb).toBeCloseTo(readFileSync(join(dir, 'photos', 'a.jpg')).length / 1e6, 9);
  });

  it("images_dir with a detector: an image's objects are the text lines the detector found there", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'photos'));
    for (const [name, lines] of [
      ['none.jpg', 0],
      ['five.jpg', 5],
    ] as const) {
      const img = await cachedSynthesizeImage({ width: 960, height: 544, targetSizeMb: null, objects: lines, kind: 'text', variant: 0 });
      writeFileSync(join(dir, 'photos', name), (img as SynthImage).bytes);
    }
    writeFileSync(
      join(dir, 's.yaml'),
      'version: 1\nmodels: [ocr-det]\nconditions: { images_dir: photos, per_image: true }\nmeasure: { min_samples: 2, min_time_s: 0.05, max_time_s: 0.3 }\n',
    );
    const r = runCli(['bench', 's.yaml', '--out', 'r.json', '--scaling'], { cwd: dir });
    expect(r.code).toBe(0);
    const result = await readBenchResult(join(dir, 'r.json'));
    const m = result.models[0]!;
    expect(m.conditions.map((c) => [c.id, c.objects, c.detected])).toEqual([
      ['five.jpg', 5, 5],
      ['none.jpg', 0, 0],
    ]);
    // --scaling needs a synthetic condition; with the user's own images only, it says so instead of printing nothing.
    expect(result.scaling).toEqual([]);
    expect(result.warnings).toContainEqual({
      code: 'scaling-not-measured',
      message:
        'scaling not measured for ocr-det: it runs on a synthetic condition (resolutions and sizes), and this suite measured none for it',
    });
  });

  it('images_dir as a corpus: random draws until the mean is precise, undecodable files skipped and named, and a workload plans from it by name', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'photos'));
    for (let i = 0; i < 12; i++) {
      const img = await cachedSynthesizeImage({
        width: 320 + 40 * (i % 4),
        height: 240,
        targetSizeMb: null,
        objects: i % 3,
        kind: 'text',
        variant: i,
      });
      writeFileSync(join(dir, 'photos', `p${String(i).padStart(2, '0')}.jpg`), (img as SynthImage).bytes);
    }
    // A header that reads but a body that does not: skipped when drawn. And one whose header does not read: skipped when loaded.
    const good = readFileSync(join(dir, 'photos', 'p00.jpg'));
    writeFileSync(join(dir, 'photos', 'truncated.jpg'), good.subarray(0, 400));
    writeFileSync(join(dir, 'photos', 'junk.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    writeFileSync(
      join(dir, 's.yaml'),
      'version: 1\nmodels: [ocr-cls]\nconditions: { images_dir: photos, seed: 7, corpus_max_time_s: 4 }\nmeasure: { min_samples: 20, min_time_s: 0.2, target_rse_pct: 3 }\n',
    );
    const r = runCli(['bench', 's.yaml', '--out', 'r.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^corpus photos: 1[23] images, \d+ random draws \(seed 7/m);
    expect(r.stdout).toMatch(/junk\.jpg skipped/);
    const m = (await readBenchResult(join(dir, 'r.json'))).models[0]!;
    expect(m.conditions).toEqual([]);
    const c = m.corpus!;
    expect(c.name).toBe('photos');
    expect(c.skipped.map((x) => x.file)).toContain('junk.jpg');
    expect(c.samples).toBeGreaterThanOrEqual(20);
    expect(c.distinctImages).toBeLessThanOrEqual(c.images);
    expect(c.tps).toBeCloseTo(1000 / c.latencyMs.mean, 9);
    expect(c.latencyMs.p50).toBeLessThanOrEqual(c.latencyMs.p90);
    expect(c.slowest.length).toBeGreaterThan(0);
    expect(c.slowest.map((x) => x.ms)).toEqual([...c.slowest.map((x) => x.ms)].sort((a, b) => b - a));
    const stageSum = c.stagesMs.decode + c.stagesMs.preprocess + c.stagesMs.infer + c.stagesMs.postprocess;
    expect(stageSum).toBeCloseTo(c.latencyMs.mean, 6);

    writeFileSync(
      join(dir, 'w.yaml'),
      'version: 1\nname: photos\nmodel: { task: classification, bench: r.json, calibration: 0.5 }\nimages:\n  - { share: 1, corpus: photos }\ntraffic: { peak_tps: 20, baseline_tps: 2 }\n',
    );
    const p = runCli(['plan', 'w.yaml', '-f', 'json'], { cwd: dir });
    expect(p.code, p.stderr).toBe(0);
    const plan = JSON.parse(p.stdout).plans[0];
    expect(plan.classes[0].corpus).toBe('photos');
    expect(plan.classes[0].tps).toBeCloseTo(c.tps, 2);
    expect(plan.tpsPerUnit).toBeCloseTo(0.5 * c.tps, 2);
  });

  describe('bad input: exit 2, one line, no file written', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'imgs'));
    const bad = (args: string[], pattern: RegExp) => {
      const out = join(dir, `out-${Math.random().toString(36).slice(2)}.json`);
      const r = runCli([...args, '--out', out, ...ALLOW_CLS], { cwd: dir });
      expect(r.stderr).toMatch(pattern);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    };
    const userModel = (path: string, format = 'logits', task = 'classification') => {
      const file = join(dir, `suite-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(
        file,
        `version: 1
models:
  - name: mine
    task: ${task}
    path: ${path}
    input: { width: 192, height: 48 }
    output: { format: ${format} }
conditions: { resolutions: ["640x480"], sizes_mb: [0.05] }
`,
      );
      return file;
    };

    it('missing suite file', () => bad(['bench', 'nope.yaml'], /^capacity-plan: nope\.yaml: bench suite file not found$/m));
    it('unknown built-in model', () => bad(['bench', '--model', 'resnet9000'], /unknown built-in model 'resnet9000'/));
    it('unknown suite key, with line:col', () => {
      writeFileSync(join(dir, 'typo.yaml'), 'version: 1\nmodels: [ocr-cls]\nmesure: {}\n');
      bad(['bench', 'typo.yaml'], /typo\.yaml:3:1: unknown key 'mesure'/);
    });
    it('zero size', () => {
      writeFileSync(join(dir, 'zero.yaml'), 'version: 1\nmodels: [ocr-cls]\nconditions:\n  resolutions: ["640x480"]\n  sizes_mb: [0]\n');
      bad(['bench', 'zero.yaml'], /zero\.yaml:5:14: conditions\.sizes_mb\[0\]: .*greater than 0/);
    });
    it('missing model file', () => bad(['bench', userModel('missing.onnx')], /missing\.onnx.*not found/));
    it('non-ONNX model', () => {
      writeFileSync(join(dir, 'text.onnx'), 'this is not a model\n');
      bad(['bench', userModel('text.onnx')], /text\.onnx/);
    });
    it('truncated model', () => {
      writeFileSync(join(dir, 'half.onnx'), readFileSync(CLS_ONNX).subarray(0, 200_000));
      bad(['bench', userModel('half.onnx')], /half\.onnx/);
    });
    it('output format mismatch', () =>
      bad(['bench', userModel(CLS_ONNX, 'yolov8', 'detection')], /output format yolov8 expects \[1, 4\+C, N\], got \[\?, 2\]/));
    it('undecodable image, named', () => {
      mkdirSync(join(dir, 'broken'));
      writeFileSync(join(dir, 'broken', 'cat.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
      writeFileSync(join(dir, 'broken.yaml'), 'version: 1\nmodels: [ocr-cls]\nconditions: { images_dir: broken }\n');
      bad(['bench', 'broken.yaml'], /^capacity-plan: broken\.yaml:3:27: conditions\.images_dir: .*has no decodable image.*cat\.jpg/m);
    });
    it('image header claiming too many pixels is refused before decoding', async () => {
      mkdirSync(join(dir, 'huge'));
      writeFileSync(join(dir, 'huge', 'huge.png'), await pngClaiming(30000, 30000));
      writeFileSync(join(dir, 'huge.yaml'), 'version: 1\nmodels: [ocr-cls]\nconditions: { images_dir: huge }\n');
      bad(['bench', 'huge.yaml'], /huge\.png: header claims 30000x30000 \(900 MP\).*refused before decoding/);
    });
    it('bad --threads', () => bad(['bench', '--threads', '0'], /--threads/));
    it('--resume of a result measured with another thread count says which --threads to use', () => {
      const partial = {
        schema: 'capacity-plan/bench@1',
        createdAt: '2026-01-01T00:00:00Z',
        complete: false,
        host: { cpuModel: 'x', cores: 2, os: 'linux', node: 'v20', onnxruntime: '1.30.0', executionProvider: 'cpu' },
        unit: { threads: 2 },
        models: [],
        warnings: [],
      };
      writeFileSync(join(dir, 'two-threads.json'), JSON.stringify(partial));
      bad(
        ['bench', '--quick', '--model', 'ocr-cls', '--resume', 'two-threads.json', '--threads', '1'],
        /^capacity-plan: --resume: the partial result was measured with 2 thread\(s\), not 1; use --threads 2$/m,
      );
    });
  });
});

/** A user's own model declared in a suite, through the real CLI (built by `npm test`). */

const toyDir = tempDir('capacity-plan-cli-model-');
// Two boxes in input pixels: class 0 at (100, 100), class 1 at (300, 300), 50x50 each.
const cols = [
  [100, 100, 50, 50, 0.9, 0.1],
  [300, 300, 50, 50, 0.1, 0.8],
];
writeModel(
  toyDir,
  'toy.onnx',
  constantOutputsModel({ shape: [1, 3, 640, 640] }, [
    { name: 'output0', dims: [1, 6, 2], values: [0, 1, 2, 3, 4, 5].flatMap((k) => cols.map((c) => c[k]!)) },
  ]),
);
writeModel(
  toyDir,
  'wrong.onnx',
  constantOutputsModel({ shape: [1, 3, 640, 640] }, [{ name: 'output0', dims: [1, 30, 8], values: new Array<number>(240).fill(0) }]),
);

function toySuite(file: string, model: string): string {
  const path = join(toyDir, file);
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

describe('bench with a user model (a small graph with known outputs)', () => {
  it('measures it and records what it is', () => {
    const out = join(toyDir, 'result.json');
    const r = runCli(['bench', toySuite('ok.yaml', 'toy.onnx'), '--out', out, '--format', 'json'], { cwd: toyDir });
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

  it('refuses a model whose output does not fit its declared format, naming the file', () => {
    const r = runCli(['bench', toySuite('wrong.yaml', 'wrong.onnx'), '--out', join(toyDir, 'never.json')], { cwd: toyDir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('capacity-plan: wrong.onnx: output format yolov8 expects [1, 4+C, N] with C=2, got [1, 30, 8]');
  });

  it('refuses a truncated model file', () => {
    const bytes = readFileSync(join(toyDir, 'toy.onnx'));
    writeFileSync(join(toyDir, 'cut.onnx'), bytes.subarray(0, bytes.length - 20));
    const r = runCli(['bench', toySuite('cut.yaml', 'cut.onnx'), '--out', join(toyDir, 'never.json')], { cwd: toyDir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^capacity-plan: cut\.onnx: not a valid ONNX model/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unknown built-in lists the built-ins', () => {
    const r = runCli(['bench', '--model', 'ocr-rec', '--quick', '--out', join(toyDir, 'never.json')], { cwd: toyDir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown built-in model 'ocr-rec'; built-in models: ocr-det, ocr-cls");
  });
});
