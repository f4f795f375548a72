import { resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { writeOutputFile } from '../core/files.js';
import { DEFAULT_SUITE_FILE, QUICK_SUITE_FILE, plannedConditions, type ConditionLists, type ConditionSpec } from '../bench/conditions.js';
import { benchDeps, imageDirConditions, type ModelRef } from '../bench/deps.js';
import { defaultSizesMb } from '../bench/images/index.js';
import { createProgress } from '../bench/progress.js';
import { readBenchResult } from '../bench/read-result.js';
import type { BenchResult } from '../bench/result-schema.js';
import { runBench, type ModelPlan } from '../bench/run.js';
import { runScaling } from '../bench/scaling.js';
import { loadSuite, type LoadedSuite } from '../bench/suite.js';
import { colorFor, pickFormatter } from '../report/format.js';
import { benchJson, benchResultJson } from '../report/bench/json.js';
import { benchMarkdown } from '../report/bench/markdown.js';
import { benchTable } from '../report/bench/table.js';

export const BENCH_FORMATS = { table: benchTable, json: benchJson, markdown: benchMarkdown };

/** Where the result goes when --out is not given: the working directory, so `plan` can point at it. */
export const DEFAULT_OUT = 'bench-result.json';

/** Exit code after Ctrl-C, as shells report a process ended by SIGINT (128 + 2). */
export const EXIT_INTERRUPTED = 130;

export interface BenchOptions {
  model?: string[];
  quick?: boolean;
  threads?: string;
  out?: string;
  resume?: string;
  format: string;
  scaling?: boolean;
}

function parseThreads(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UserError(`--threads: expected a whole number from 1 to 256, got '${v}'`);
  return n;
}

/** Conditions for a model: the suite's lists, with anything missing taken from the packaged default (or quick) suite. */
async function conditionsFrom(suite: LoadedSuite, fallback: LoadedSuite): Promise<ModelPlan['conditions']> {
  if (suite.imagesDir) {
    const specs = await imageDirConditions(suite.imagesDir);
    return () => specs;
  }
  const own = suite.suite.conditions;
  const base = fallback.suite.conditions;
  const resolutions = own.resolutions ?? base.resolutions ?? [];
  // No sizes: the image generator's defaults for each resolution (scaled by pixel count for others).
  const sizes = own.sizes_mb ?? (own.resolutions ? undefined : base.sizes_mb);
  const lists: ConditionLists = {
    resolutions,
    sizesMb: (r) => (!sizes ? defaultSizesMb(r.width, r.height) : Array.isArray(sizes) ? sizes : (sizes[`${r.width}x${r.height}`] ?? [])),
    objects: own.objects ?? base.objects ?? [0],
  };
  const design = own.resolutions || own.sizes_mb || own.objects ? own.design : base.design;
  return (task) => plannedConditions(task, lists, design);
}

export interface BenchRun {
  result: BenchResult;
  out: string;
  interrupted: boolean;
}

/** Everything `bench` does except printing: shared with `demo`. */
export async function runBenchCommand(suiteFile: string | undefined, opts: BenchOptions): Promise<BenchRun> {
  const threadsFlag = parseThreads(opts.threads);
  const fallback = await loadSuite(opts.quick ? QUICK_SUITE_FILE : DEFAULT_SUITE_FILE);
  const suite = suiteFile ? await loadSuite(suiteFile) : fallback;
  const previous = opts.resume ? await readBenchResult(opts.resume) : undefined;
  const out = opts.out ?? opts.resume ?? DEFAULT_OUT;
  const threads = threadsFlag ?? (suiteFile ? suite.suite.unit.threads : undefined) ?? previous?.unit.threads ?? 1;
  // --quick keeps its short time budget even with a suite: it is for a fast look, not a result to plan from.
  const m = opts.quick ? fallback.suite.measure : suite.suite.measure;
  const settings = { minSamples: m.min_samples, minTimeS: m.min_time_s, maxTimeS: m.max_time_s, targetRsePct: m.target_rse_pct };
  const conditions = await conditionsFrom(suite, fallback);
  const suiteRefs: ModelRef[] = suite.suite.models.map((model) => ({ model, baseDir: suite.baseDir }));
  // --model picks a suite model by name or by its file's path, or names a built-in. A bare .onnx
  // path is not enough to run a model (input size, normalisation, output format): those come from a suite.
  const isNamed = (r: ModelRef, name: string) => typeof r.model !== 'string' && (r.model.name === name || resolve(r.baseDir, r.model.path) === resolve(name));
  const refs: ModelRef[] = opts.model?.length
    ? opts.model.map((name) => suiteRefs.find((r) => isNamed(r, name)) ?? { model: name, baseDir: process.cwd() })
    : suiteRefs;
  const models: ModelPlan[] = refs.map((ref) => ({ ref, conditions }));

  const controller = new AbortController();
  const progress = createProgress();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED); // a second Ctrl-C: stop now
    progress.note('interrupted: finishing the current sample, then writing what was measured (Ctrl-C again to quit now)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await runBench({
      models,
      threads,
      settings,
      deps: benchDeps,
      previous,
      signal: controller.signal,
      progress,
      checkpoint: (partial) => writeOutputFile(out, benchResultJson(partial)),
    });
    if (opts.scaling && result.complete && !controller.signal.aborted) {
      result.scaling = await runScaling(result, refs, benchDeps, { threads, progress, signal: controller.signal });
    }
    await writeOutputFile(out, benchResultJson(result));
    return { result, out, interrupted: !result.complete || controller.signal.aborted };
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export async function benchCommand(suiteFile: string | undefined, opts: BenchOptions): Promise<number> {
  const format = pickFormatter(BENCH_FORMATS, opts.format);
  const run = await runBenchCommand(suiteFile, opts);
  process.stdout.write(format(run.result, { color: colorFor(process.stdout) }));
  const partial = !run.result.complete;
  process.stderr.write(`${partial ? 'partial result (complete: false)' : 'result'} written to ${run.out}${partial ? `; finish it with --resume ${run.out}` : ''}\n`);
  return run.interrupted ? EXIT_INTERRUPTED : 0;
}
