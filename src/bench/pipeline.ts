import { performance } from 'node:perf_hooks';
import type { InferenceSession } from 'onnxruntime-node';
import type { ModelAdapter, ModelOutput } from './models/types.js';

/**
 * What a sample's stages are timed with. `cpu`: the process's CPU time (user + system, all
 * threads): what the work costs, whatever else the machine runs; a unit with one thread never
 * works in parallel with itself, so its CPU time is its service time on a dedicated core. `wall`:
 * performance.now(), for units with more threads (they work in parallel, and their thread pool's
 * spinning would count as CPU time).
 */
export type Clock = 'cpu' | 'wall';

/** The clock a unit of `threads` intra-op threads is measured with (see Clock). */
export function clockFor(threads: number): Clock {
  return threads === 1 ? 'cpu' : 'wall';
}

function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const NOW: Record<Clock, () => number> = { cpu: cpuNowMs, wall: () => performance.now() };

/** One sample's stage times, ms in the clock it was run with, and what the model found. */
export interface SampleTiming {
  /** performance.now() when the sample started, ms: where a sample sits on the harness's one wall clock. */
  startMs: number;
  /** First to last on the wall clock, ms, whatever the stages were timed with. */
  wallMs: number;
  decodeMs: number;
  preprocessMs: number;
  inferMs: number;
  postprocessMs: number;
  totalMs: number;
  /** Detections reported; null for classification. */
  detected: number | null;
  /** The input tensors' shapes, e.g. "1x3x544x960": a change means onnxruntime re-plans its buffers. */
  inputShape: string;
}

/**
 * One sample = one image through the whole pipeline, as a serving unit handles a request:
 * decode from encoded bytes → preprocess → infer → postprocess. Each stage is timed with `clock`;
 * the total is first-to-last so nothing falls between stages.
 */
export async function runSample(
  adapter: ModelAdapter,
  session: InferenceSession,
  bytes: Buffer,
  clock: Clock = 'wall',
): Promise<{ timing: SampleTiming; output: ModelOutput }> {
  const now = NOW[clock];
  const wall0 = performance.now();
  const t0 = now();
  const image = await adapter.decode(bytes);
  const t1 = now();
  const prepared = await adapter.preprocess(image);
  const t2 = now();
  const outputs = await session.run(prepared.feeds);
  const t3 = now();
  const output = adapter.postprocess(outputs, prepared.meta);
  const t4 = now();
  return {
    timing: {
      startMs: wall0,
      wallMs: performance.now() - wall0,
      decodeMs: t1 - t0,
      preprocessMs: t2 - t1,
      inferMs: t3 - t2,
      postprocessMs: t4 - t3,
      totalMs: t4 - t0,
      detected: output.kind === 'detection' ? output.detections.length : null,
      inputShape: Object.values(prepared.feeds)
        .map((t) => t.dims.join('x'))
        .join(','),
    },
    output,
  };
}
