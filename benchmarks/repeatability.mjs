// Repeatability: 5 runs of `bench --quick --model ocr-det`; coefficient of variation of TPS across
// runs for each 1920x1080 condition. Target ≤ 3%.  Usage: node benchmarks/repeatability.mjs [runs]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAverage, printTable, requireBuild, runCli, tempDir, writeResult } from './lib.mjs';

requireBuild();
const { cvPct, mean } = await import('../dist/bench/stats.js');
const runs = Number(process.argv[2] ?? 5);
const dir = tempDir();
const tpsById = new Map();
const loads = [];
for (let i = 0; i < runs; i++) {
  const out = join(dir, `run-${i}.json`);
  runCli(['bench', '--quick', '--model', 'ocr-det', '--out', out]);
  loads.push(loadAverage()[0]);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  for (const c of result.models[0].conditions.filter((c) => c.width === 1920 && c.height === 1080)) {
    if (!tpsById.has(c.id)) tpsById.set(c.id, []);
    tpsById.get(c.id).push(c.tps);
  }
  console.error(`run ${i + 1}/${runs} done`);
}
const rows = [...tpsById].map(([id, tps]) => ({ id, tps, mean: mean(tps), cvPct: cvPct(tps) }));
printTable(['condition', ...Array.from({ length: runs }, (_, i) => `run ${i + 1}`), 'mean TPS', 'CV %'], rows.map((r) => [r.id, ...r.tps.map((t) => t.toFixed(2)), r.mean.toFixed(2), r.cvPct.toFixed(2)]));
const worst = Math.max(...rows.map((r) => r.cvPct));
console.log(`\nworst CV ${worst.toFixed(2)}% (target ≤ 3%) → ${worst <= 3 ? 'PASS' : 'FAIL'}; 1-min load average after each run: ${loads.join(', ')}`);
writeResult('repeatability', { runs, conditions: rows, worstCvPct: worst, target: 3, pass: worst <= 3, loadAverages: loads });
