import { performance } from 'node:perf_hooks';
import type { InferenceSession } from 'onnxruntime-node';
import { imagesFor, type ConditionImages } from './condition-images.js';
import { measurementBlocks, type ConditionSpec } from './conditions.js';
import { measureCorpus } from './corpus.js';
import { fitCostModel } from './cost-model.js';
import type { DesignPoint } from './design.js';
import { describeHost } from './host.js';
import { FIRST_BLOCK_WARMUP_S, measureBlock, type ConditionMeasurement } from './measure.js';
import { createSession, findingText, modelInputSize } from './models/index.js';
import type { ModelAdapter } from './models/types.js';
import { clockFor, runSample, type Clock } from './pipeline.js';
import type { Progress } from './progress.js';
import { mergeResume, type ModelTodo } from './resume.js';
import type { BenchCondition, BenchModel, BenchResult, StageModel, SuiteRecord } from '../contracts/bench.js';
import { runScaling } from './scaling.js';
import { fitStageModel } from './stage-model.js';
import type { BenchSetup, CorpusPlan } from './setup.js';
import type { MeasureSettings } from './stop-rule.js';
import { configureSharpForUnit } from './unit.js';

/**
 * A bench run, in phases: merge in what a partial result already measured (resume.ts), open every
 * session and run each model once, measure the missing conditions block by block, check for drift,
 * and (if asked) measure scaling. Only the merge knows about resuming; the phases see what is left.
 */

export interface RunOptions extends Omit<BenchSetup, 'suite'> {
  /** What the run was asked for, recorded in the result for --resume (see SuiteRecordSchema). */
  suiteRecord?: SuiteRecord;
  /** A partial result to complete: its measured conditions are kept, not re-measured (see resumeConflict). */
  previous?: BenchResult;
  /** Once everything is measured, also run 1 and 2 units side by side (see scaling.ts). */
  scaling?: boolean;
  signal?: AbortSignal;
  progress?: Progress;
  /** Called with the result so far after every block (see measurementBlocks), so a crash loses at most one block. */
  checkpoint?: (partial: BenchResult) => Promise<void>;
}

/** The measuring phases' shared state: settings, the abort signal, progress over the whole run. */
interface RunContext {
  settings: MeasureSettings;
  clock: Clock;
  blockConditions?: number;
  signal?: AbortSignal;
  progress?: Progress;
  /** Conditions passed so far, of `total` (progress lines). */
  counter: { index: number; total: number };
  checkpoint: () => Promise<void>;
}

/** A model's open session, with what its first run learnt. */
interface OpenSession {
  session: InferenceSession;
  /** Input shapes the session has run warmed up (see measureBlock). */
  seenShapes: Set<string>;
  /** Images loaded for the first run (and any skipped before it), kept for measuring. */
  preloaded: Map<ConditionSpec, ConditionImages>;
}

/** @public The whole-pipeline model over some conditions (benchmarks refit it on a subset). */
export function costModelFor(conditions: readonly BenchCondition[]): BenchModel['costModel'] {
  return fitCostModel(
    conditions.map((c) => ({ megapixels: (c.width * c.height) / 1e6, sizeMb: c.sizeMb, objects: c.objects, ms: 1000 / c.tps })),
  );
}

/** The per-stage model over the conditions that recorded their model-input size (all, since it is recorded). */
export function stageModelFor(conditions: readonly BenchCondition[]): StageModel | null {
  const points = conditions.flatMap((c) =>
    c.inputWidth !== undefined && c.inputHeight !== undefined
      ? [
          {
            sourceMegapixels: (c.width * c.height) / 1e6,
            sizeMb: c.sizeMb,
            inputMegapixels: (c.inputWidth * c.inputHeight) / 1e6,
            objects: c.objects,
            stagesMs: c.stagesMs,
          },
        ]
      : [],
  );
  return fitStageModel(points);
}

/** Both cost models, refitted on the model's conditions so far. */
function refit(model: BenchModel): void {
  model.costModel = costModelFor(model.conditions);
  model.stageModel = stageModelFor(model.conditions);
}

/** Runs every (model, condition) pair not already in `previous`; returns the result, complete or not. */
export async function runBench(opts: RunOptions): Promise<BenchResult> {
  const { signal, progress } = opts;
  configureSharpForUnit(opts.threads);
  const { result, todo, untouched } = mergeResume(opts.previous, opts.models, opts.threads, describeHost());
  if (opts.suiteRecord) result.suite = opts.suiteRecord;
  // A model is listed once it has something: from the start with what was measured before, else
  // when measuring reaches it. Models this run was not asked about stay listed as they were.
  const listed = new Set(todo.filter((t) => t.model.conditions.length > 0).map((t) => t.model));
  const snapshot = () => {
    result.models = [...todo.filter((t) => listed.has(t.model)).map((t) => t.model), ...untouched];
    return result;
  };

  const corpusFor = (t: ModelTodo) => (opts.corpus && !t.model.corpus ? opts.corpus : undefined);
  const sessions = await openSessions(todo, opts.threads, corpusFor, progress);
  const ctx: RunContext = {
    settings: opts.settings,
    clock: clockFor(opts.threads),
    ...(opts.blockConditions ? { blockConditions: opts.blockConditions } : {}),
    signal,
    progress,
    counter: { index: 0, total: todo.reduce((s, t) => s + t.missing.length, 0) },
    checkpoint: async () => opts.checkpoint?.(snapshot()),
  };
  let interrupted = false;
  try {
    for (const [i, t] of todo.entries()) {
      listed.add(t.model);
      const open = sessions[i];
      if (!open) {
        refit(t.model);
        continue;
      }
      try {
        const measured = await measureModel(t, open, ctx);
        interrupted ||= !measured.complete;
        recordPlausibility(t, 'conditions', progress);
        const corpus = corpusFor(t);
        if (corpus && !interrupted && !signal?.aborted) {
          interrupted = !(await measureModelCorpus(t, open.session, corpus, ctx));
          recordPlausibility(t, 'corpus', progress);
        }
      } finally {
        sessions[i] = null;
        await open.session.release();
      }
      finishModel(t, interrupted);
    }
  } finally {
    await Promise.all(sessions.map((s) => s?.session.release()));
  }
  snapshot();
  progress?.done();
  result.complete = !interrupted && !signal?.aborted;
  if (opts.scaling && result.complete) {
    result.scaling = await runScaling(result, new Map(todo.map((t) => [t.model.name, t.plan.adapter.resolved])), {
      threads: opts.threads,
      progress,
      signal,
    });
    // Scaling runs on a synthetic condition (its images can be made again); say so rather than print nothing.
    for (const m of result.models) {
      if (!signal?.aborted && !result.scaling.some((x) => x.model === m.name)) {
        result.warnings.push({
          code: 'scaling-not-measured',
          message: `scaling not measured for ${m.name}: it runs on a synthetic condition (resolutions and sizes), and this suite measured none for it`,
        });
      }
    }
  }
  return result;
}

/**
 * Phase 1: open every session that has something to measure and run each model once, before
 * measuring anything: a bad model file, an output that does not fit its declared format or an
 * undecodable image fails the run here, before a (partial) result file is written.
 */
async function openSessions(
  todo: readonly ModelTodo[],
  threads: number,
  corpusFor: (t: ModelTodo) => CorpusPlan | undefined,
  progress?: Progress,
): Promise<Array<OpenSession | null>> {
  const sessions: Array<OpenSession | null> = [];
  try {
    for (const t of todo) {
      const { plan, model, missing, fresh } = t;
      const corpus = corpusFor(t);
      if (missing.length === 0 && !corpus) {
        sessions.push(null);
        continue;
      }
      const { adapter } = plan;
      progress?.condition(`${adapter.name}: creating session`, 0, 0);
      const t0 = performance.now();
      const open: OpenSession = { session: await createSession(adapter, threads), preloaded: new Map(), seenShapes: new Set() };
      const sessionCreateMs = performance.now() - t0;
      sessions.push(open);
      let firstRunMs: number | undefined;
      for (const spec of missing) {
        progress?.condition(`${adapter.name} ${spec.id}: preparing images`, 0, 0);
        const images = await imagesFor(spec);
        open.preloaded.set(spec, images);
        if (images.skipped) continue;
        // The first run pays lazy initialisation (kernels, arenas): reported apart from TPS.
        const t1 = performance.now();
        await runSample(adapter, open.session, images.bytes[0]!);
        firstRunMs = performance.now() - t1;
        break;
      }
      if (firstRunMs === undefined && corpus) {
        // The first run pays lazy initialisation (kernels, arenas): reported apart from TPS.
        const t1 = performance.now();
        await runSample(adapter, open.session, corpus.folder.images[0]!.bytes);
        firstRunMs = performance.now() - t1;
      }
      if (fresh) {
        model.sessionCreateMs = sessionCreateMs;
        model.firstRunMs = firstRunMs ?? 0;
      }
    }
  } catch (err) {
    await Promise.all(sessions.map((s) => s?.session.release()));
    throw err;
  }
  return sessions;
}

/**
 * Phase 2: a model's missing conditions, block by block (all of a model's conditions interleaved
 * in one block when they fit; see measureBlock), with a checkpoint after each. Later blocks measure
 * the first block's reference condition again and are scaled to its speed there, so the model's
 * conditions share one machine speed. `complete` is false when the run was aborted.
 */
async function measureModel(t: ModelTodo, open: OpenSession, ctx: RunContext): Promise<{ complete: boolean }> {
  const { adapter } = t.plan;
  const { model } = t;
  const { progress, signal, counter } = ctx;
  let first: { spec: ConditionSpec; images: ConditionImages; ms: number } | undefined;
  for (const block of measurementBlocks(t.missing, ctx.blockConditions)) {
    if (signal?.aborted) return { complete: false };
    const ready: Array<{ spec: ConditionSpec; images: ConditionImages }> = [];
    for (const spec of block) {
      progress?.condition(`${adapter.name} ${spec.id}: preparing images`, counter.index + ready.length + 1, counter.total);
      const images = open.preloaded.get(spec) ?? (await imagesFor(spec));
      open.preloaded.delete(spec);
      if (images.skipped) {
        model.warnings.push({ code: 'condition-skipped', message: `${spec.id} skipped: ${images.skipped}` });
        progress?.note(`${adapter.name} ${spec.id} skipped: ${images.skipped}`);
        continue;
      }
      ready.push({ spec, images });
    }
    counter.index += block.length;
    if (ready.length === 0) continue;
    // The first block's reference, measured again here as this block's yardstick.
    const link = first && !ready.some((r) => r.spec.id === first!.spec.id) ? first : undefined;
    const members = link ? [...ready, link] : ready;
    const label = ready.length === 1 ? ready[0]!.spec.id : `${ready.length} conditions interleaved`;
    progress?.condition(`${adapter.name} ${label}`, counter.index, counter.total);
    const measured = await measureBlock(
      adapter,
      open.session,
      members.map((r) => ({ id: r.spec.id, images: r.images.bytes, point: designPoint(adapter, r.spec, r.images) })),
      ctx.settings,
      {
        signal,
        clock: ctx.clock,
        seenShapes: open.seenShapes,
        warmupMinS: first ? 0 : FIRST_BLOCK_WARMUP_S,
        ...(first ? { reference: members.findIndex((r) => r.spec.id === first!.spec.id) } : {}),
        onSample: (n, s) => progress?.sample(n, s),
      },
    );
    const reference = members[measured.speed.reference]!;
    const referenceMs = measured.conditions[measured.speed.reference]?.stats.mean;
    const linkFactor = first && referenceMs !== undefined ? referenceMs / first.ms : 1;
    if (!first && referenceMs !== undefined) first = { ...reference, ms: referenceMs };
    model.speed = {
      clock: measured.speed.clock,
      blocks: [
        ...(model.speed?.blocks ?? []),
        { reference: reference.spec.id, halfWindowS: measured.speed.halfWindowS, trace: measured.speed.trace, linkFactor },
      ],
    };
    for (const [j, { spec, images }] of ready.entries()) {
      const m = measured.conditions[j];
      if (!m) continue;
      const condition = buildCondition(adapter, spec, images, scaled(m, 1 / linkFactor));
      model.conditions.push(condition);
      if (!condition.stable) progress?.note(`warning: ${adapter.name} ${spec.id}: ${condition.warnings[0]?.message}`);
    }
    refit(model);
    if (measured.conditions.includes(null)) return { complete: false };
    await ctx.checkpoint();
    progress?.blockDone(counter.index, counter.total);
  }
  return { complete: true };
}

/** A condition's images as the cost model sees them (see stop-targets.ts). */
function designPoint(adapter: ModelAdapter, spec: ConditionSpec, images: ConditionImages): DesignPoint {
  const input = modelInputSize(adapter.resolved.spec.input, images.width, images.height);
  return {
    sourceMegapixels: (images.width * images.height) / 1e6,
    sizeMb: images.sizeMb,
    inputMegapixels: (input.width * input.height) / 1e6,
    objects: spec.objects,
  };
}

/** A measurement's times multiplied by `k` (a later block brought to the first block's speed); precision is unchanged. */
function scaled(m: ConditionMeasurement, k: number): ConditionMeasurement {
  if (k === 1) return m;
  const st = m.stats;
  const sd = st.sd * k;
  return {
    ...m,
    stats: {
      ...st,
      mean: st.mean * k,
      sd,
      sem: st.sem * k,
      moe: st.moe * k,
      min: st.min * k,
      max: st.max * k,
      p50: st.p50 * k,
      p90: st.p90 * k,
      p99: st.p99 * k,
    },
    stagesMs: {
      decode: m.stagesMs.decode * k,
      preprocess: m.stagesMs.preprocess * k,
      infer: m.stagesMs.infer * k,
      postprocess: m.stagesMs.postprocess * k,
    },
  };
}

/**
 * Phase 3b: the images_dir corpus, with the same session (corpus.ts). False when aborted.
 * Files skipped when the folder was read, and any that fail to decode when drawn, are named.
 */
async function measureModelCorpus(t: ModelTodo, session: InferenceSession, corpus: CorpusPlan, ctx: RunContext): Promise<boolean> {
  const { adapter } = t.plan;
  ctx.progress?.condition(
    `${adapter.name} corpus ${corpus.name}: ${corpus.folder.images.length} images, random draws`,
    ctx.counter.index,
    ctx.counter.total,
  );
  const measured = await measureCorpus(adapter, session, corpus.folder.images, corpus.settings, corpus.seed, corpus.name, {
    signal: ctx.signal,
    clock: ctx.clock,
    onSample: (n, s) => ctx.progress?.sample(n, s),
    onSkip: (file, reason) => ctx.progress?.note(`warning: ${adapter.name} corpus ${corpus.name}: ${file} skipped: ${reason}`),
  });
  if (!measured) return false;
  const skippedAtLoad = corpus.folder.skipped;
  for (const s of skippedAtLoad) ctx.progress?.note(`warning: corpus ${corpus.name}: ${s.file} skipped: ${s.reason}`);
  t.model.corpus = {
    ...measured,
    skipped: [...skippedAtLoad, ...measured.skipped],
    warnings: [...skippedAtLoad.map((s) => ({ code: 'file-skipped', message: `${s.file} skipped: ${s.reason}` })), ...measured.warnings],
  };
  if (!measured.stable) ctx.progress?.note(`warning: ${adapter.name} corpus ${corpus.name}: ${measured.warnings.at(-1)?.message}`);
  await ctx.checkpoint();
  return true;
}

/**
 * The plausibility checks over the images the model just saw (the adapter checks every output):
 * each failure becomes a named entry and a warning. Synthetic conditions are not expected to hold
 * what a detector looks for, nor to change a classifier's answer; the user's photos are.
 */
function recordPlausibility(t: ModelTodo, on: 'conditions' | 'corpus', progress: RunOptions['progress']): void {
  const { adapter } = t.plan;
  const photos = on === 'corpus';
  const findings = adapter.plausibility.findings({ detectionsExpected: photos, differentImages: photos });
  adapter.plausibility.reset();
  // Without conditions the outputs seen so far are only the first run's, on a corpus image: the corpus counts them.
  if (findings.length === 0 || (!photos && t.model.conditions.length === 0)) return;
  const model = t.model;
  model.plausibility = [...(model.plausibility ?? []), ...findings.map((f) => ({ ...f, on }))];
  for (const f of findings) {
    const message = `${photos ? 'corpus: ' : ''}${findingText(f)}`;
    model.warnings.push({ code: `implausible-${f.check}`, message });
    progress?.note(`warning: ${adapter.name}: ${message}`);
  }
}

/** The model's conditions back in the plan's order (whatever order resume measured them in), and its cost model. */
function finishModel(t: ModelTodo, interrupted: boolean): void {
  const { model } = t;
  const order = new Map(t.plan.conditions.map((s, j) => [s.id, j]));
  model.conditions.sort((a, b) => (order.get(a.id) ?? 1e9) - (order.get(b.id) ?? 1e9));
  refit(model);
  if (
    t.plan.adapter.task === 'detection' &&
    !drawsWhatItFinds(t.plan.adapter) &&
    model.conditions.length > 0 &&
    !model.warnings.some((w) => w.code === OBJECTS_UNMEASURED.code)
  ) {
    model.warnings.push(OBJECTS_UNMEASURED);
  }
  if (!model.costModel && model.conditions.length > 0 && !interrupted) {
    model.warnings.push({
      code: 'too-few-conditions',
      message: `too few conditions (${model.conditions.length}) to fit a cost model; plan can use only exactly measured conditions`,
    });
  }
}

/** The synthetic conditions draw text lines: a text detector (format db, as the built-in ocr-det) finds them, other detectors do not. */
function drawsWhatItFinds(adapter: ModelAdapter): boolean {
  return adapter.resolved.spec.output.format === 'db';
}

const OBJECTS_UNMEASURED = {
  code: 'objects-unmeasured',
  message:
    "objects axis not measured: the synthetic conditions' objects are text lines, which this detector does not look for; each condition counts the objects it found, so the cost model's objects term is unknown unless your own images (images_dir, or images in the suite) hold objects it detects",
};

function buildCondition(adapter: ModelAdapter, spec: ConditionSpec, images: ConditionImages, m: ConditionMeasurement): BenchCondition {
  const input = modelInputSize(adapter.resolved.spec.input, images.width, images.height);
  const warnings = [...m.warnings];
  const own = spec.userImage !== undefined;
  // The drawn objects are text lines: only a text detector is expected to find them.
  const drawnUnseen = !own && m.detected !== null && !drawsWhatItFinds(adapter);
  if (images.bytes.length === 1 && !own) warnings.push({ code: 'one-image', message: 'only one distinct image: samples did not rotate' });
  // Synthetic images have a known answer: say so when the detector's count is off (its post-processing cost follows what it finds).
  if (m.detected !== null && !own && !drawnUnseen && Math.abs(m.detected - spec.objects) > 0.5) {
    warnings.push({ code: 'detections-off', message: `detected ${m.detected.toFixed(1)} objects on average, ${spec.objects} drawn` });
  }
  return {
    id: spec.id,
    width: images.width,
    height: images.height,
    format: images.format,
    sizeMb: images.sizeMb,
    targetSizeMb: spec.targetSizeMb,
    // Nothing is drawn on a user's own image: its objects are what the detector found, so the
    // cost model still sees how object count drives post-processing.
    // So is a detector that does not see the drawn text lines: the cost model is fitted on what it found.
    objects: (own || drawnUnseen) && m.detected !== null ? Math.round(m.detected) : spec.objects,
    detected: m.detected,
    samples: m.samples,
    tps: 1000 / m.stats.mean,
    latencyMs: { mean: m.stats.mean, p50: m.stats.p50, p90: m.stats.p90, p99: m.stats.p99 },
    p99Reliable: m.stats.p99Reliable,
    stagesMs: m.stagesMs,
    rawMs: m.rawMs,
    wallMs: m.wallMs,
    inputWidth: input.width,
    inputHeight: input.height,
    rsePct: m.stats.rsePct,
    targetRsePct: m.targetRsePct,
    stable: m.stable,
    warnings,
  };
}
