import { beforeAll, describe, expect, test } from 'vitest';
import type { ConditionSpec } from '../../src/bench/conditions.js';
import type { HostInfo } from '../../src/bench/host.js';
import { resolveModel } from '../../src/bench/models/index.js';
import { mergeResume, resumeConflict, resumedRequest, suiteRecord } from '../../src/bench/resume.js';
import type { BenchCondition, BenchModel, BenchResult } from '../../src/contracts/bench.js';
import type { ModelPlan } from '../../src/bench/setup.js';

/** Resume as one merge: what a partial result measured is kept, and only the rest is left to do. */

const host: HostInfo = {
  cpuModel: 'cpu A',
  cores: 2,
  os: 'linux',
  node: 'v20',
  onnxruntime: '1.30.0',
  executionProvider: 'cpu',
  sharp: '0.35',
};
const spec = (id: string): ConditionSpec => ({ id, width: 640, height: 480, targetSizeMb: 0.1, objects: 0 });
const measured = (id: string): BenchCondition => ({
  id,
  width: 640,
  height: 480,
  format: 'jpeg',
  sizeMb: 0.1,
  targetSizeMb: 0.1,
  objects: 0,
  detected: null,
  samples: 10,
  tps: 100,
  latencyMs: { mean: 10, p50: 10, p90: 11, p99: 12 },
  p99Reliable: false,
  stagesMs: { decode: 1, preprocess: 1, infer: 7, postprocess: 1 },
  rsePct: 1,
  stable: true,
  warnings: [],
});
const file = { sha256: 'a'.repeat(64), sizeBytes: 1000, parameterCount: 10 };

let plan: ModelPlan;
beforeAll(async () => {
  plan = { adapter: await resolveModel('ocr-cls'), file, conditions: ['c1', 'c2', 'c3'].map(spec) };
});

function partial(models: Array<Partial<BenchModel> & { name: string }>, threads = 1): BenchResult {
  return {
    schema: 'capacity-plan/bench@2',
    createdAt: '2026-01-01T00:00:00.000Z',
    complete: false,
    host: { ...host, cpuModel: 'cpu B' },
    unit: { threads, clock: threads === 1 ? 'cpu' : 'wall' },
    warnings: [{ code: 'earlier', message: 'an earlier warning' }],
    models: models.map((m) => ({
      task: 'classification',
      source: 'builtin:ocr-cls',
      sha256: file.sha256,
      sizeBytes: 1000,
      parameterCount: 10,
      input: {},
      sessionCreateMs: 20,
      firstRunMs: 5,
      costModel: null,
      conditions: [],
      warnings: [],
      ...m,
    })),
  };
}

describe('resumeConflict', () => {
  test('another thread count', () => {
    expect(resumeConflict(partial([], 2), { threads: 1, models: [plan] })).toEqual({ kind: 'threads', resultThreads: 2, runThreads: 1 });
  });
  test('a model file that changed since', () => {
    expect(resumeConflict(partial([{ name: 'ocr-cls', sha256: 'b'.repeat(64) }]), { threads: 1, models: [plan] })).toEqual({
      kind: 'model-changed',
      model: 'ocr-cls',
    });
  });
  test('a result timed with another clock (an older file: wall clock for one thread)', () => {
    const older = partial([]);
    older.unit = { threads: 1 };
    expect(resumeConflict(older, { threads: 1, models: [plan] })).toEqual({ kind: 'clock', resultClock: 'wall', runClock: 'cpu' });
  });

  test('none: same threads, same files, other models are no concern', () => {
    expect(
      resumeConflict(partial([{ name: 'ocr-cls' }, { name: 'other', sha256: 'c'.repeat(64) }]), { threads: 1, models: [plan] }),
    ).toBeNull();
  });
});

describe('the suite a partial result records', () => {
  const sha = 'd'.repeat(64);
  const withSuite = (suite: BenchResult['suite']) => ({ ...partial([]), suite });

  test('recorded relative to the result file, and found from it again whatever the working directory', () => {
    const rec = suiteRecord({ file: '/work/suites/s.yaml', sha256: sha, quick: false, models: ['ocr-cls'] }, '/work/results/b.json');
    expect(rec).toEqual({ path: '../suites/s.yaml', sha256: sha, quick: false, models: ['ocr-cls'] });
    expect(resumedRequest(withSuite(rec), '/work/results/b.json', {})).toEqual({
      suiteFile: '/work/suites/s.yaml',
      quick: false,
      models: ['ocr-cls'],
    });
  });
  test('the packaged suite is recorded as null, with quick', () => {
    const rec = suiteRecord({ sha256: sha, quick: true }, 'b.json');
    expect(rec).toEqual({ path: null, sha256: sha, quick: true });
    expect(resumedRequest(withSuite(rec), 'b.json', { threads: 2 })).toEqual({ threads: 2, quick: true });
  });
  test('--model on the command line wins over the recorded list', () => {
    const rec = { path: null, sha256: sha, quick: false, models: ['ocr-det'] };
    expect(resumedRequest(withSuite(rec), 'b.json', { models: ['ocr-cls'] })).toMatchObject({ models: ['ocr-cls'] });
  });
  test('another suite file, or --quick on a full run, is a conflict', () => {
    const rec = { path: 's.yaml', sha256: sha, quick: false };
    expect(resumedRequest(withSuite(rec), '/r/b.json', { suiteFile: '/r/other.yaml' })).toEqual({
      kind: 'suite-other',
      recorded: 's.yaml',
      given: '/r/other.yaml',
    });
    expect(resumedRequest(withSuite(rec), '/r/b.json', { suiteFile: '/r/s.yaml' })).toMatchObject({ suiteFile: '/r/s.yaml' });
    expect(resumedRequest(withSuite(rec), '/r/b.json', { quick: true })).toEqual({ kind: 'quick' });
  });
  test('a suite whose bytes changed since', () => {
    const rec = { path: 's.yaml', sha256: sha, quick: false };
    expect(resumeConflict(withSuite(rec), { threads: 1, models: [plan], suite: { sha256: 'e'.repeat(64) } })).toEqual({
      kind: 'suite-changed',
      path: 's.yaml',
    });
    expect(resumeConflict(withSuite(rec), { threads: 1, models: [plan], suite: { sha256: sha } })).toBeNull();
  });
  test('a result without a record (older files) resumes with what is asked', () => {
    expect(resumedRequest(partial([]), 'b.json', { suiteFile: 'x.yaml' })).toEqual({ suiteFile: 'x.yaml' });
  });
});

describe('mergeResume', () => {
  test('a fresh run: everything to do, times to record', () => {
    const { result, todo, untouched } = mergeResume(undefined, [plan], 1, host);
    expect(result).toMatchObject({
      schema: 'capacity-plan/bench@2',
      complete: false,
      host,
      unit: { threads: 1, clock: 'cpu' },
      models: [],
      warnings: [],
    });
    expect(todo).toHaveLength(1);
    expect(todo[0]!.missing.map((s) => s.id)).toEqual(['c1', 'c2', 'c3']);
    expect(todo[0]!.fresh).toBe(true);
    expect(todo[0]!.model).toMatchObject({
      name: 'ocr-cls',
      task: 'classification',
      source: 'builtin:ocr-cls',
      sha256: file.sha256,
      sessionCreateMs: 0,
      conditions: [],
    });
    expect(untouched).toEqual([]);
  });

  test('a partial result: its conditions kept, only the others missing, its models not asked about kept aside', () => {
    const previous = partial([
      { name: 'ocr-cls', conditions: [measured('c2')], warnings: [{ code: 'kept', message: 'kept' }] },
      { name: 'other' },
    ]);
    const { result, todo, untouched } = mergeResume(previous, [plan], 1, host);
    expect(result.createdAt).toBe(previous.createdAt);
    expect(result.warnings).toEqual([
      { code: 'earlier', message: 'an earlier warning' },
      { code: 'resumed-other-cpu', message: 'resumed on a different CPU (cpu A) than the partial result (cpu B)' },
    ]);
    expect(todo[0]!.missing.map((s) => s.id)).toEqual(['c1', 'c3']);
    expect(todo[0]!.fresh).toBe(false);
    expect(todo[0]!.model).toMatchObject({
      sessionCreateMs: 20,
      firstRunMs: 5,
      conditions: [measured('c2')],
      warnings: [{ code: 'kept', message: 'kept' }],
    });
    expect(untouched.map((m) => m.name)).toEqual(['other']);
    // The merge copies: measuring into the new entry leaves the partial result as it was.
    todo[0]!.model.conditions.push(measured('c1'));
    expect(previous.models[0]!.conditions).toHaveLength(1);
  });

  test('refuses a conflicting partial result (the caller checks resumeConflict first)', () => {
    expect(() => mergeResume(partial([], 2), [plan], 1, host)).toThrow(/threads/);
  });
});
