import { performance } from 'node:perf_hooks';
import type { InferenceSession } from 'onnxruntime-node';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { DesignPoint } from './design.js';
import { fitSlowness, speedTrace, type TimedSample } from './drift.js';
import type { ModelAdapter } from './models/types.js';
import { collectGarbage } from './heap.js';
import { runSample, type Clock, type SampleTiming } from './pipeline.js';
import type { BenchWarning } from '../contracts/bench.js';
import { computeStatistics, mean, MIN_SAMPLES_FOR_P99, type Statistics } from './stats.js';
import { shouldStop, type MeasureSettings, type StopDecision } from './stop-rule.js';
import { stopTargets } from './stop-targets.js';

export interface ConditionMeasurement {
  samples: number;
  /** Of the per-image times at the block's average machine speed (see drift.ts), in the unit's clock. */
  stats: Statistics;
  stagesMs: { decode: number; preprocess: number; infer: number; postprocess: number };
  /** Mean of the times as measured, before the speed correction, ms. */
  rawMs: number;
  /** Mean wall-clock time per image, ms (equal to rawMs when the clock is wall). */
  wallMs: number;
  /** Mean detections per image; null for classification. */
  detected: number | null;
  /** The RSE this condition had to reach, %: the suite's target, or looser for a condition with little pull on predictions. */
  targetRsePct: number;
  stable: boolean;
  /**
   * Time spent in this condition's own samples, s, in the unit's clock (its share of the block):
   * the time budget counts the unit's work, so a busy machine gives a condition as many samples as a quiet one.
   */
  measuredS: number;
  warnings: BenchWarning[];
}

/** One condition of a block: its distinct encoded images, rotated over. */
export interface BlockCondition {
  id: string;
  images: readonly Buffer[];
  /** What the cost model sees of it; when every condition has one, each stops at its share of the prediction error (stop-targets.ts). */
  point?: DesignPoint;
}

/** The machine's speed during a block, as the interleaved conditions saw it (drift.ts). */
interface BlockSpeed {
  clock: Clock;
  /** Other conditions' samples within ± this many seconds estimate the speed at a moment. */
  halfWindowS: number;
  /** Relative speed over the block (1 = its average; 0.9 = 10% slower then). */
  trace: Array<{ atS: number; speed: number }>;
  /** The block's reference condition: measured in every round until the last condition stopped. */
  reference: number;
}

export interface BlockMeasurement {
  /** In the block's order; null for a condition not finished when the run was aborted. */
  conditions: Array<ConditionMeasurement | null>;
  speed: BlockSpeed;
  /** Measured samples of the whole block and its wall time after warm-up, s (what the harness costs between samples shows here). */
  samples: number;
  wallS: number;
  /** From the start of the first warm-up sample to the start of the first measured one, ms (performance.now()). */
  warmupMs: number;
}

export interface MeasureHooks {
  /** Called after each sample (for progress lines): samples so far in the block, block wall seconds. */
  onSample?: (n: number, elapsedS: number) => void;
  /** When aborted, unfinished conditions are abandoned (null): a half-measured condition is not a result. */
  signal?: AbortSignal;
  /** Input shapes the session has already run (see SampleTiming.inputShape): only new ones need a long warm-up. Updated. */
  seenShapes?: Set<string>;
  /** Warm up for at least this long, s (see FIRST_BLOCK_WARMUP_S). */
  warmupMinS?: number;
  /** Timing clock of the samples (default wall; bench uses clockFor(threads)). */
  clock?: Clock;
  /** The condition kept in every round as the speed reference; default: the fastest in the warm-up. */
  reference?: number;
}

/** Unmeasured samples of every condition before a block, at least: its first run (a new input shape runs until warmedUp). */
export const MIN_WARMUP_SAMPLES = 1;

/**
 * Warm-up time for a session's first block: in a fresh process the JavaScript side of the
 * pipeline (decode glue, tensor fill, post-processing) runs slower until V8 has optimised it.
 * On ocr-cls at 640x480 (5 ms samples) the first 20 samples took about 30% longer than the
 * steady ones and the next 20 about 10%, i.e. ~0.25 s; without it the first condition read slow.
 */
export const FIRST_BLOCK_WARMUP_S = 0.3;

/** Most warm-up samples for a new input shape, however unsettled the times still look. */
export const MAX_WARMUP_SAMPLES = 12;

/**
 * Warmed up on a new input shape once two successive samples agree within 10%: the first runs of
 * a shape onnxruntime has not seen are 2-3× slower (it plans the shape's buffers), and how many
 * varies from run to run. Once planned, a shape stays planned: alternating between shapes the
 * session has run costs nothing extra, which is what lets conditions of every resolution share a block.
 */
export function warmedUp(samplesMs: readonly number[]): boolean {
  const n = samplesMs.length;
  if (n >= MAX_WARMUP_SAMPLES) return true;
  if (n < 3) return false;
  const [a, b] = [samplesMs[n - 2]!, samplesMs[n - 1]!];
  return Math.abs(b - a) <= 0.1 * Math.min(a, b);
}

/** The speed at a moment is estimated from other conditions' samples within at least ± this many seconds. */
const MIN_HALF_WINDOW_S = 0.5;

interface ConditionState {
  images: readonly Buffer[];
  /** The suite's settings with this condition's own RSE target. */
  settings: MeasureSettings;
  /** Indices into the block's samples. */
  samples: number[];
  measuredS: number;
  decision: StopDecision;
}

interface Sampled extends TimedSample {
  timing: SampleTiming;
}

/**
 * Measures a block of conditions interleaved: one sample of each unfinished condition per round,
 * in a shuffled order (roundOrder), closed loop, each condition rotating over its own distinct images, and one of the reference
 * condition in every round until the last condition stopped. The machine's speed moves during a
 * run (by 5-25% over tens of seconds on a shared VM, more beside other work; see docs/bench.md);
 * interleaved, every condition is measured throughout the block, so the speed at each moment is
 * known from the others and every sample is brought back to the block's average speed (drift.ts).
 *
 * The stop rule runs per condition on its own corrected samples and its own measured time, so the
 * suite's `min_time_s`/`max_time_s` keep meaning "per condition"; a stopped condition leaves the
 * rotation (the reference stays, so the speed stays known to the end).
 */
export async function measureBlock(
  adapter: ModelAdapter,
  session: InferenceSession,
  block: readonly BlockCondition[],
  settings: MeasureSettings,
  hooks: MeasureHooks = {},
): Promise<BlockMeasurement> {
  if (block.length === 0 || block.some((c) => c.images.length === 0))
    throw new Error('measureBlock needs conditions with at least one image each');
  const clock = hooks.clock ?? 'wall';
  const sampleOf = async (c: BlockCondition, k: number) => {
    collectGarbage();
    return (await runSample(adapter, session, c.images[k % c.images.length]!, clock)).timing;
  };
  const { warmupStartMs, lastWarmupMs } = await warmUp(block, sampleOf, hooks);
  const reference = hooks.reference ?? lastWarmupMs.indexOf(Math.min(...lastWarmupMs));
  const points = block.map((c) => c.point);
  const targets = points.every((p) => p !== undefined)
    ? stopTargets(points as DesignPoint[], lastWarmupMs, settings.targetRsePct)
    : block.map(() => settings.targetRsePct);

  const states: ConditionState[] = block.map((c, j) => ({
    images: c.images,
    samples: [],
    measuredS: 0,
    settings: { ...settings, targetRsePct: targets[j]! },
    decision: { stop: false },
  }));
  const sampled: Sampled[] = [];
  const start = performance.now();
  let aborted = false;
  let slowness: number[] = [];
  let halfWindowS = MIN_HALF_WINDOW_S;
  const active = () => states.some((s) => !s.decision.stop);
  const shuffle = roundOrder(block.length);
  while (!aborted && active()) {
    const roundStart = performance.now();
    for (const j of shuffle()) {
      const s = states[j]!;
      if (s.decision.stop && j !== reference) continue;
      if (hooks.signal?.aborted) {
        aborted = true;
        break;
      }
      const timing = await sampleOf(block[j]!, s.samples.length);
      s.samples.push(sampled.length);
      sampled.push({ condition: j, atS: (timing.startMs - start) / 1000, ms: timing.totalMs, timing });
      s.measuredS += timing.totalMs / 1000;
      hooks.onSample?.(sampled.length, (performance.now() - start) / 1000);
    }
    halfWindowS = Math.max(MIN_HALF_WINDOW_S, (performance.now() - roundStart) / 1000);
    slowness = fitSlowness(sampled, block.length, halfWindowS);
    for (const s of states) {
      if (!s.decision.stop && s.samples.length > 0) s.decision = shouldStop(corrected(s, sampled, slowness), s.measuredS, s.settings);
    }
  }
  return {
    conditions: states.map((s) => (s.decision.stop ? summarise(s, s.decision, sampled, slowness) : null)),
    speed: { clock, halfWindowS, trace: speedTrace(sampled, slowness), reference },
    samples: sampled.length,
    wallS: (performance.now() - start) / 1000,
    warmupMs: (sampled[0]?.timing.startMs ?? start) - warmupStartMs,
  };
}

/**
 * Each round's order, shuffled (seeded, so the same every run): a sample pays some of what the
 * sample before it left behind (a 4K decode's buffers freed, caches refilled), which added 30-40%
 * to a 10 ms ocr-cls sample that always followed a 3840x2160 one in a fixed order. Shuffled, every
 * condition follows every other about equally often, and that cost spreads evenly instead of
 * landing on whichever condition comes next in the list.
 */
function roundOrder(n: number): () => number[] {
  const rng = xoroshiro128plus(ROUND_ORDER_SEED);
  return () => {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const k = uniformInt(rng, 0, i);
      [order[i], order[k]] = [order[k]!, order[i]!];
    }
    return order;
  };
}

const ROUND_ORDER_SEED = 1;

/**
 * Every condition's first image until its input shape is planned (a shape the session has not run
 * takes several slower runs, see warmedUp), then rounds of every condition until `warmupMinS` has
 * passed and each has run at least MIN_WARMUP_SAMPLES times. Returns each condition's last warm-up time.
 */
async function warmUp(
  block: readonly BlockCondition[],
  sampleOf: (c: BlockCondition, k: number) => Promise<SampleTiming>,
  hooks: MeasureHooks,
): Promise<{ warmupStartMs: number; lastWarmupMs: number[] }> {
  const seen = hooks.seenShapes ?? new Set<string>();
  const lastWarmupMs = block.map(() => Number.POSITIVE_INFINITY);
  let warmupStartMs: number | undefined;
  for (const [j, c] of block.entries()) {
    const first = await sampleOf(c, 0);
    warmupStartMs ??= first.startMs;
    const times = [first.totalMs];
    if (!seen.has(first.inputShape)) {
      while (!warmedUp(times)) times.push((await sampleOf(c, times.length)).totalMs);
      seen.add(first.inputShape);
    }
    lastWarmupMs[j] = times.at(-1)!;
  }
  const minWarmupMs = (hooks.warmupMinS ?? 0) * 1000;
  for (let round = 1; round < MIN_WARMUP_SAMPLES || performance.now() - warmupStartMs! < minWarmupMs; round++) {
    for (const [j, c] of block.entries()) lastWarmupMs[j] = (await sampleOf(c, round)).totalMs;
  }
  return { warmupStartMs: warmupStartMs!, lastWarmupMs };
}

/** A condition's samples at the block's average speed. */
function corrected(s: ConditionState, sampled: readonly Sampled[], slowness: readonly number[]): number[] {
  return s.samples.map((i) => sampled[i]!.ms / slowness[i]!);
}

function summarise(
  s: ConditionState,
  decision: Extract<StopDecision, { stop: true }>,
  sampled: readonly Sampled[],
  slowness: readonly number[],
): ConditionMeasurement {
  const totals = corrected(s, sampled, slowness);
  const stats = computeStatistics(totals);
  const warnings: BenchWarning[] = [];
  if (!decision.stable) warnings.push({ code: 'unstable', message: `unstable: ${decision.reason}` });
  if (!stats.p99Reliable)
    warnings.push({
      code: 'p99-few-samples',
      message: `p99 from ${stats.n} samples (< ${MIN_SAMPLES_FOR_P99}) is the run's slowest sample, not a tail estimate`,
    });
  const timings = s.samples.map((i) => sampled[i]!.timing);
  const stage = (f: (t: SampleTiming) => number) => mean(s.samples.map((i) => f(sampled[i]!.timing) / slowness[i]!));
  const detectedCounts = timings.map((t) => t.detected).filter((d): d is number => d !== null);
  return {
    samples: totals.length,
    stats,
    stagesMs: {
      decode: stage((t) => t.decodeMs),
      preprocess: stage((t) => t.preprocessMs),
      infer: stage((t) => t.inferMs),
      postprocess: stage((t) => t.postprocessMs),
    },
    rawMs: mean(timings.map((t) => t.totalMs)),
    wallMs: mean(timings.map((t) => t.wallMs)),
    detected: detectedCounts.length ? mean(detectedCounts) : null,
    targetRsePct: s.settings.targetRsePct,
    stable: decision.stable,
    measuredS: s.measuredS,
    warnings,
  };
}
