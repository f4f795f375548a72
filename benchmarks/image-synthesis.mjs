// Image synthesis speed: fresh generation (size search included) and cache hits, per default
// resolution and size, at 0 and 50 text lines. Goal: a fresh 1920x1080 image in < 0.3 s, a cache
// hit in a few ms. Uses a throw-away cache dir, one libvips thread (as one unit would).
// Usage: npm run build && node benchmarks/image-synthesis.mjs [variants]
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { loadAverage, printTable, requireBuild, tempDir, writeResult } from './lib.mjs';

requireBuild();
const { cachedSynthesizeImage, DEFAULT_RESOLUTIONS, DEFAULT_SIZES_MB } = await import('../build/bench/images/index.js');

const variants = Number(process.argv[2] ?? 3);
sharp.concurrency(1);
const dir = tempDir('capacity-plan-image-cache-');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// Warm the font and libvips once so the first row isn't charged for loading them.
await cachedSynthesizeImage({ width: 64, height: 64, targetSizeMb: null, objects: 1, kind: 'text', variant: 0 }, { dir });

const rows = [];
for (const { width, height } of DEFAULT_RESOLUTIONS) {
  for (const targetSizeMb of DEFAULT_SIZES_MB[`${width}x${height}`]) {
    for (const objects of [0, 50]) {
      const fresh = [];
      const freshCpu = [];
      const hit = [];
      let worstErrPct = 0;
      for (let variant = 0; variant < variants; variant++) {
        const spec = { width, height, targetSizeMb, objects, kind: 'text', variant };
        let t = performance.now();
        const c = cpuMs();
        const img = await cachedSynthesizeImage(spec, { dir });
        fresh.push(performance.now() - t);
        freshCpu.push(cpuMs() - c);
        t = performance.now();
        await cachedSynthesizeImage(spec, { dir });
        hit.push(performance.now() - t);
        if (!('skipped' in img)) worstErrPct = Math.max(worstErrPct, (Math.abs(img.sizeMb - targetSizeMb) / targetSizeMb) * 100);
      }
      rows.push({
        resolution: `${width}x${height}`,
        targetSizeMb,
        objects,
        freshMs: median(fresh),
        freshCpuMs: median(freshCpu),
        hitMs: median(hit),
        worstSizeErrPct: worstErrPct,
      });
    }
  }
}

printTable(
  ['resolution', 'target MB', 'lines', 'fresh ms (median)', 'fresh CPU ms', 'cache hit ms', 'worst size error %'],
  rows.map((r) => [
    r.resolution,
    r.targetSizeMb,
    r.objects,
    r.freshMs.toFixed(0),
    r.freshCpuMs.toFixed(0),
    r.hitMs.toFixed(1),
    r.worstSizeErrPct.toFixed(1),
  ]),
);
console.log(
  `\nload average ${loadAverage().join(' ')} on ${variants} variants per row; wall times on a shared machine are noisy, CPU time less so.`,
);
writeResult('image-synthesis', { variants, rows });
