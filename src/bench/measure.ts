import { performance } from 'node:perf_hooks';
import type { InferenceSession } from 'onnxruntime-node';
import type { ModelAdapter } from './models/types.js';
import { runSample, type SampleTiming } from './pipeline.js';
import { computeStatistics, mean, MIN_SAMPLES_FOR_P99, type Statistics } from './stats.js';
import { shouldStop, type MeasureSettings, type StopDecision } from './stop-rule.js';

export interface ConditionMeasurement {
  samples: number;
  stats: Statistics;
  stagesMs: { decode: number; preprocess: number; infer: number; postprocess: number };
  /** Mean detections per image; null for classification. */
  detected: number | null;
  stable: boolean;
  /** Time spent in this condition's own samples, s (its share of the block). */
  measuredS: number;
  warnings: string[];
}

/** One condition of a block: its distinct encoded images, rotated over. */
export interface BlockCondition {
  id: string;
  images: readonly Buffer[];
}

export interface BlockMeasurement {
  /** In the block's order; null for a condition not finished when the run was aborted. */
  conditions: Array<ConditionMeasurement | null>;
  /** Input shape of the block's last run, for the next block's warm-up. */
  inputShape: string;
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
  /** Input shape of the session's previous run (see SampleTiming.inputShape), to size the warm-up. */
  previousInputShape?: string;
  /** Warm up for at least this long, s (see FIRST_BLOCK_WARMUP_S). */
  warmupMinS?: number;
}

/** Unmeasured samples before each block, at least. */
export const MIN_WARMUP_SAMPLES = 2;
/** ... and this many when the input shape changed since the session's previous run. */
const SHAPE_CHANGE_WARMUP_SAMPLES = 6;

/**
 * Warm-up time for a session's first block: in a fresh process the JavaScript side of the
 * pipeline (decode glue, tensor fill, post-processing) runs slower until V8 has optimised it.
 * Measured on ocr-cls at 640x480 (5 ms samples): the first 20 samples averaged 6.8-6.9 ms, the
 * next 20 5.5-6.0, then 5.2-5.4 steady, i.e. ~0.25 s; with a 2-sample warm-up the first
 * condition read 10-15% slow (the drift check caught it). Slow samples (ocr-det) reach this
 * time within the shape-change warm-up anyway.
 */
export const FIRST_BLOCK_WARMUP_S = 0.3;

/** Most warm-up samples after a shape change, however unsettled the times still look. */
export const MAX_WARMUP_SAMPLES = 24;

/**
 * Steady once the mean of the last 3 warm-up samples is within 5% of the mean of the 3 before:
 * a fixed count left the first condition after a resolution change 10% slower in some runs
 * (repeatability benchmark), because the transient's length varies from run to run.
 */
export function warmedUp(samplesMs: readonly number[]): boolean {
  const n = samplesMs.length;
  if (n >= MAX_WARMUP_SAMPLES) return true;
  if (n < 6) return false;
  const last = mean(samplesMs.slice(n - 3));
  const before = mean(samplesMs.slice(n - 6, n - 3));
  return last <= before * 1.05;
}

interface ConditionState {
  images: readonly Buffer[];
  timings: SampleTiming[];
  totals: number[];
  measuredS: number;
  decision: StopDecision;
}

/**
 * Measures a block of conditions that share one model input shape (one resolution), interleaved:
 * one sample of each unfinished condition per round, closed loop, each condition rotating over
 * its own distinct images. Interleaving is the point: this machine's speed drifts by 5-25% over
 * tens of seconds (a bare `session.run` loop on one tensor drifts as much; an integer loop does
 * not, see docs/bench.md), so conditions measured one after another differed by the drift, not by
 * their images, and the cost model fitted that drift as an effect of objects or file size.
 * Interleaved, every condition of a block sees the same machine.
 *
 * The stop rule runs per condition on its own samples and its own measured time, so the suite's
 * `min_time_s`/`max_time_s` keep meaning "per condition"; a stopped condition leaves the rotation.
 *
 * Warm-up first, longer after a change of input shape: then the next few runs are slower
 * (onnxruntime re-plans its buffers; measured on ocr-det: 166-191 ms for 4 runs, then ~147 ms
 * steady at 1920x1080), a cost a serving unit pays once, not per request.
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
  const everyImage = block.flatMap((c) => c.images);
  const first = await runSample(adapter, session, everyImage[0]!);
  const shapeChanged = first.timing.inputShape !== hooks.previousInputShape;
  const warmupSamplesMs: number[] = [first.timing.totalMs];
  const warmup = Math.max(MIN_WARMUP_SAMPLES, shapeChanged ? SHAPE_CHANGE_WARMUP_SAMPLES : 0);
  // Elapsed warm-up is (now − start) on performance.now(), the same subtraction as the reported
  // warmupMs, so the reported warm-up is never short of warmupMinS, not even by a rounding.
  const warmupStartMs = first.timing.startMs;
  const minWarmupMs = (hooks.warmupMinS ?? 0) * 1000;
  for (let i = 1; i < warmup || (shapeChanged && !warmedUp(warmupSamplesMs)) || performance.now() - warmupStartMs < minWarmupMs; i++) {
    warmupSamplesMs.push((await runSample(adapter, session, everyImage[i % everyImage.length]!)).timing.totalMs);
  }

  const states: ConditionState[] = block.map((c) => ({
    images: c.images,
    timings: [],
    totals: [],
    measuredS: 0,
    decision: { stop: false },
  }));
  const start = performance.now();
  let samples = 0;
  let lastShape = first.timing.inputShape;
  let aborted = false;
  let firstMeasuredMs: number | undefined;
  while (!aborted && states.some((s) => !s.decision.stop)) {
    for (const s of states) {
      if (s.decision.stop) continue;
      if (hooks.signal?.aborted) {
        aborted = true;
        break;
      }
      const { timing } = await runSample(adapter, session, s.images[s.totals.length % s.images.length]!);
      firstMeasuredMs ??= timing.startMs;
      s.timings.push(timing);
      s.totals.push(timing.totalMs);
      s.measuredS += timing.totalMs / 1000;
      s.decision = shouldStop(s.totals, s.measuredS, settings);
      lastShape = timing.inputShape;
      samples++;
      hooks.onSample?.(samples, (performance.now() - start) / 1000);
    }
  }
  return {
    conditions: states.map((s) => (s.decision.stop ? summarise(s, s.decision) : null)),
    inputShape: lastShape,
    samples,
    wallS: (performance.now() - start) / 1000,
    warmupMs: (firstMeasuredMs ?? start) - warmupStartMs,
  };
}

function summarise(s: ConditionState, decision: Extract<StopDecision, { stop: true }>): ConditionMeasurement {
  const stats = computeStatistics(s.totals);
  const warnings: string[] = [];
  if (!decision.stable) warnings.push(`unstable: ${decision.reason}`);
  if (!stats.p99Reliable)
    warnings.push(`p99 from ${stats.n} samples (< ${MIN_SAMPLES_FOR_P99}) is the run's slowest sample, not a tail estimate`);
  const detectedCounts = s.timings.map((t) => t.detected).filter((d): d is number => d !== null);
  return {
    samples: s.totals.length,
    stats,
    stagesMs: {
      decode: mean(s.timings.map((t) => t.decodeMs)),
      preprocess: mean(s.timings.map((t) => t.preprocessMs)),
      infer: mean(s.timings.map((t) => t.inferMs)),
      postprocess: mean(s.timings.map((t) => t.postprocessMs)),
    },
    detected: detectedCounts.length ? mean(detectedCounts) : null,
    stable: decision.stable,
    measuredS: s.measuredS,
    warnings,
  };
}
