// Harness overhead: infer-only TPS through the engine's measurement loop / a bare session.run loop,
// same session, same input tensor, same threads. Target ≥ 0.97. Runs alternate (bare, engine, …)
// so drift on a shared machine hits both sides alike.  Usage: node benchmarks/harness-overhead.mjs [model] [rounds]
import { performance } from 'node:perf_hooks';
import { printTable, requireBuild, writeResult } from './lib.mjs';

requireBuild();
const { createSession, resolveModel } = await import('../build/bench/models/index.js');
const { cachedSynthesizeImage } = await import('../build/bench/images/index.js');
const { measureBlock } = await import('../build/bench/measure.js');
const { configureSharpForUnit } = await import('../build/bench/unit.js');

const modelName = process.argv[2] ?? 'ocr-cls';
const rounds = Number(process.argv[3] ?? 10);
const threads = 1;
const seconds = 1;
configureSharpForUnit(threads);
const adapter = await resolveModel(modelName);
const session = await createSession(adapter, threads);
const img = await cachedSynthesizeImage({ width: 640, height: 480, targetSizeMb: null, objects: 5, kind: 'text', variant: 0 });
const prepared = await adapter.preprocess(await adapter.decode(img.bytes));
for (let i = 0; i < 5; i++) await session.run(prepared.feeds);

async function bare() {
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    await session.run(prepared.feeds);
    n++;
  }
  return (n * 1000) / (performance.now() - t0);
}

// The engine's loop (timing, stop rule, statistics) around an adapter whose decode, preprocess and
// postprocess do nothing: what is left is the harness itself around session.run.
const inferOnly = {
  ...adapter,
  decode: async () => ({ data: Buffer.alloc(0), width: 1, height: 1, channels: 3 }),
  preprocess: async () => prepared,
  postprocess: () => ({ kind: 'classification', top: [] }),
};
async function engine() {
  const block = await measureBlock(inferOnly, session, [{ id: 'infer-only', images: [img.bytes] }], {
    minSamples: 10,
    minTimeS: seconds,
    maxTimeS: seconds,
    targetRsePct: 0.000001,
  });
  const m = block.conditions[0];
  return { tps: 1000 / m.stats.mean, wallTps: block.samples / block.wallS };
}

const rows = [];
for (let r = 0; r < rounds; r++) {
  const b = await bare();
  const e = await engine();
  rows.push({ round: r + 1, bareTps: b, engineTps: e.tps, engineWallTps: e.wallTps, ratio: e.tps / b, wallRatio: e.wallTps / b });
}
await session.release();
const sum = (k) => rows.reduce((s, x) => s + x[k], 0);
const ratio = sum('engineTps') / sum('bareTps');
const wallRatio = sum('engineWallTps') / sum('bareTps');
const ratios = rows.map((x) => x.ratio).sort((a, b) => a - b);
const medianRatio = ratios.length % 2 ? ratios[(ratios.length - 1) / 2] : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
printTable(
  ['round', 'bare TPS', 'engine TPS (1000/mean ms)', 'engine TPS (samples/wall s)', 'ratio', 'wall ratio'],
  rows.map((x) => [
    x.round,
    x.bareTps.toFixed(1),
    x.engineTps.toFixed(1),
    x.engineWallTps.toFixed(1),
    x.ratio.toFixed(3),
    x.wallRatio.toFixed(3),
  ]),
);
console.log(
  `\n${modelName}, ${threads} thread: engine/bare = ${ratio.toFixed(3)} over all rounds, median round ${medianRatio.toFixed(3)} (by samples/wall time: ${wallRatio.toFixed(3)}); target ≥ 0.97 → ${ratio >= 0.97 ? 'PASS' : 'FAIL'}`,
);
writeResult(`harness-overhead-${modelName}`, {
  model: modelName,
  threads,
  secondsPerRun: seconds,
  rounds: rows,
  ratio,
  medianRatio,
  wallRatio,
  target: 0.97,
  pass: ratio >= 0.97,
});
