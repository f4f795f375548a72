import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { createAdapter, type ResolvedModel } from './models/adapter.js';
import { createSession } from './models/index.js';
import { runSample } from './pipeline.js';
import { configureSharpForUnit } from './unit.js';

/** One unit in its own thread: its own session, closed loop over the condition's images, for a fixed time once told to go. */
export interface ScalingWorkerInput {
  model: ResolvedModel;
  threads: number;
  images: Uint8Array[];
}

const input = workerData as ScalingWorkerInput;
configureSharpForUnit(input.threads);
const adapter = createAdapter(input.model);
const session = await createSession(adapter, input.threads);
const images = input.images.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
await runSample(adapter, session, images[0]!); // first run: not counted
parentPort!.postMessage({ type: 'ready' });
parentPort!.once('message', async (msg: { durationS: number }) => {
  const start = performance.now();
  const endAt = start + msg.durationS * 1000;
  let samples = 0;
  while (performance.now() < endAt) {
    await runSample(adapter, session, images[samples % images.length]!);
    samples++;
  }
  const elapsedS = (performance.now() - start) / 1000;
  await session.release();
  parentPort!.postMessage({ type: 'done', samples, elapsedS });
});
