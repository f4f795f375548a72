#!/usr/bin/env node
// A local fleet for ocr-cls: `capacity-plan serve --units 1` vs `--units 2`, and the step search
// against each.
//  1. Capacity: 5 closed-loop users per unit through the real AWS SDK client keep every unit busy
//     (serve --queue 4 per unit, so no call is throttled); 1 and 2 units alternate twice, and the ratio is
//     of the means. Goal: 2 units ≥ 1.7 × 1 unit on a 2-core machine.
//  2. The step search with its defaults (start 1 TPS, doubling, 10% resolution), 1.5 s steps:
//     how many steps it takes to converge. Goal: ≤ 10.
//  3. bench on the same images, one unit, in the same run: the load test's TPS per unit for one
//     unit against it. Goal: within 15%. Measured twice: unpinned (client, serve and bench share
//     both cores as the OS schedules them), and pinned with taskset: the load generator on core
//     0, serve (its HTTP thread and the unit) on core 1, bench on core 1 alone, so the unit never
//     competes with its own client. The pinned ratio is the fair one on 2 cores.
//  5. The AWS sample's method (loadtest --method aws-sample, 14 s runs) pinned the same way: its
//     figure beside the step search's.
//  4. Why 2 units fall short of 2× here: the CPU per answered call in the client and in serve
//     (so the most any fleet answers on these cores), and bench --scaling (2 units with no HTTP).
// `npm run build && node benchmarks/serve-fleet.mjs`; writes benchmarks/results/serve-fleet.json.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DetectCustomLabelsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { cachedSynthesizeImage } from '../build/bench/images/index.js';
import { BIN, loadAverage, printTable, requireBuild, runCli, tempDir, writeResult } from './lib.mjs';

requireBuild();
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const SECONDS = 5;
const dir = tempDir();
const images = [];
for (let variant = 0; variant < 3; variant++) {
  const img = await cachedSynthesizeImage({ width: 640, height: 480, targetSizeMb: 0.1, objects: 0, kind: 'text', variant });
  images.push(img.bytes);
  (await import('node:fs')).writeFileSync(join(dir, `img-${variant}.jpg`), img.bytes);
}

/** `taskset -c CPUS` before a command when pinned; the command alone otherwise. */
const pinnedTo = (cpus, argv) => (cpus === undefined ? argv : ['taskset', '-c', cpus, ...argv]);
const PIN = { client: '0', unit: '1' };

async function startServe(units, cpus) {
  const [cmd, ...args] = pinnedTo(cpus, [
    process.execPath,
    BIN,
    'serve',
    '--units',
    String(units),
    '--model',
    'ocr-cls',
    '--queue',
    String(4 * units),
  ]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve) => child.stdout.once('data', (c) => resolve(/listening on (\S+)/.exec(c.toString())[1])));
  return { url, pid: child.pid, stop: () => new Promise((resolve) => (child.once('close', resolve), child.kill('SIGTERM'))) };
}

/** CPU time a process has used (all its threads), ms: /proc/PID/stat utime + stime, in clock ticks of 10 ms. */
function processCpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Where the CPU goes: the client (this process: SDK, signing, HTTP) and the serve process (its
 * HTTP thread and the units), per answered call, over one saturated run.
 */
async function saturatedTps(url, users, servePid) {
  const client0 = process.cpuUsage();
  const serve0 = processCpuMs(servePid);
  const rek = new RekognitionClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
    maxAttempts: 1,
  });
  // The model version serve runs by default.
  const ARN = 'arn:aws:rekognition:us-east-1:000000000000:project/capacity-plan-serve/version/capacity-plan-serve.serve/1';
  let done = 0;
  let throttled = 0;
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: users }, async (_, u) => {
      for (let i = u; performance.now() < end; i++) {
        try {
          await rek.send(new DetectCustomLabelsCommand({ ProjectVersionArn: ARN, Image: { Bytes: images[i % images.length] } }));
          done++;
        } catch {
          throttled++;
        }
      }
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  const client = process.cpuUsage(client0);
  const clientCpuMsPerCall = (client.user + client.system) / 1000 / done;
  const serveCpuMsPerCall = (processCpuMs(servePid) - serve0) / done;
  rek.destroy();
  return { tps: done / wallS, throttled, clientCpuMsPerCall, serveCpuMsPerCall };
}

const runs = [];
for (const units of [1, 2, 1, 2]) {
  const s = await startServe(units);
  const r = await saturatedTps(s.url, units * 5, s.pid);
  await s.stop();
  runs.push({ units, ...r });
  console.log(`${units} unit(s): ${r.tps.toFixed(1)} TPS (${r.throttled} throttled)`);
}
const meanTps = (u) => runs.filter((r) => r.units === u).reduce((a, r) => a + r.tps, 0) / 2;
const scaling = meanTps(2) / meanTps(1);

const searches = [];
for (const units of [1, 2]) {
  const s = await startServe(units);
  const out = join(dir, `lt-${units}.json`);
  try {
    runCli(['loadtest', '--endpoint', s.url, '--images', dir, '--step-s', '1.5', '--warmup-s', '0.3', '--format', 'json', '--out', out]);
  } finally {
    await s.stop();
  }
  const r = JSON.parse(readFileSync(out, 'utf8'));
  searches.push({
    units,
    steps: r.steps.length,
    stoppedBy: r.stoppedBy,
    highestCleanTps: r.highestCleanTps,
    tpsPerUnit: r.tpsPerUnit,
    levels: r.steps.map((st) => st.offeredTps),
  });
}

// bench measures one unit on the same three images; the load test rotates over them, so its TPS is their harmonic mean.
const suite = join(dir, 'suite.yaml');
(await import('node:fs')).writeFileSync(
  suite,
  `version: 1\nmodels: [ocr-cls]\nconditions: { images_dir: ${JSON.stringify(dir)}, per_image: true }\nmeasure: { min_time_s: 1, max_time_s: 3, target_rse_pct: 2 }\n`,
);
runCli(['bench', suite, '--out', join(dir, 'bench.json'), '--format', 'json', '--allow-path', dir]);
const benchConditions = JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8')).models[0].conditions;
// bench --scaling: two units side by side in one process, no HTTP and no client, on a synthetic
// image like the ones sent: what these cores give two units at best.
const scalingSuite = join(dir, 'scaling.yaml');
(await import('node:fs')).writeFileSync(
  scalingSuite,
  'version: 1\nunit: { threads: 1 }\nmodels: [ocr-cls]\nconditions:\n  resolutions: ["640x480"]\n  sizes_mb: { "640x480": [0.1] }\n  objects: [0]\nmeasure: { min_time_s: 0.5, max_time_s: 1 }\n',
);
runCli(['bench', scalingSuite, '--scaling', '--out', join(dir, 'scaling.json'), '--format', 'json']);
const benchScaling = JSON.parse(readFileSync(join(dir, 'scaling.json'), 'utf8')).scaling?.[0];
const benchScalingX = benchScaling
  ? benchScaling.runs.find((r) => r.units === 2).tps / benchScaling.runs.find((r) => r.units === 1).tps
  : null;
const benchTps = benchConditions.length / benchConditions.reduce((a, c) => a + 1 / c.tps, 0);
const loadtestTps = searches.find((x) => x.units === 1).tpsPerUnit;
const agreement = loadtestTps / benchTps;

/** A pinned CLI run (taskset), its JSON result file read back. */
function pinnedRun(cpus, args, out) {
  const [cmd, ...argv] = pinnedTo(cpus, [process.execPath, BIN, ...args, '--out', out, '--format', 'json']);
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${args[0]} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8'));
}

/** Client on core 0, serve on core 1; bench on core 1 alone. Twice, alternating, for the mean ratio. */
async function pinnedComparison() {
  const pairs = [];
  for (let round = 0; round < 2; round++) {
    const bench = pinnedRun(PIN.unit, ['bench', suite, '--allow-path', dir], join(dir, `bench-pinned-${round}.json`));
    const conditions = bench.models[0].conditions;
    const benchPinnedTps = conditions.length / conditions.reduce((a, c) => a + 1 / c.tps, 0);
    const s = await startServe(1, PIN.unit);
    let lt;
    try {
      lt = pinnedRun(
        PIN.client,
        ['loadtest', '--endpoint', s.url, '--images', dir, '--step-s', '1.5', '--warmup-s', '0.3'],
        join(dir, `lt-pinned-${round}.json`),
      );
    } finally {
      await s.stop();
    }
    pairs.push({
      benchTps: benchPinnedTps,
      loadtestTpsPerUnit: lt.tpsPerUnit,
      steps: lt.steps.length,
      ratio: lt.tpsPerUnit / benchPinnedTps,
    });
    console.log(
      `pinned round ${round + 1}: loadtest ${lt.tpsPerUnit?.toFixed(1)} TPS per unit / bench ${benchPinnedTps.toFixed(1)} TPS = ${(lt.tpsPerUnit / benchPinnedTps).toFixed(3)}×`,
    );
  }
  const s = await startServe(1, PIN.unit);
  let sample;
  try {
    sample = pinnedRun(
      PIN.client,
      ['loadtest', '--endpoint', s.url, '--images', dir, '--method', 'aws-sample', '--step-s', '14'],
      join(dir, 'lt-sample.json'),
    );
  } finally {
    await s.stop();
  }
  return {
    pairs,
    ratio: pairs.reduce((a, p) => a + p.ratio, 0) / pairs.length,
    awsSample: { tps: sample.awsSample?.maxTps ?? null, runs: sample.steps.length, stoppedBy: sample.stoppedBy },
  };
}
const pinned = await pinnedComparison();

console.log('');
printTable(
  ['units', 'capacity TPS (mean of 2)', 'vs 1 unit', 'search steps', 'stopped', 'highest clean TPS', 'TPS per unit'],
  [1, 2].map((u) => {
    const s = searches.find((x) => x.units === u);
    return [
      u,
      meanTps(u).toFixed(1),
      (meanTps(u) / meanTps(1)).toFixed(2) + '×',
      s.steps,
      s.stoppedBy,
      s.highestCleanTps?.toFixed(1) ?? '—',
      s.tpsPerUnit?.toFixed(1) ?? '—',
    ];
  }),
);
console.log(
  `\n2 units / 1 unit = ${scaling.toFixed(2)}× (goal ≥ 1.7); step search: ${searches.map((s) => s.steps).join(' and ')} steps (goal ≤ 10)`,
);
// The ceiling the machine sets whatever the number of units: its cores over the CPU one answered
// call costs in the client and in serve together (units and HTTP), measured on the 2-unit runs.
const twoUnit = runs.filter((r) => r.units === 2);
const cpuPerCall = (k) => twoUnit.reduce((a, r) => a + r[k], 0) / twoUnit.length;
const [clientMs, serveMs] = [cpuPerCall('clientCpuMsPerCall'), cpuPerCall('serveCpuMsPerCall')];
const inferMs = 1000 / benchTps;
const cores = (await import('node:os')).availableParallelism();
const ceilingTps = (cores * 1000) / (clientMs + serveMs);
console.log(
  `CPU per answered call (2 units): client ${clientMs.toFixed(2)} ms + serve ${serveMs.toFixed(2)} ms (of which a unit's pipeline is ${inferMs.toFixed(2)} ms, from bench) = ${(clientMs + serveMs).toFixed(2)} ms;` +
    ` ${cores} cores can answer at most ${ceilingTps.toFixed(0)} TPS = ${(ceilingTps / meanTps(1)).toFixed(2)}× one unit, whatever the number of units`,
);
if (benchScalingX !== null)
  console.log(`bench --scaling on the same images (no HTTP, no client): 2 units = ${benchScalingX.toFixed(2)}× one unit`);
console.log(
  `loadtest TPS per unit ${loadtestTps?.toFixed(1)} / bench ${benchTps.toFixed(1)} TPS on the same images = ${agreement.toFixed(2)}× unpinned (goal within 15%)`,
);
console.log('');
printTable(
  ['pinned (client core 0, serve and bench core 1)', 'bench TPS', 'loadtest TPS per unit', 'steps', 'loadtest / bench'],
  pinned.pairs.map((p, i) => [
    `round ${i + 1}`,
    p.benchTps.toFixed(1),
    p.loadtestTpsPerUnit?.toFixed(1) ?? '—',
    p.steps,
    p.ratio.toFixed(3) + '×',
  ]),
);
console.log(
  `pinned loadtest / bench = ${pinned.ratio.toFixed(3)}× (mean of ${pinned.pairs.length}; goal within 15%); AWS sample's figure, pinned: ${pinned.awsSample.tps?.toFixed(1) ?? '—'} TPS after ${pinned.awsSample.runs} run(s) (${pinned.awsSample.stoppedBy}); load average ${loadAverage().join(' ')}`,
);
writeResult('serve-fleet', {
  secondsPerRun: SECONDS,
  runs,
  scaling,
  scalingGoal: 1.7,
  cpuMsPerCall: { client: clientMs, serve: serveMs, unitPipelineFromBench: inferMs },
  cores,
  machineCeilingTps: ceilingTps,
  benchScalingX,
  searches,
  maxStepsGoal: 10,
  benchTps,
  loadtestTpsPerUnit: loadtestTps,
  agreement,
  agreementGoalPct: 15,
  pinned: { cpus: PIN, ...pinned },
});
