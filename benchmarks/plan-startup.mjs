#!/usr/bin/env node
// Cold-start CPU time of `capacity-plan plan` (a fresh node process per run), as a ratio to
// `node -e 0`: the floor no Node CLI can beat. Target on Node 20 (no compile cache): plan ≤ 3× that floor.
//   npm run build && node benchmarks/plan-startup.mjs [workload.yaml] [--runs N]
// Prints a table and writes benchmarks/results/plan-startup.json.
//
// CPU, not wall time: on a shared machine wall time mostly measures the neighbours. Each child
// reports its own user+sys CPU (getrusage via process.cpuUsage(), µs, all threads) from an exit
// hook preloaded with -r into every case alike, `node -e 0` included; /proc's per-child figures
// count in 10 ms ticks, too coarse for a 60 ms process, so they serve only as a cross-check of
// the mean. Cases run round-robin so a change in load hits every case alike.
//
// The bin turns on Node's own compile cache where Node has one (22.1+), so three kinds of start
// are measured: with the cache, the first start (no cache yet), and with it turned off
// (NODE_DISABLE_COMPILE_CACHE=1); on Node 20 the three are the same start. The caches live in a
// folder of this run's own.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, loadAverage, printTable, requireBuild, tempDir, writeResult } from './lib.mjs';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 21;
const workload = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs') ?? 'examples/workloads/shelf-audit.yaml';
const TARGET_RATIO = 3;

requireBuild();
const dir = tempDir('capacity-plan-startup-');
const reportFile = join(dir, 'cpu');
const preload = join(dir, 'report-cpu.cjs');
writeFileSync(
  preload,
  `process.on('exit', () => { const u = process.cpuUsage(); require('node:fs').writeFileSync(${JSON.stringify(reportFile)}, String(u.user + u.system)); });\n`,
);

const cache = join(dir, 'compile-cache');
const firstCache = join(dir, 'first-start-cache');
const plan = [BIN, 'plan', workload];
const cases = [
  { name: 'node -e 0', argv: ['-e', '0'] },
  { name: 'capacity-plan --version', argv: [BIN, '--version'] },
  { name: `capacity-plan plan ${workload}`, argv: plan, headline: true },
  { name: `capacity-plan plan ${workload} -f json`, argv: [...plan, '-f', 'json'] },
  { name: `capacity-plan validate ${workload}`, argv: [BIN, 'validate', workload] },
  { name: `capacity-plan gate ${workload}`, argv: [BIN, 'gate', workload] },
  {
    name: `plan, first start (no cache yet; writes it)`,
    argv: plan,
    env: { NODE_COMPILE_CACHE: firstCache },
    before: () => rmSync(firstCache, { recursive: true, force: true }),
  },
  { name: `plan, cache off (NODE_DISABLE_COMPILE_CACHE=1)`, argv: plan, env: { NODE_DISABLE_COMPILE_CACHE: '1' } },
];

/** User+sys CPU of this process's reaped children, in ms, from /proc (10 ms ticks); null off Linux. */
function childrenCpuMs() {
  if (!existsSync('/proc/self/stat')) return null;
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10; // cutime, cstime (fields 16, 17)
}

function runOnce(c) {
  rmSync(reportFile, { force: true });
  c.before?.();
  const ticks0 = childrenCpuMs();
  const { NODE_DISABLE_COMPILE_CACHE: _, ...inherited } = process.env;
  const env = { ...inherited, NO_COLOR: '1', NODE_COMPILE_CACHE: cache, ...c.env };
  const r = spawnSync(process.execPath, ['-r', preload, ...c.argv], { cwd: ROOT, encoding: 'utf8', env });
  const ticks1 = childrenCpuMs();
  // gate exits 1 when a rule fails; that is a verdict, not a failure of the run.
  if (r.status !== 0 && !(c.argv[1] === 'gate' && r.status === 1)) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
  return { cpuMs: Number(readFileSync(reportFile, 'utf8')) / 1000, procCpuMs: ticks0 === null ? null : ticks1 - ticks0 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const samples = cases.map(() => ({ cpuMs: [], procCpuMs: [] }));
try {
  for (const c of cases) runOnce(c); // one untimed run each: node and the files into the OS cache, each command's code cache written
  for (let i = 0; i < RUNS; i++) {
    for (const [k, c] of cases.entries()) {
      const r = runOnce(c);
      samples[k].cpuMs.push(r.cpuMs);
      if (r.procCpuMs !== null) samples[k].procCpuMs.push(r.procCpuMs);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const results = cases.map((c, k) => {
  const s = samples[k];
  const sorted = [...s.cpuMs].sort((a, b) => a - b);
  return {
    name: c.name,
    runs: RUNS,
    medianCpuMs: median(s.cpuMs),
    minCpuMs: sorted[0],
    maxCpuMs: sorted.at(-1),
    procMeanCpuMs: s.procCpuMs.length ? s.procCpuMs.reduce((a, b) => a + b, 0) / s.procCpuMs.length : null,
    samplesCpuMs: s.cpuMs,
  };
});
const floor = results[0].medianCpuMs;
for (const r of results) r.ratioToNode = r.medianCpuMs / floor;

const f = (x) => (x === null ? 'n/a' : x.toFixed(1));
printTable(
  ['command', 'runs', 'median CPU ms', 'min', 'max', 'mean (/proc)', '× node -e 0'],
  results.map((r) => [r.name, r.runs, f(r.medianCpuMs), f(r.minCpuMs), f(r.maxCpuMs), f(r.procMeanCpuMs), r.ratioToNode.toFixed(2)]),
);
const headline = results[cases.findIndex((c) => c.headline)];
const first = results.at(-2);
const off = results.at(-1);
const met = headline.ratioToNode <= TARGET_RATIO;
console.log(
  `\nplan: ${headline.ratioToNode.toFixed(2)}× node -e 0 in CPU time; target ≤ ${TARGET_RATIO}×: ${met ? 'met' : 'NOT met'} (load average ${loadAverage().join(' ')})`,
);
console.log(`plan's first start ${first.ratioToNode.toFixed(2)}×, with the cache off ${off.ratioToNode.toFixed(2)}×`);
writeResult('plan-startup', {
  node: process.version,
  workload,
  targetRatio: TARGET_RATIO,
  targetMet: met,
  ratio: headline.ratioToNode,
  firstStartRatio: first.ratioToNode,
  cacheOffRatio: off.ratioToNode,
  results,
});
if (!met) process.exitCode = 1;
