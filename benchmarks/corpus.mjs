// A photo folder measured as a corpus in bounded time: 1,000 generated images (0.1-0.3 MB JPEGs,
// 640x480 to 1024x768, text scenes from the project's image generator, each a distinct variant)
// measured by `bench` with images_dir as a corpus. Goal: the bench run
// (images read, drawn at random until the corpus mean is within 2% RSE or corpus_max_time_s)
// takes ≤ 60 s. Image generation is timed apart: it is this benchmark's setup, not the user's.
//
// Usage: node benchmarks/corpus.mjs [images] [model]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadAverage, printTable, requireBuild, runCli, tempDir, writeResult } from './lib.mjs';

requireBuild();
const { synthesizeImage } = await import('../build/bench/images/synth.js');
const count = Number(process.argv[2] ?? 1000);
const model = process.argv[3] ?? 'ocr-cls';
const dir = tempDir();
mkdirSync(join(dir, 'photos'));
const SIZES = [
  [640, 480],
  [800, 600],
  [1024, 768],
];
const t0 = performance.now();
let made = 0;
for (let i = 0; made < count && i < count * 3; i++) {
  const [width, height] = SIZES[i % SIZES.length];
  const targetSizeMb = 0.1 + (0.2 * ((i * 7919) % 101)) / 100;
  const img = await synthesizeImage({ width, height, targetSizeMb, objects: i % 8, kind: 'text', variant: i });
  if ('skipped' in img) continue;
  writeFileSync(join(dir, 'photos', `img-${String(made).padStart(4, '0')}.jpg`), img.bytes);
  made++;
}
const generateS = (performance.now() - t0) / 1000;
console.error(`${made} images generated in ${generateS.toFixed(1)} s`);
writeFileSync(
  join(dir, 'suite.yaml'),
  `version: 1\nmodels: [${model}]\nconditions: { images_dir: photos, corpus_max_time_s: 45 }\nmeasure: { target_rse_pct: 2 }\n`,
);
const loadBefore = loadAverage();
const run = runCli(['bench', 'suite.yaml', '--out', 'r.json'], { cwd: dir });
const loadAfter = loadAverage();
const { readFileSync } = await import('node:fs');
const c = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).models[0].corpus;
printTable(
  ['images', 'model', 'bench wall s', 'samples', 'distinct', 'mean ms', 'p50', 'p90', 'p99', 'RSE %', 'stable', 'TPS'],
  [
    [
      c.images,
      model,
      run.wallS.toFixed(1),
      c.samples,
      c.distinctImages,
      c.latencyMs.mean.toFixed(1),
      c.latencyMs.p50.toFixed(1),
      c.latencyMs.p90.toFixed(1),
      c.latencyMs.p99.toFixed(1),
      c.rsePct.toFixed(2),
      c.stable,
      c.tps.toFixed(2),
    ],
  ],
);
const pass = run.wallS <= 60;
console.log(
  `bench on ${c.images} images: ${run.wallS.toFixed(1)} s (goal ≤ 60 s) → ${pass ? 'PASS' : 'FAIL'}; generation ${generateS.toFixed(1)} s apart; 1-min load average ${loadBefore[0]} → ${loadAfter[0]} (2 cores)`,
);
writeResult('corpus', {
  images: c.images,
  model,
  wallS: run.wallS,
  maxRssMb: run.maxRssMb,
  generateS,
  corpus: c,
  pass,
  loadBefore,
  loadAfter,
});
