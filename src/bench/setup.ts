import { resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { OWN_FOLDERS_ONLY, type PathPolicy } from '../core/paths.js';
import { imageDirConditions } from './condition-images.js';
import { DEFAULT_SUITE_FILE, plannedConditions, QUICK_SUITE_FILE, type ConditionLists, type ConditionSpec } from './conditions.js';
import { defaultSizesMb, loadCorpusFolder, type CorpusFolder } from './images/index.js';
import { describeModelFile, modelInputSize, resolveModel, type ModelSpec } from './models/index.js';
import type { ModelFileInfo } from './models/onnx-proto.js';
import type { ModelAdapter } from './models/types.js';
import type { MeasureSettings } from './stop-rule.js';
import { loadSuite, type LoadedSuite } from './suite.js';

/**
 * What a bench run is asked for, made concrete: the suite (or the packaged default/quick suite)
 * merged with the packaged lists, the models picked and resolved, their conditions, the thread
 * count and the time budget. Everything that can be wrong with the inputs fails here, before
 * anything is measured.
 */

export interface BenchRequest {
  /** A suite file; undefined: the packaged default suite (quick.yaml with `quick`). */
  suiteFile?: string;
  /** A small subset of conditions with a short time budget, for a fast look. */
  quick?: boolean;
  /** Models to run instead of the suite's list: a suite model's name or file path, or a built-in name. */
  models?: readonly string[];
  /** Threads asked for explicitly; otherwise the suite's, else the resumed result's, else 1. */
  threads?: number;
  /** The thread count of a partial result this run completes. */
  resumedThreads?: number;
  /** Where the suite's paths (model files, images_dir, the images in it) may lead; default: their own folders only. */
  paths?: PathPolicy;
}

/** One model of a run: its adapter, its file's identity, and the conditions it is measured under. */
export interface ModelPlan {
  adapter: ModelAdapter;
  file: ModelFileInfo;
  conditions: ConditionSpec[];
}

/** An images_dir measured as a corpus (corpus.ts), after each model's conditions. */
export interface CorpusPlan {
  /** images_dir as the suite gave it: what a workload's `corpus:` names. */
  name: string;
  folder: CorpusFolder;
  seed: number;
  settings: MeasureSettings;
}

export interface BenchSetup {
  models: ModelPlan[];
  threads: number;
  settings: MeasureSettings;
  /** Most conditions per block (the suite's measure.block_conditions); undefined: measurementBlocks' default. */
  blockConditions?: number;
  corpus?: CorpusPlan;
  /** The suite file as loaded (absolute path; undefined: the packaged one) and its sha256, for the result's suite record. */
  suite: { file?: string; sha256: string; quick: boolean; models?: string[] };
  /** The suite's images_dir, absolute: its photos are inputs of the run that --out must never replace. */
  imagesDir?: string;
}

/** A model as a suite names it: a built-in's name or a spec whose `path` is relative to `baseDir`. */
interface ModelRef {
  model: string | ModelSpec;
  baseDir: string;
}

/** Conditions per model of an optimal design when the suite does not say. */
const DEFAULT_DESIGN_COUNT = 12;

/** Conditions for a model: the suite's lists, with anything missing taken from the packaged default (or quick) suite. */
async function conditionsFrom(
  suite: LoadedSuite,
  fallback: LoadedSuite,
  paths: PathPolicy,
): Promise<(adapter: ModelAdapter) => ConditionSpec[]> {
  if (suite.imagesDir) {
    // A corpus has no conditions of its own: see corpusFrom.
    const specs = suite.suite.conditions.per_image ? await imageDirConditions(suite.imagesDir, paths) : [];
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
  const listed = own.resolutions || own.sizes_mb || own.objects ? own : base;
  return (adapter) =>
    plannedConditions(
      adapter.task,
      lists,
      listed.design === 'optimal'
        ? {
            kind: 'optimal',
            count: listed.count ?? DEFAULT_DESIGN_COUNT,
            inputSize: (w, h) => modelInputSize(adapter.resolved.spec.input, w, h),
          }
        : { kind: listed.design },
    );
}

/** The suite's images_dir as a corpus, unless it asks for one condition per image. */
async function corpusFrom(suite: LoadedSuite, settings: MeasureSettings, paths: PathPolicy): Promise<CorpusPlan | undefined> {
  const c = suite.suite.conditions;
  if (!suite.imagesDir || c.images_dir === undefined || c.per_image) return undefined;
  let folder: CorpusFolder;
  try {
    folder = await loadCorpusFolder(suite.imagesDir, paths);
  } catch (err) {
    // A folder that cannot serve as a corpus is the suite's problem: point at its images_dir line.
    if (!(err instanceof UserError) || !suite.doc) throw err;
    const at = suite.doc.locate(['conditions', 'images_dir']);
    throw UserError.at(suite.file, `conditions.images_dir: ${err.message}`, at.line, at.col);
  }
  return { name: c.images_dir, folder, seed: c.seed, settings: { ...settings, maxTimeS: c.corpus_max_time_s } };
}

/**
 * The models to run: the suite's list, or the named ones. A name picks a suite model by its name
 * or by its file's path, else names a built-in. A bare .onnx path is not enough to run a model
 * (input size, normalisation, output format): those come from a suite.
 */
export function pickModels(suite: LoadedSuite, names: readonly string[] | undefined, cwd = process.cwd()): ModelRef[] {
  const suiteRefs: ModelRef[] = suite.suite.models.map((model) => ({ model, baseDir: suite.baseDir }));
  if (!names?.length) return suiteRefs;
  const isNamed = (r: ModelRef, name: string) =>
    typeof r.model !== 'string' && (r.model.name === name || resolve(r.baseDir, r.model.path) === resolve(cwd, name));
  return names.map((name) => suiteRefs.find((r) => isNamed(r, name)) ?? { model: name, baseDir: cwd });
}

export async function setUpBench(req: BenchRequest): Promise<BenchSetup> {
  const paths = req.paths ?? OWN_FOLDERS_ONLY;
  const fallback = await loadSuite(req.quick ? QUICK_SUITE_FILE : DEFAULT_SUITE_FILE, OWN_FOLDERS_ONLY);
  const suite = req.suiteFile ? await loadSuite(req.suiteFile, paths) : fallback;
  const threads = req.threads ?? (req.suiteFile ? suite.suite.unit.threads : undefined) ?? req.resumedThreads ?? 1;
  // quick keeps its short time budget even with a suite: it is for a fast look, not a result to plan from.
  const m = req.quick ? fallback.suite.measure : suite.suite.measure;
  const settings: MeasureSettings = {
    minSamples: m.min_samples,
    minTimeS: m.min_time_s,
    maxTimeS: m.max_time_s,
    targetRsePct: m.target_rse_pct,
  };
  const conditions = await conditionsFrom(suite, fallback, paths);
  const corpus = await corpusFrom(suite, settings, paths);

  // Every model is resolved and its file read before anything is measured: a bad one fails the run now.
  const adapters: ModelAdapter[] = [];
  for (const ref of pickModels(suite, req.models)) adapters.push(await resolveModel(ref.model, ref.baseDir));
  const names = new Set<string>();
  for (const a of adapters) {
    if (names.has(a.name)) throw new UserError(`model '${a.name}' is listed twice`);
    names.add(a.name);
  }
  const models: ModelPlan[] = [];
  for (const adapter of adapters)
    models.push({ adapter, file: await describeModelFile(adapter.modelPath), conditions: conditions(adapter) });
  const suiteRecord = {
    ...(req.suiteFile ? { file: resolve(req.suiteFile) } : {}),
    sha256: suite.sha256 ?? '',
    quick: req.quick === true,
    ...(req.models?.length ? { models: [...req.models] } : {}),
  };
  const blockConditions = suite.suite.measure.block_conditions;
  return {
    models,
    ...(blockConditions !== undefined ? { blockConditions } : {}),
    threads,
    settings,
    suite: suiteRecord,
    ...(corpus ? { corpus } : {}),
    ...(suite.imagesDir ? { imagesDir: resolve(suite.imagesDir) } : {}),
  };
}
