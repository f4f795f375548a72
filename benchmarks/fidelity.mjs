// Fidelity: does the cost model predict images the bench never measured? Both built-ins are
// measured on the default sweep plus six held-out conditions, in one process (one runBench: the
// same machine state for all). The per-stage model and the whole-pipeline model are then fitted on
// the default sweep alone, as `bench` would, and each held-out condition is predicted by the
// planner's own code (workload/tps.js predictLocal) and compared with its measured per-image time.
// Goal: per-stage mean absolute error ≤ 10%, max ≤ 20%, for both models.
//
// Usage: node benchmarks/fidelity.mjs
import { conditionId } from '../build/bench/conditions.js';
import { costModelFor, runBench, stageModelFor } from '../build/bench/run.js';
import { setUpBench } from '../build/bench/setup.js';
import { predictLocal } from '../build/workload/tps.js';
import { loadAverage, printTable, requireBuild, writeResult } from './lib.mjs';

requireBuild();
/** Outside the sweep: resolutions it never saw (some below the detector's 960 px cap, where its input follows the image). */
const HELD_OUT = [
  { width: 1024, height: 768, sizeMb: 0.3, objects: 10 },
  { width: 2560, height: 1440, sizeMb: 1.5, objects: 5 },
  { width: 800, height: 600, sizeMb: 0.15, objects: 5 },
  { width: 1600, height: 1200, sizeMb: 0.5, objects: 5 },
  { width: 3000, height: 2000, sizeMb: 2, objects: 5 },
  { width: 1366, height: 768, sizeMb: 0.25, objects: 20 },
];

const loadBefore = loadAverage();
const setup = await setUpBench({});
const heldIds = new Set();
for (const m of setup.models) {
  const objects = (o) => (m.adapter.task === 'classification' ? 0 : o);
  const held = HELD_OUT.map((h) => {
    const id = conditionId(h.width, h.height, h.sizeMb, objects(h.objects));
    heldIds.add(id);
    return { id, width: h.width, height: h.height, targetSizeMb: h.sizeMb, objects: objects(h.objects) };
  });
  // Bench measures one resolution per block, blocks in first-appearance order. The held-out
  // conditions go between the sweep's resolutions, spread over the run, not after it: a machine
  // whose speed drifts during the run then moves held-out and fitted conditions alike, instead of
  // showing up as prediction error.
  const byResolution = new Map();
  for (const c of m.conditions) byResolution.set(`${c.width}x${c.height}`, [...(byResolution.get(`${c.width}x${c.height}`) ?? []), c]);
  const groups = [...byResolution.values()];
  const order = [];
  groups.forEach((g, i) => {
    order.push(...g);
    const from = Math.floor((i * held.length) / groups.length);
    const to = Math.floor(((i + 1) * held.length) / groups.length);
    order.push(...held.slice(from, to));
  });
  m.conditions = order;
}
const t0 = performance.now();
const result = await runBench({ ...setup, progress: undefined });
const wallS = (performance.now() - t0) / 1000;

const rows = [];
const summary = {};
for (const m of result.models) {
  const sweep = m.conditions.filter((c) => !heldIds.has(c.id));
  const held = m.conditions.filter((c) => heldIds.has(c.id));
  const fitted = { ...m, conditions: sweep, costModel: costModelFor(sweep), stageModel: stageModelFor(sweep) };
  const wholeOnly = { ...fitted, stageModel: null };
  const errs = { stage: [], whole: [] };
  for (const c of held) {
    const img = { width: c.width, height: c.height, sizeMb: c.sizeMb, objects: c.objects };
    const measuredMs = 1000 / c.tps;
    const stage = predictLocal(fitted, img).ms;
    const whole = predictLocal(wholeOnly, img).ms;
    const e = (p) => (100 * (p - measuredMs)) / measuredMs;
    errs.stage.push(e(stage));
    errs.whole.push(e(whole));
    rows.push([
      m.name,
      c.id,
      `${c.inputWidth}x${c.inputHeight}`,
      measuredMs.toFixed(1),
      stage.toFixed(1),
      e(stage).toFixed(1),
      whole.toFixed(1),
      e(whole).toFixed(1),
    ]);
  }
  const stats = (xs) => ({ meanAbsPct: xs.reduce((s, x) => s + Math.abs(x), 0) / xs.length, maxAbsPct: Math.max(...xs.map(Math.abs)) });
  summary[m.name] = {
    stage: stats(errs.stage),
    whole: stats(errs.whole),
    stageLooPct: fitted.stageModel?.looMeanAbsErrPct,
    wholeLooPct: fitted.costModel?.looMeanAbsErrPct,
    sweepConditions: sweep.length,
    heldOut: held.length,
    drift: m.recheck?.changePct,
  };
}
printTable(['model', 'held-out condition', 'model input', 'measured ms', 'per-stage ms', 'err %', 'whole-pipeline ms', 'err %'], rows);
const loadAfter = loadAverage();
let pass = true;
for (const [name, s] of Object.entries(summary)) {
  const ok = s.stage.meanAbsPct <= 10 && s.stage.maxAbsPct <= 20;
  pass &&= ok;
  console.log(
    `${name}: per-stage mean |err| ${s.stage.meanAbsPct.toFixed(1)}%, max ${s.stage.maxAbsPct.toFixed(1)}% (goal ≤ 10% / ≤ 20%: ${ok ? 'PASS' : 'FAIL'}); ` +
      `whole-pipeline ${s.whole.meanAbsPct.toFixed(1)}% / ${s.whole.maxAbsPct.toFixed(1)}%; drift check ${s.drift?.toFixed(1) ?? '—'}%`,
  );
}
console.log(`one run of ${wallS.toFixed(0)} s; 1-min load average before ${loadBefore[0]}, after ${loadAfter[0]} (2 cores)`);
writeResult('fidelity', { heldOut: HELD_OUT, rows, summary, pass, wallS, loadBefore, loadAfter });
