import { dirname, relative, resolve, sep } from 'node:path';
import type { ConditionSpec } from './conditions.js';
import type { HostInfo } from './host.js';
import { clockFor, type Clock } from './pipeline.js';
import type { BenchModel, BenchResult, SuiteRecord } from '../contracts/bench.js';
import { BENCH_SCHEMA_ID } from '../contracts/ids.js';
import type { BenchRequest, BenchSetup, ModelPlan } from './setup.js';

/**
 * Completing a partial result, in one place: what it already measured is merged into the new run
 * here, and the measuring phases see only what is left to do. A fresh run is the same merge with
 * nothing before it.
 */

/** Why a partial result cannot be completed by this run. */
export type ResumeConflict =
  /** It was measured with another thread count: its figures are for another unit. */
  | { kind: 'threads'; resultThreads: number; runThreads: number }
  /** It was timed with another clock (an older file: wall clock): its figures do not mix with this run's. */
  | { kind: 'clock'; resultClock: Clock; runClock: Clock }
  /** A model's file changed since (sha256): its figures are for another model. */
  | { kind: 'model-changed'; model: string }
  /** The suite file changed since (sha256): its conditions or budget may differ. `path` as recorded; null: the packaged suite. */
  | { kind: 'suite-changed'; path: string | null }
  /** Another suite than the one recorded was named. */
  | { kind: 'suite-other'; recorded: string | null; given: string }
  /** --quick given to complete a result measured without it (a shorter time budget would mix in). */
  | { kind: 'quick' };

export function resumeConflict(
  previous: BenchResult,
  run: { threads: number; models: readonly ModelPlan[]; suite?: Pick<BenchSetup['suite'], 'sha256'> },
): ResumeConflict | null {
  if (previous.suite && run.suite && previous.suite.sha256 !== run.suite.sha256)
    return { kind: 'suite-changed', path: previous.suite.path };
  if (previous.unit.threads !== run.threads) return { kind: 'threads', resultThreads: previous.unit.threads, runThreads: run.threads };
  const resultClock = previous.unit.clock ?? 'wall';
  if (resultClock !== clockFor(run.threads)) return { kind: 'clock', resultClock, runClock: clockFor(run.threads) };
  for (const { adapter, file } of run.models) {
    const before = previous.models.find((m) => m.name === adapter.name);
    if (before && before.sha256 !== file.sha256) return { kind: 'model-changed', model: adapter.name };
  }
  return null;
}

/**
 * What `--resume FILE` runs: the suite, --quick and --model the partial result recorded, unless
 * the command line names them (another suite file, or --quick on a full run, is a conflict).
 * A result without a suite record (written before it existed) resumes with what is asked.
 */
export function resumedRequest(previous: BenchResult, resultFile: string, req: BenchRequest): BenchRequest | ResumeConflict {
  const rec = previous.suite;
  if (!rec) return req;
  const recordedFile = rec.path === null ? undefined : resolve(dirname(resolve(resultFile)), rec.path);
  if (req.suiteFile !== undefined && resolve(req.suiteFile) !== recordedFile)
    return { kind: 'suite-other', recorded: rec.path, given: req.suiteFile };
  if (req.quick && !rec.quick) return { kind: 'quick' };
  return {
    ...req,
    ...(recordedFile ? { suiteFile: recordedFile } : {}),
    quick: rec.quick,
    ...(req.models?.length ? {} : rec.models ? { models: rec.models } : {}),
  };
}

/** The suite record a result written to `resultFile` carries: the suite's path relative to the result's folder. */
export function suiteRecord(suite: BenchSetup['suite'], resultFile: string): SuiteRecord {
  const path =
    suite.file === undefined
      ? null
      : relative(dirname(resolve(resultFile)), suite.file)
          .split(sep)
          .join('/');
  return { path, sha256: suite.sha256, quick: suite.quick, ...(suite.models ? { models: suite.models } : {}) };
}

/** One model of the run: its result entry (holding whatever was measured before) and what is left to measure. */
export interface ModelTodo {
  plan: ModelPlan;
  model: BenchModel;
  /** The plan's conditions not in the partial result, in the plan's order. */
  missing: ConditionSpec[];
  /** Nothing of it was measured before: its session and first-run times are this run's to record. */
  fresh: boolean;
}

export interface MergedRun {
  /** The result to fill: host, unit, creation time and warnings set; models listed by the run. */
  result: BenchResult;
  todo: ModelTodo[];
  /** Models of the partial result this run was not asked about: kept as they were. */
  untouched: BenchModel[];
}

/** Merges a partial result (if any) into a new run. The caller has checked resumeConflict. */
export function mergeResume(previous: BenchResult | undefined, models: readonly ModelPlan[], threads: number, host: HostInfo): MergedRun {
  const conflict = previous ? resumeConflict(previous, { threads, models }) : null;
  if (conflict) throw new Error(`mergeResume called with a conflicting partial result (${conflict.kind})`);
  const warnings = [...(previous?.warnings ?? [])];
  if (previous && previous.host.cpuModel !== host.cpuModel) {
    warnings.push({
      code: 'resumed-other-cpu',
      message: `resumed on a different CPU (${host.cpuModel}) than the partial result (${previous.host.cpuModel})`,
    });
  }
  const todo = models.map((plan): ModelTodo => {
    const { adapter, file } = plan;
    const before = previous?.models.find((m) => m.name === adapter.name);
    const done = new Set(before?.conditions.map((c) => c.id) ?? []);
    const model: BenchModel = {
      name: adapter.name,
      task: adapter.task,
      source: adapter.source,
      sha256: file.sha256,
      sizeBytes: file.sizeBytes,
      parameterCount: file.parameterCount,
      input: adapter.inputSpec,
      sessionCreateMs: before?.sessionCreateMs ?? 0,
      firstRunMs: before?.firstRunMs ?? 0,
      costModel: null,
      conditions: [...(before?.conditions ?? [])],
      // A corpus is measured in one go: one that was finished is kept, an unfinished one was never written.
      ...(before?.corpus ? { corpus: before.corpus } : {}),
      ...(before?.speed ? { speed: before.speed } : {}),
      warnings: [...(before?.warnings ?? [])],
    };
    return { plan, model, missing: plan.conditions.filter((s) => !done.has(s.id)), fresh: !before || before.conditions.length === 0 };
  });
  const asked = new Set(models.map((p) => p.adapter.name));
  return {
    result: {
      schema: BENCH_SCHEMA_ID,
      createdAt: previous?.createdAt ?? new Date().toISOString(),
      complete: false,
      host,
      unit: { threads, clock: clockFor(threads) },
      models: [],
      warnings,
    },
    todo,
    untouched: (previous?.models ?? []).filter((m) => !asked.has(m.name)),
  };
}
