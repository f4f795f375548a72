import { performance } from 'node:perf_hooks';
import type { InferenceSession } from 'onnxruntime-node';
import type { ModelAdapter, ModelOutput } from './models/types.js';

/** One sample's stage times, ms, and what the model found. */
export interface SampleTiming {
  /** performance.now() when the sample started, ms: where a sample sits on the harness's one clock. */
  startMs: number;
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
 * decode from encoded bytes → preprocess → infer → postprocess. Each stage is timed with
 * performance.now() (monotonic, sub-µs); the total is first-to-last so nothing falls between stages.
 */
export async function runSample(
  adapter: ModelAdapter,
  session: InferenceSession,
  bytes: Buffer,
): Promise<{ timing: SampleTiming; output: ModelOutput }> {
  const t0 = performance.now();
  const image = await adapter.decode(bytes);
  const t1 = performance.now();
  const prepared = await adapter.preprocess(image);
  const t2 = performance.now();
  const outputs = await session.run(prepared.feeds);
  const t3 = performance.now();
  const output = adapter.postprocess(outputs, prepared.meta);
  const t4 = performance.now();
  return {
    timing: {
      startMs: t0,
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
