import { performance } from 'node:perf_hooks';
import type { InferenceSession } from 'onnxruntime-node';
import type { ModelAdapter } from './models/types.js';
import { runSample, type SampleTiming } from './pipeline.js';
import { computeStatistics, mean, MIN_SAMPLES_FOR_P99, type Statistics } from './stats.js';
import { shouldStop, type MeasureSettings } from './stop-rule.js';

export interface ConditionMeasurement {
  samples: number;
  stats: Statistics;
  stagesMs: { decode: number; preprocess: number; infer: number; postprocess: number };
  /** Mean detections per image; null for classification. */
  detected: number | null;
  stable: boolean;
  elapsedS: number;
  warnings: string[];
  /** Input shape of this condition's last run, for the next condition's warm-up. */
  inputShape: string;
}

export interface MeasureHooks {
  /** Called after each sample (for progress lines). */
  onSample?: (n: number, elapsedS: number) => void;
  /** When aborted, the condition is abandoned (returns null): a half-measured condition is not a result. */
  signal?: AbortSignal;
  /** Input shape of the session's previous run (see SampleTiming.inputShape), to size the warm-up. */
  previousInputShape?: string;
}

/** Unmeasured samples before each condition: one pass over its images, and at least this many. */
export const MIN_WARMUP_SAMPLES = 2;
/** ... and this many when the input shape changed since the session's previous run. */
export const SHAPE_CHANGE_WARMUP_SAMPLES = 6;

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

/**
 * Closed loop, one sample at a time, rotating over `images` (distinct encoded images of one
 * condition, so no single decoded buffer stays hot in a cache). Warm-up first, one pass over the
 * images, longer after a change of input shape: then the next few runs are slower (onnxruntime
 * re-plans its buffers; measured on ocr-det: 166-191 ms for 4 runs, then ~147 ms steady at
 * 1920x1080), a cost a serving unit pays once, not per request.
 */
export async function measureCondition(
  adapter: ModelAdapter,
  session: InferenceSession,
  images: readonly Buffer[],
  settings: MeasureSettings,
  hooks: MeasureHooks = {},
): Promise<ConditionMeasurement | null> {
  if (images.length === 0) throw new Error('measureCondition needs at least one image');
  const first = await runSample(adapter, session, images[0]!);
  const shapeChanged = first.timing.inputShape !== hooks.previousInputShape;
  const warmup = Math.max(MIN_WARMUP_SAMPLES, images.length, shapeChanged ? SHAPE_CHANGE_WARMUP_SAMPLES : 0);
  const warmupMs: number[] = [first.timing.totalMs];
  for (let i = 1; i < warmup || (shapeChanged && !warmedUp(warmupMs)); i++) {
    warmupMs.push((await runSample(adapter, session, images[i % images.length]!)).timing.totalMs);
  }
  const timings: SampleTiming[] = [];
  const totals: number[] = [];
  const start = performance.now();
  let decision: ReturnType<typeof shouldStop> = { stop: false };
  for (let i = 0; !decision.stop; i++) {
    if (hooks.signal?.aborted) return null;
    const { timing } = await runSample(adapter, session, images[i % images.length]!);
    timings.push(timing);
    totals.push(timing.totalMs);
    const elapsedS = (performance.now() - start) / 1000;
    hooks.onSample?.(totals.length, elapsedS);
    decision = shouldStop(totals, elapsedS, settings);
  }
  const elapsedS = (performance.now() - start) / 1000;
  const stats = computeStatistics(totals);
  const warnings: string[] = [];
  if (!decision.stable) warnings.push(`unstable: ${decision.reason}`);
  if (!stats.p99Reliable) warnings.push(`p99 from ${stats.n} samples (< ${MIN_SAMPLES_FOR_P99}) is the run's slowest sample, not a tail estimate`);
  const detectedCounts = timings.map((t) => t.detected).filter((d): d is number => d !== null);
  return {
    samples: totals.length,
    stats,
    stagesMs: {
      decode: mean(timings.map((t) => t.decodeMs)),
      preprocess: mean(timings.map((t) => t.preprocessMs)),
      infer: mean(timings.map((t) => t.inferMs)),
      postprocess: mean(timings.map((t) => t.postprocessMs)),
    },
    detected: detectedCounts.length ? mean(detectedCounts) : null,
    stable: decision.stable,
    elapsedS,
    warnings,
    inputShape: timings.at(-1)!.inputShape,
  };
}
