#!/usr/bin/env node
// Cold-start time of `capacity-plan plan` (a fresh node process per run), against `node -e ''`
// as the floor no CLI can beat. Run after `npm run build`:
//   node benchmarks/plan-startup.mjs [workload.yaml] [--runs N]
// Prints a table and writes benchmarks/results/plan-startup.json. Compare ratios within one run:
// absolute figures move with machine load.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable } from 'markdown-table';
import writeFileAtomic from 'write-file-atomic';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 20;
const workload = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs') ?? 'examples/workloads/shelf-audit.yaml';
const TARGET_MS = 500;

const cases = [
  { name: "node -e ''", argv: ['-e', ''] },
  { name: 'capacity-plan --version', argv: ['bin/capacity-plan.js', '--version'] },
  { name: `capacity-plan plan ${workload}`, argv: ['bin/capacity-plan.js', 'plan', workload] },
  { name: `capacity-plan plan ${workload} -f json`, argv: ['bin/capacity-plan.js', 'plan', workload, '-f', 'json'] },
];

function timeOnce(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

// Nearest-rank percentile: 20 samples do not justify interpolation (and this script must not
// import the project's own code, so that it measures the built CLI only).
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

const results = [];
for (const c of cases) timeOnce(c.argv); // one untimed run each: load node and the files into the OS cache
for (const c of cases) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(timeOnce(c.argv));
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  results.push({ name: c.name, runs: RUNS, meanMs: mean, p50Ms: percentile(sorted, 50), p90Ms: percentile(sorted, 90), maxMs: sorted.at(-1), samplesMs: samples });
}
const base = results[0].p50Ms;
const f = (x) => x.toFixed(1);
console.log(
  markdownTable(
    [['command', 'runs', 'mean ms', 'p50 ms', 'p90 ms', 'max ms', 'p50 / node -e'], ...results.map((r) => [r.name, String(r.runs), f(r.meanMs), f(r.p50Ms), f(r.p90Ms), f(r.maxMs), (r.p50Ms / base).toFixed(2)])],
    { align: ['l', 'r', 'r', 'r', 'r', 'r', 'r'] },
  ),
);
const plan = results[2];
const verdict = plan.p90Ms < TARGET_MS ? 'under' : 'OVER';
console.log(`\nplan p90 ${f(plan.p90Ms)} ms: ${verdict} the ${TARGET_MS} ms target (cold process, warm OS file cache; shared machine, so figures are noisy).`);

const out = join(ROOT, 'benchmarks/results/plan-startup.json');
mkdirSync(dirname(out), { recursive: true });
await writeFileAtomic(
  out,
  JSON.stringify({ benchmark: 'plan-startup', createdAt: new Date().toISOString(), node: process.version, targetMs: TARGET_MS, workload, results }, null, 2) + '\n',
);
console.log(`wrote ${out}`);
if (plan.p90Ms >= TARGET_MS) process.exitCode = 1;
