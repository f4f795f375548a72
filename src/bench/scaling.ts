import { Worker } from 'node:worker_threads';
import { imagesFor } from './condition-images.js';
import type { ResolvedModel } from './models/adapter.js';
import type { Progress } from './progress.js';
import type { BenchResult, Scaling } from '../contracts/bench.js';
import type { ScalingWorkerInput } from './scaling-worker.js';

/** How long each side-by-side run lasts, seconds: long enough that start/stop skew (ms) is noise. */
const SCALING_RUN_S = 3;

interface Unit {
  worker: Worker;
  ready: Promise<void>;
  done: Promise<{ samples: number; elapsedS: number }>;
}

function startUnit(model: ResolvedModel, threads: number, images: Buffer[]): Unit {
  const workerData: ScalingWorkerInput = { model, threads, images };
  const worker = new Worker(new URL('./scaling-worker.js', import.meta.url), { workerData });
  let onReady!: () => void;
  let onDone!: (v: { samples: number; elapsedS: number }) => void;
  let onError!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => ((onReady = res), (onError = rej)));
  const done = new Promise<{ samples: number; elapsedS: number }>((res, rej) => {
    onDone = res;
    worker.on('error', rej);
  });
  worker.on('error', (e) => onError(e));
  worker.on('message', (m: { type: string; samples: number; elapsedS: number }) => (m.type === 'ready' ? onReady() : onDone(m)));
  return { worker, ready, done };
}

/** Runs `units` units at once (all sessions created first, then started together); total TPS and each unit's. */
async function runUnits(units: number, model: ResolvedModel, threads: number, images: Buffer[], durationS: number) {
  const started = Array.from({ length: units }, () => startUnit(model, threads, images));
  try {
    await Promise.all(started.map((u) => u.ready));
    for (const u of started) u.worker.postMessage({ durationS });
    const results = await Promise.all(started.map((u) => u.done));
    const tpsPerUnit = results.map((r) => r.samples / r.elapsedS);
    return { units, tps: tpsPerUnit.reduce((a, b) => a + b, 0), tpsPerUnit };
  } finally {
    await Promise.all(started.map((u) => u.worker.terminate()));
  }
}

/**
 * Scaling: the planner assumes units add linearly. Measure 1 unit alone, then 2 units side by
 * side (worker threads, one session each) on the same condition: efficiency = TPS(2) / (2 × TPS(1)).
 * On a 2-core machine with 1 thread per unit, 1.0 means the two units did not slow each other.
 */
export async function runScaling(
  result: BenchResult,
  models: ReadonlyMap<string, ResolvedModel>,
  opts: { threads: number; progress?: Progress; durationS?: number; signal?: AbortSignal },
): Promise<Scaling[]> {
  const durationS = opts.durationS ?? SCALING_RUN_S;
  const out: Scaling[] = [];
  for (const [i, model] of result.models.entries()) {
    if (opts.signal?.aborted) break;
    const resolved = models.get(model.name);
    if (!resolved) continue;
    // A synthetic condition near the middle of the measured range (median TPS).
    const candidates = model.conditions
      .filter((c) => c.targetSizeMb !== null && c.targetSizeMb !== undefined)
      .sort((a, b) => a.tps - b.tps);
    const c = candidates[Math.floor(candidates.length / 2)];
    if (!c) continue;
    const images = await imagesFor({ id: c.id, width: c.width, height: c.height, targetSizeMb: c.targetSizeMb!, objects: c.objects });
    if (images.skipped) continue;
    opts.progress?.condition(`scaling ${model.name} ${c.id}: 1 unit`, i + 1, result.models.length);
    const one = await runUnits(1, resolved, opts.threads, images.bytes, durationS);
    opts.progress?.condition(`scaling ${model.name} ${c.id}: 2 units`, i + 1, result.models.length);
    if (opts.signal?.aborted) break;
    const two = await runUnits(2, resolved, opts.threads, images.bytes, durationS);
    out.push({ model: model.name, condition: c.id, durationS, runs: [one, two], efficiency: two.tps / (2 * one.tps) });
  }
  opts.progress?.done();
  return out;
}
