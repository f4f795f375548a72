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
  rsePct: number;
  elapsedS: number;
  warnings: string[];
}

export interface MeasureHooks {
  /** Called after each sample (for progress lines). */
  onSample?: (n: number, elapsedS: number) => void;
  /** When aborted, the condition is abandoned (returns null): a half-measured condition is not a result. */
  signal?: AbortSignal;
}

/**
 * Closed loop, one sample at a time, rotating over `images` (distinct encoded images of one
 * condition, so no single decoded buffer stays hot in a cache). One warm-up sample first: the
 * first run at a new input shape pays ORT's allocation planning, which a serving unit pays once.
 */
export async function measureCondition(
  adapter: ModelAdapter,
  session: InferenceSession,
  images: readonly Buffer[],
  settings: MeasureSettings,
  hooks: MeasureHooks = {},
): Promise<ConditionMeasurement | null> {
  if (images.length === 0) throw new Error('measureCondition needs at least one image');
  await runSample(adapter, session, images[0]!);
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
    rsePct: decision.rsePct,
    elapsedS,
    warnings,
  };
}
