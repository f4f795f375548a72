import { performance } from 'node:perf_hooks';
import type { InferenceSession } from 'onnxruntime-node';
import sharp from 'sharp';
import { UserError } from '../core/errors.js';
import { measurementBlocks, type ConditionSpec } from './conditions.js';
import { fitCostModel } from './cost-model.js';
import { describeHost } from './host.js';
import { FIRST_BLOCK_WARMUP_S, measureBlock, type ConditionMeasurement } from './measure.js';
import { recheckOf } from './recheck.js';
import type { ModelAdapter } from './models/types.js';
import { runSample } from './pipeline.js';
import type { Progress } from './progress.js';
import { BENCH_SCHEMA_ID, type BenchCondition, type BenchModel, type BenchResult } from './result-schema.js';
import type { MeasureSettings } from './stop-rule.js';

/** The encoded images of one condition, ready to measure. */
export interface ConditionImages {
  bytes: Buffer[];
  width: number;
  height: number;
  format: string;
  /** Mean actual encoded size, MB. */
  sizeMb: number;
  /** Set when the condition cannot be produced (e.g. an impossible size target): skipped with this note. */
  skipped?: string;
}

/** What the orchestrator needs from the model and image parts (injected so a run is easy to reason about). */
export interface BenchDeps {
  resolveModel(ref: unknown): Promise<ModelAdapter>;
  createSession(adapter: ModelAdapter, threads: number): Promise<InferenceSession>;
  describeModelFile(path: string): Promise<{ sha256: string; sizeBytes: number; parameterCount: number }>;
  imagesFor(spec: ConditionSpec): Promise<ConditionImages>;
}

export interface ModelPlan {
  ref: unknown;
  /** Conditions to measure for this model, by task (known only once the model is resolved). */
  conditions(task: 'classification' | 'detection'): ConditionSpec[];
}

export interface RunOptions {
  models: ModelPlan[];
  threads: number;
  settings: MeasureSettings;
  deps: BenchDeps;
  /** A partial result to complete (--resume): its measured conditions are kept, not re-measured. */
  previous?: BenchResult;
  signal?: AbortSignal;
  progress?: Progress;
  /** Called with the result so far after every block (see measurementBlocks), so a crash loses at most one block. */
  checkpoint?: (partial: BenchResult) => Promise<void>;
}

/**
 * One unit = one ORT session with `threads` intra-op threads and sharp limited to the same,
 * fed one image at a time. sharp's operation cache is off so a repeated image is really decoded
 * again, as a serving unit decodes every request.
 */
export function configureSharpForUnit(threads: number): void {
  sharp.concurrency(threads);
  sharp.cache(false);
}

function buildCondition(spec: ConditionSpec, images: ConditionImages, m: ConditionMeasurement): BenchCondition {
  const warnings = [...m.warnings];
  if (images.bytes.length === 1 && spec.imagePath === undefined) warnings.push('only one distinct image: samples did not rotate');
  // Synthetic images have a known answer: say so when the detector's count is off (its post-processing cost follows what it finds).
  if (m.detected !== null && spec.imagePath === undefined && Math.abs(m.detected - spec.objects) > 0.5) {
    warnings.push(`detected ${m.detected.toFixed(1)} objects on average, ${spec.objects} drawn`);
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
    objects: spec.imagePath !== undefined && m.detected !== null ? Math.round(m.detected) : spec.objects,
    detected: m.detected,
    samples: m.samples,
    tps: 1000 / m.stats.mean,
    latencyMs: { mean: m.stats.mean, p50: m.stats.p50, p90: m.stats.p90, p99: m.stats.p99 },
    p99Reliable: m.stats.p99Reliable,
    stagesMs: m.stagesMs,
    rsePct: m.stats.rsePct,
    stable: m.stable,
    warnings,
  };
}

export function costModelFor(conditions: readonly BenchCondition[]): BenchModel['costModel'] {
  return fitCostModel(conditions.map((c) => ({ megapixels: (c.width * c.height) / 1e6, sizeMb: c.sizeMb, objects: c.objects, ms: 1000 / c.tps })));
}

/** Runs every (model, condition) pair not already in `previous`; returns the result, complete or not. */
export async function runBench(opts: RunOptions): Promise<BenchResult> {
  const { deps, settings, threads, progress, signal } = opts;
  if (opts.previous && opts.previous.unit.threads !== threads) {
    throw new UserError(`--resume: the partial result was measured with ${opts.previous.unit.threads} thread(s), not ${threads}; use --threads ${opts.previous.unit.threads}`);
  }
  configureSharpForUnit(threads);
  const host = describeHost();
  const warnings = [...(opts.previous?.warnings ?? [])];
  if (opts.previous && opts.previous.host.cpuModel !== host.cpuModel) {
    warnings.push(`resumed on a different CPU (${host.cpuModel}) than the partial result (${opts.previous.host.cpuModel})`);
  }
  const result: BenchResult = {
    schema: BENCH_SCHEMA_ID,
    createdAt: opts.previous?.createdAt ?? new Date().toISOString(),
    complete: false,
    host,
    unit: { threads },
    models: [],
    warnings,
  };

  // Resolve every model first: a bad model fails the run before any time is spent measuring.
  const adapters: ModelAdapter[] = [];
  for (const plan of opts.models) adapters.push(await deps.resolveModel(plan.ref));
  const names = new Set<string>();
  for (const a of adapters) {
    if (names.has(a.name)) throw new UserError(`model '${a.name}' is listed twice`);
    names.add(a.name);
  }
  const todo = adapters.map((a, i) => {
    const prev = opts.previous?.models.find((m) => m.name === a.name);
    const specs = opts.models[i]!.conditions(a.task);
    const done = new Set(prev?.conditions.map((c) => c.id) ?? []);
    return { adapter: a, prev, specs, missing: specs.filter((s) => !done.has(s.id)) };
  });

  // Open every session and run each model once before measuring anything: a bad model file, an
  // output that does not fit its declared format or an undecodable image fails the run here,
  // before a (partial) result file is written.
  const prepared: Array<{ model: BenchModel; session: InferenceSession | null; inputShape?: string }> = [];
  // The images of each model's first condition, loaded for its first run and kept for its measurement.
  const loaded = new Map<ConditionSpec, ConditionImages>();
  try {
    for (const { adapter, prev, missing } of todo) {
      const file = await deps.describeModelFile(adapter.modelPath);
      if (prev && prev.sha256 !== file.sha256) {
        throw new UserError(`--resume: model '${adapter.name}' has changed since the partial result (sha256 differs); start a fresh run`);
      }
      const model: BenchModel = {
        name: adapter.name,
        task: adapter.task,
        source: adapter.source,
        sha256: file.sha256,
        sizeBytes: file.sizeBytes,
        parameterCount: file.parameterCount,
        input: adapter.inputSpec,
        sessionCreateMs: prev?.sessionCreateMs ?? 0,
        firstRunMs: prev?.firstRunMs ?? 0,
        costModel: null,
        conditions: [...(prev?.conditions ?? [])],
        warnings: [...(prev?.warnings ?? [])],
      };
      if (missing.length === 0) {
        prepared.push({ model, session: null });
        continue;
      }
      progress?.condition(`${adapter.name}: creating session`, 0, 0);
      const t0 = performance.now();
      const session = await deps.createSession(adapter, threads);
      const sessionCreateMs = performance.now() - t0;
      prepared.push({ model, session });
      let firstRun: number | undefined;
      for (const spec of missing) {
        progress?.condition(`${adapter.name} ${spec.id}: preparing images`, 0, 0);
        const images = await deps.imagesFor(spec);
        loaded.set(spec, images);
        if (images.skipped) continue;
        // The first run pays lazy initialisation (kernels, arenas): reported apart from TPS.
        const t1 = performance.now();
        const { timing } = await runSample(adapter, session, images.bytes[0]!);
        firstRun = performance.now() - t1;
        prepared.at(-1)!.inputShape = timing.inputShape;
        break;
      }
      if (!prev || prev.conditions.length === 0) {
        model.sessionCreateMs = sessionCreateMs;
        model.firstRunMs = firstRun ?? 0;
      }
    }
  } catch (err) {
    await Promise.all(prepared.map((p) => p.session?.release()));
    throw err;
  }

  const total = todo.reduce((s, t) => s + t.missing.length, 0);
  let index = 0;
  let interrupted = false;

  for (const [i, { adapter, specs, missing }] of todo.entries()) {
    const { model, session } = prepared[i]!;
    let lastShape = prepared[i]!.inputShape;
    result.models.push(model);
    if (!session) {
      model.costModel = costModelFor(model.conditions);
      continue;
    }
    const blocks = measurementBlocks(missing);
    let measuredBlocks = 0;
    try {
      for (const block of blocks) {
        if (signal?.aborted) {
          interrupted = true;
          break;
        }
        const ready: Array<{ spec: ConditionSpec; images: ConditionImages }> = [];
        for (const spec of block) {
          progress?.condition(`${adapter.name} ${spec.id}: preparing images`, index + ready.length + 1, total);
          const images = loaded.get(spec) ?? (await deps.imagesFor(spec));
          loaded.delete(spec);
          if (images.skipped) {
            model.warnings.push(`${spec.id} skipped: ${images.skipped}`);
            progress?.note(`${adapter.name} ${spec.id} skipped: ${images.skipped}`);
            continue;
          }
          ready.push({ spec, images });
        }
        index += block.length;
        if (ready.length === 0) continue;
        const label = ready.length === 1 ? ready[0]!.spec.id : `${ready[0]!.spec.width}x${ready[0]!.spec.height}, ${ready.length} conditions interleaved`;
        progress?.condition(`${adapter.name} ${label}`, index, total);
        const measured = await measureBlock(
          adapter,
          session,
          ready.map((r) => ({ id: r.spec.id, images: r.images.bytes })),
          settings,
          { signal, previousInputShape: lastShape, warmupMinS: measuredBlocks === 0 ? FIRST_BLOCK_WARMUP_S : 0, onSample: (n, s) => progress?.sample(n, s) },
        );
        lastShape = measured.inputShape;
        for (const [j, m] of measured.conditions.entries()) {
          if (m === null) continue;
          const { spec, images } = ready[j]!;
          const condition = buildCondition(spec, images, m);
          model.conditions.push(condition);
          if (!condition.stable) progress?.note(`warning: ${adapter.name} ${spec.id}: ${condition.warnings[0]}`);
        }
        model.costModel = costModelFor(model.conditions);
        if (measured.conditions.includes(null)) {
          interrupted = true;
          break;
        }
        measuredBlocks++;
        await opts.checkpoint?.(result);
      }
      // Drift check: the first condition once more, now that the others are done (see recheck.ts).
      const firstId = blocks[0]?.[0]?.id;
      const before = model.conditions.find((c) => c.id === firstId);
      if (!interrupted && !signal?.aborted && measuredBlocks >= 2 && before) {
        const spec = blocks[0]![0]!;
        progress?.condition(`${adapter.name} ${spec.id}: measuring again (drift check)`, index, total);
        const images = await deps.imagesFor(spec);
        // Half the time budget: a drift check, not a second measurement; its own RSE enters the verdict.
        const recheckSettings = { ...settings, maxTimeS: Math.max(settings.minTimeS, settings.maxTimeS / 2) };
        const again = await measureBlock(adapter, session, [{ id: spec.id, images: images.bytes }], recheckSettings, { signal, previousInputShape: lastShape, onSample: (n, s) => progress?.sample(n, s) });
        if (again.conditions[0]) {
          const { recheck, warning } = recheckOf(before, again.conditions[0]);
          model.recheck = recheck;
          if (warning) {
            model.warnings.push(warning);
            progress?.note(`warning: ${adapter.name}: ${warning}`);
          }
          await opts.checkpoint?.(result);
        }
      }
    } finally {
      await session.release();
      prepared[i]!.session = null;
    }
    // Keep the suite's order, whatever order resume measured them in.
    const order = new Map(specs.map((s, j) => [s.id, j]));
    model.conditions.sort((a, b) => (order.get(a.id) ?? 1e9) - (order.get(b.id) ?? 1e9));
    model.costModel = costModelFor(model.conditions);
    if (!model.costModel && model.conditions.length > 0 && !interrupted) {
      model.warnings.push(`too few conditions (${model.conditions.length}) to fit a cost model; plan can use only exactly measured conditions`);
    }
  }
  // Models of the partial result that this run was not asked about are kept as they were.
  for (const m of opts.previous?.models ?? []) if (!names.has(m.name)) result.models.push(m);
  progress?.done();
  result.complete = !interrupted && !signal?.aborted;
  return result;
}
