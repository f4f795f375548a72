// The machine's own noise floor: a bare session.run loop on one fixed input tensor for a given
// time, in a fresh process, as `bench` would measure it (same model, threads, image shape), with no
// decode, no pre/post-processing and no harness. Prints {"tps","runs","seconds"} as JSON.
// Used by repeatability.mjs; alone: node benchmarks/bare-infer.mjs ocr-det 1920x1080 4
import { performance } from 'node:perf_hooks';
import { requireBuild } from './lib.mjs';

requireBuild();
const { createSession, resolveModel } = await import('../build/bench/models/index.js');
const { cachedSynthesizeImage } = await import('../build/bench/images/index.js');
const { configureSharpForUnit } = await import('../build/bench/unit.js');
const { SHAPE_CHANGE_WARMUP_SAMPLES } = await import('../build/bench/measure.js');

const [modelName = 'ocr-det', size = '1920x1080', secondsArg = '4'] = process.argv.slice(2);
const [width, height] = size.split('x').map(Number);
const seconds = Number(secondsArg);
configureSharpForUnit(1);
const adapter = await resolveModel(modelName);
const session = await createSession(adapter, 1);
const img = await cachedSynthesizeImage({ width, height, targetSizeMb: null, objects: 5, kind: 'text', variant: 0 });
const { feeds } = await adapter.preprocess(await adapter.decode(img.bytes));
// The same warm-up as the engine gives a new input shape.
for (let i = 0; i < SHAPE_CHANGE_WARMUP_SAMPLES; i++) await session.run(feeds);
let runs = 0;
let busyMs = 0;
const end = performance.now() + seconds * 1000;
while (performance.now() < end) {
  const t0 = performance.now();
  await session.run(feeds);
  busyMs += performance.now() - t0;
  runs++;
}
await session.release();
console.log(JSON.stringify({ tps: (runs * 1000) / busyMs, runs, seconds }));
