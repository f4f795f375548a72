import { Chalk } from 'chalk';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { plannedConditions } from '../../src/bench/conditions.js';
import { describeModelFile, resolveModel } from '../../src/bench/models/index.js';
import { ModelSpecSchema } from '../../src/bench/models/spec.js';
import { BenchResultSchema } from '../../src/contracts/bench.js';
import { runBench } from '../../src/bench/run.js';
import type { CorpusPlan, ModelPlan } from '../../src/bench/setup.js';
import { benchHtml } from '../../src/report/bench/html.js';
import { benchJson } from '../../src/report/bench/json.js';
import { benchMarkdown } from '../../src/report/bench/markdown.js';
import { benchTable } from '../../src/report/bench/table.js';
import { tempDir } from '../helpers/cli.js';
import { constantOutputsModel, writeModel } from '../helpers/onnx-graphs.js';

/**
 * bench never measures garbage silently: a wrong entry's outputs are named in the result and in
 * every format; a right entry's are not. Real onnxruntime sessions on graphs with known outputs,
 * a tiny time budget (this tests the record, not speed).
 */

const settings = { minSamples: 2, minTimeS: 0.02, maxTimeS: 0.2, targetRsePct: 80 };
const lists = { resolutions: [{ width: 320, height: 240 }], sizesMb: () => [0.02], objects: [0, 5] };
const dir = tempDir('capacity-plan-plausible-');
// Empty chart assets: the page's text is what is checked.
const plain = { color: new Chalk({ level: 0 }), width: 300, html: { chartScript: '', chartStyle: '' } };

/** NMS rows [1, 4, 6] as a PicoDet export writes them (class, score, box) read with the default columns (box, score, class). */
async function plan(name: string, rows: number[], columns?: string[]): Promise<ModelPlan> {
  writeModel(
    dir,
    `${name}.onnx`,
    constantOutputsModel({ shape: [1, 3, 64, 64] }, [{ name: 'rows', dims: [1, rows.length / 6, 6], values: rows }]),
  );
  const spec = ModelSpecSchema.parse({
    name,
    task: 'detection',
    path: `${name}.onnx`,
    input: { width: 64, height: 64, resize: 'stretch' },
    output: { format: 'boxes-scored', ...(columns ? { columns } : {}) },
  });
  const adapter = await resolveModel(spec, dir);
  return {
    adapter,
    file: await describeModelFile(adapter.modelPath),
    conditions: plannedConditions(adapter.task, lists, { kind: 'full' }),
  };
}

const PICODET_ROWS = [0, 0.9, 10, 12, 40, 50, 2, 0.8, 1, 1, 20, 20];

describe('plausibility in bench', () => {
  it('a wrong column order: named in the result, as a warning, and in every format', async () => {
    const r = await runBench({ models: [await plan('picodet-wrong', PICODET_ROWS)], threads: 1, settings });
    const m = BenchResultSchema.parse(r).models[0]!;
    // The default columns (x1, y1, x2, y2, score, class) read the first row's x2 (40) as its score,
    // and make the second row's box run backwards (x1 2, x2 1).
    expect(m.plausibility?.map((p) => [p.check, p.on])).toEqual([
      ['score-out-of-range', 'conditions'],
      ['empty-box', 'conditions'],
    ]);
    expect(m.plausibility![0]!.images).toBe(m.plausibility![0]!.of);
    expect(
      m.warnings.some(
        (w) =>
          w.code === 'implausible-score-out-of-range' &&
          /^implausible output \[score-out-of-range\] on \d+ of \d+ image\(s\) \(score 40 outside 0\.\.1\)/.test(w.message),
      ),
    ).toBe(true);
    // Markdown escapes the brackets.
    for (const format of [benchTable, benchMarkdown, benchHtml, benchJson])
      expect(format(r, plain)).toMatch(/implausible output \\?\[score-out-of-range\\?\]/);
  });

  it('the right columns: no plausibility entry; the objects axis is said not to be measured and each condition counts what was found', async () => {
    const r = await runBench({
      models: [await plan('picodet-right', PICODET_ROWS, ['class', 'score', 'x1', 'y1', 'x2', 'y2'])],
      threads: 1,
      settings,
    });
    const m = r.models[0]!;
    expect(m.plausibility).toBeUndefined();
    expect(m.warnings.filter((w) => w.code.startsWith('implausible'))).toEqual([]);
    expect(m.warnings).toContainEqual({
      code: 'objects-unmeasured',
      message: expect.stringMatching(/^objects axis not measured: .*objects term is unknown/),
    });
    // 2 boxes found on every image, whatever was drawn: the objects the cost model sees.
    expect(m.conditions.map((c) => [c.objects, c.detected])).toEqual([
      [2, 2],
      [2, 2],
    ]);
    expect(m.conditions.every((c) => !c.warnings.some((w) => w.code === 'detections-off'))).toBe(true);
  });

  it('a corpus of photos: detections per image (mean and range), and nothing found on any photo flagged', async () => {
    const photo = async (w: number, h: number) => ({
      name: `p${w}.png`,
      bytes: await sharp({ create: { width: w, height: h, channels: 3, background: '#808080' } })
        .png()
        .toBuffer(),
      width: w,
      height: h,
      sizeMb: 0.01,
    });
    const corpus: CorpusPlan = {
      name: 'photos',
      folder: { images: [await photo(64, 48), await photo(80, 60)], skipped: [] },
      seed: 1,
      settings,
    };
    const found = await runBench({
      models: [await plan('found', PICODET_ROWS, ['class', 'score', 'x1', 'y1', 'x2', 'y2'])],
      threads: 1,
      settings,
      corpus,
    });
    expect(found.models[0]!.corpus).toMatchObject({ detected: 2, detectedRange: [2, 2] });
    expect(benchTable(found, plain)).toMatch(/corpus detections per image: mean 2\.0, range 2-2/);
    const none = await runBench({
      models: [await plan('none', [0, 0.01, 1, 1, 2, 2], ['class', 'score', 'x1', 'y1', 'x2', 'y2'])],
      threads: 1,
      settings,
      corpus,
    });
    expect(none.models[0]!.plausibility?.map((p) => [p.check, p.on])).toEqual([['no-detections', 'corpus']]);
  });
});
