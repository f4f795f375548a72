// The machine's own noise floor: a bare session.run loop on one fixed input tensor for a given
// time, in a fresh process, as `bench` would measure it (same model, threads, image shape, and the
// same clock: process CPU time for one thread), with no decode, no pre/post-processing, no harness
// and no speed correction. Prints {"tps","runs","seconds"} as JSON.
// Used by repeatability.mjs; alone: node benchmarks/bare-infer.mjs ocr-det 1920x1080 4
import { performance } from 'node:perf_hooks';
import { requireBuild } from './lib.mjs';

requireBuild();
const { createSession, resolveModel } = await import('../build/bench/models/index.js');
const { cachedSynthesizeImage } = await import('../build/bench/images/index.js');
const { configureSharpForUnit } = await import('../build/bench/unit.js');
const { warmedUp } = await import('../build/bench/measure.js');

const [modelName = 'ocr-det', size = '1920x1080', secondsArg = '4'] = process.argv.slice(2);
const [width, height] = size.split('x').map(Number);
const seconds = Number(secondsArg);
configureSharpForUnit(1);
const adapter = await resolveModel(modelName);
const session = await createSession(adapter, 1);
const img = await cachedSynthesizeImage({ width, height, targetSizeMb: null, objects: 5, kind: 'text', variant: 0 });
const { feeds } = await adapter.preprocess(await adapter.decode(img.bytes));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
// The same warm-up as the engine gives a new input shape.
const warm = [];
while (!warmedUp(warm)) {
  const c0 = cpuMs();
  await session.run(feeds);
  warm.push(cpuMs() - c0);
}
let runs = 0;
let busyMs = 0;
const end = performance.now() + seconds * 1000;
while (performance.now() < end) {
  const c0 = cpuMs();
  await session.run(feeds);
  busyMs += cpuMs() - c0;
  runs++;
}
await session.release();
console.log(JSON.stringify({ tps: (runs * 1000) / busyMs, runs, seconds }));
