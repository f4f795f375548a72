// Wall time and peak memory of the CLI: `bench --quick` (both built-ins) ≤ 10 s, the default sweep
// ≤ 45 s, peak RSS of the default sweep ≤ 1.5 GB. Each run starts with an empty image cache (the
// first run a user makes), and once more with the cache warm.
// Usage: node benchmarks/wall-time.mjs [--quick-only]
import { join } from 'node:path';
import { loadAverage, printTable, requireBuild, runCli, tempDir, writeResult } from './lib.mjs';

requireBuild();
const quickOnly = process.argv.includes('--quick-only');
const cases = [
  { name: 'bench --quick', args: ['--quick'], limitS: 10 },
  ...(quickOnly ? [] : [{ name: 'bench (default sweep)', args: [], limitS: 45, rssLimitMb: 1536 }]),
];
const rows = [];
for (const c of cases) {
  const cache = tempDir('capacity-plan-cache-');
  for (const cacheState of ['cold', 'warm']) {
    const dir = tempDir();
    const r = runCli(['bench', ...c.args, '--out', join(dir, 'r.json')], { cwd: dir, env: { CAPACITY_PLAN_CACHE_DIR: cache } });
    const pass = r.wallS <= c.limitS && (c.rssLimitMb === undefined || (r.maxRssMb ?? 0) <= c.rssLimitMb);
    rows.push({
      case: c.name,
      cache: cacheState,
      wallS: r.wallS,
      limitS: c.limitS,
      maxRssMb: r.maxRssMb,
      rssLimitMb: c.rssLimitMb ?? null,
      load1: loadAverage()[0],
      pass,
    });
    console.error(`${c.name} (${cacheState} cache): ${r.wallS.toFixed(1)} s`);
  }
}
printTable(
  ['case', 'image cache', 'wall s', 'limit s', 'peak RSS MB', 'RSS limit MB', 'load avg', 'pass'],
  rows.map((r) => [
    r.case,
    r.cache,
    r.wallS.toFixed(1),
    r.limitS,
    r.maxRssMb?.toFixed(0) ?? 'n/a',
    r.rssLimitMb ?? '—',
    r.load1,
    r.pass ? 'PASS' : 'FAIL',
  ]),
);
writeResult('wall-time', { rows });
