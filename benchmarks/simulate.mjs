#!/usr/bin/env node
// Speed of the simulator on a year at one-minute resolution (525,600 points) and of the Min/Max
// search over it. Runs against the build: `npm run build && node benchmarks/simulate.mjs`.
// Prints a table and writes benchmarks/results/simulate.json. Targets: simulate < 1 s, search < 10 s.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { simulate } from '../build/simulate/engine.js';
import { searchMinMax } from '../build/simulate/search.js';
import { parseTrace } from '../build/workload/trace.js';
import { simulateWorkload } from '../build/simulate/result.js';
import { seriesFromTrace } from '../build/workload/series.js';
import { parseWorkload } from '../build/workload/parse.js';
import { resolveWorkload } from '../build/workload/resolve.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const YEAR_MINUTES = 365 * 24 * 60;

/** A year of traffic: a daily curve, quieter weekends, slow growth, and deterministic noise. */
function yearDemand(peakTps) {
  const d = new Float64Array(YEAR_MINUTES);
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let m = 0; m < YEAR_MINUTES; m++) {
    const h = (m % 1440) / 60;
    const weekday = Math.floor(m / 1440) % 7 < 5 ? 1 : 0.6;
    const daily = h >= 6 && h <= 22 ? Math.sin((Math.PI * (h - 6)) / 16) : 0;
    const growth = 0.8 + 0.2 * (m / YEAR_MINUTES);
    d[m] = peakTps * (0.1 + 0.85 * daily * weekday * growth) * (0.95 + 0.1 * rand());
  }
  return d;
}

function time(fn, repeat) {
  const ms = [];
  let out;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    out = fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { medianMs: ms[Math.floor(ms.length / 2)], minMs: ms[0], maxMs: ms[ms.length - 1], runs: repeat, out };
}

const rows = [];
for (const peakTps of [100, 1000]) {
  const demandTps = yearDemand(peakTps);
  const base = { demandTps, tpsPerUnit: 10, capTps: 8, scaleUpMinutes: 15, scaleDownMinutes: 15, zones: 3 };
  const upper = Math.ceil(peakTps / 8);
  const sim = time(() => simulate({ ...base, minUnits: 2, maxUnits: upper }), 7);
  const simOutage = time(
    () =>
      simulate({
        ...base,
        minUnits: 2,
        maxUnits: upper,
        zoneOutage: { startMinute: 200_000, durationMinutes: 120 },
        unitFailureMinute: 300_000,
      }),
    7,
  );
  const search = time(() => searchMinMax({ base, floorUnits: 2, maxThrottledPct: 0.1 }), 3);
  rows.push({ case: `simulate a year, peak ${peakTps} TPS`, points: YEAR_MINUTES, ...pick(sim), target: '< 1000 ms' });
  rows.push({
    case: `simulate a year + zone outage + unit failure, peak ${peakTps} TPS`,
    points: YEAR_MINUTES,
    ...pick(simOutage),
    target: '< 1000 ms',
  });
  rows.push({
    case: `Min/Max search over a year, peak ${peakTps} TPS (found ${search.out.minUnits}/${search.out.maxUnits}, ${search.out.simulations} simulations)`,
    points: YEAR_MINUTES,
    ...pick(search),
    target: '< 10000 ms',
  });
}

// Reading a year-long one-minute trace (CSV text already in memory).
const lines = ['timestamp,rps'];
const start = Date.UTC(2025, 0, 1);
const d = yearDemand(100);
for (let m = 0; m < YEAR_MINUTES; m++) lines.push(`${new Date(start + m * 60_000).toISOString()},${d[m].toFixed(2)}`);
const csv = lines.join('\n');
const parse = time(() => parseTrace(csv, 'year.csv'), 3);
rows.push({
  case: `parse a year-long one-minute trace (${(csv.length / 1e6).toFixed(1)} MB CSV)`,
  points: YEAR_MINUTES,
  ...pick(parse),
  target: '(none)',
});

// The whole simulate command's computation on a parsed year trace: headline run, three strategies,
// the search and the static pair (no file I/O or formatting).
const { workload } = parseWorkload(
  'version: 1\nname: bench\nmodel: {task: classification, tps_per_unit: 10}\nimages: [{share: 1, width: 640, height: 480, size_mb: 0.2}]\ntraffic: {peak_tps: 100}\nschedule: {hours_per_day: 16, days_per_week: 5}\n',
  'bench.yaml',
);
const trace = parse.out;
const yearSeries = seriesFromTrace(trace.demandTps, trace.startEpochMs);
const whole = time(
  () =>
    simulateWorkload(
      resolveWorkload(workload, {
        tpsSource: { kind: 'constant', tpsPerUnit: 10 },
        price: { pricePerUnitHourUsd: 4, priceSource: 'bench' },
        overTime: { series: yearSeries, source: 'year.csv' },
      }),
      { series: yearSeries, source: 'year.csv' },
      { zoneOutage: { startMinute: 200_000, durationMinutes: 120 } },
    ),
  3,
);
rows.push({
  case: 'simulate command core on the year trace (schedule, 3 strategies, search, outage)',
  points: YEAR_MINUTES,
  ...pick(whole),
  target: '(none)',
});

function pick(t) {
  return { medianMs: round(t.medianMs), minMs: round(t.minMs), maxMs: round(t.maxMs), runs: t.runs };
}
function round(x) {
  return Math.round(x * 10) / 10;
}

const width = Math.max(...rows.map((r) => r.case.length));
console.log(`${'case'.padEnd(width)}  ${'median ms'.padStart(10)}  ${'min ms'.padStart(8)}  ${'max ms'.padStart(8)}  runs  target`);
for (const r of rows)
  console.log(
    `${r.case.padEnd(width)}  ${String(r.medianMs).padStart(10)}  ${String(r.minMs).padStart(8)}  ${String(r.maxMs).padStart(8)}  ${String(r.runs).padStart(4)}  ${r.target}`,
  );
console.log('(timings on a shared 2-core machine: noisy; compare within one run)');

const outDir = join(ROOT, 'benchmarks', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'simulate.json'),
  JSON.stringify({ schema: 'capacity-plan/benchmark-simulate@1', node: process.version, date: new Date().toISOString(), rows }, null, 2) +
    '\n',
);
console.log(`wrote ${join('benchmarks', 'results', 'simulate.json')}`);
