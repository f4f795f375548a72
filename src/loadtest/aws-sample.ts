import { performance } from 'node:perf_hooks';
import { emptyTally, recordOutcome, type Send, type StepTally } from './generator.js';
import { percentile, sortedSamples } from './stats.js';

/**
 * AWS's own sample, reproduced: `inference-units/tps.py` in aws-samples/amazon-lookout-for-vision
 * (commit 14bed61caa82d07bcbd32ca583359eacfd954c30). What it does, line by line there:
 * - Locust users with `constant_pacing(0)`: closed loops with no think time; 10 users at first,
 *   doubled after each run, `spawn_rate = users / 10` a second (every user running after 10 s);
 * - each run lasts 30 s from its start (`spawn_later(30, quit)`), spawning included; calls still
 *   open at the end are abandoned;
 * - the loop runs `while failure_tps <= 0 and max_iterations >= 0` with max_iterations = 3: at
 *   most 4 runs (10, 20, 40, 80 users), ending after the first run whose figure shows failures;
 * - its figure is the last run's `current_rps - current_fail_per_sec` from Locust's stats
 *   history: Locust's per-second counts (by answer time, wall-clock seconds) averaged over the
 *   seconds from 12 to 2 before the last answer (not before the run's start);
 * - any exception is a failure, throttling or not; its botocore `retries={'max_attempts': 1}`
 *   is one retry in botocore's legacy meaning, so a throttled call is sent twice (the caller
 *   passes a client with two attempts).
 */
export const AWS_SAMPLE = { startUsers: 10, growth: 2, runs: 4, stepS: 30, spawnS: 10 } as const;

export interface AwsSampleRun {
  users: number;
  tally: StepTally;
  /** The figure of this run as the sample computes it. */
  maxTps: number;
  failurePerS: number;
  p95LatencyMs: number | null;
  /** The seconds of the run (from its start) that Locust's window averaged. */
  window: { fromS: number; toS: number };
}

/** Locust's current_rps and current_fail_per_sec: per-second counts from 12 s to 2 s before the last answer. */
export function locustWindow(
  answers: Array<{ atMs: number; ok: boolean }>,
  startMs: number,
): { rps: number; failPerS: number; fromS: number; toS: number } {
  if (answers.length === 0) return { rps: 0, failPerS: 0, fromS: 0, toS: 0 };
  const second = (ms: number) => Math.floor(ms / 1000);
  const last = second(Math.max(...answers.map((a) => a.atMs)));
  const from = Math.max(last - 12, second(startMs));
  const to = last - 2;
  if (to <= from) return { rps: 0, failPerS: 0, fromS: (from * 1000 - startMs) / 1000, toS: (from * 1000 - startMs) / 1000 };
  let all = 0;
  let failed = 0;
  for (const a of answers) {
    const s = second(a.atMs);
    if (s < from || s >= to) continue;
    all++;
    if (!a.ok) failed++;
  }
  const seconds = to - from;
  return { rps: all / seconds, failPerS: failed / seconds, fromS: (from * 1000 - startMs) / 1000, toS: (to * 1000 - startMs) / 1000 };
}

/** One run of the sample: `users` closed loops spawned over 10 s, stopped `stepS` after the start. Null when aborted. */
async function runAwsSampleStep(
  send: Send,
  users: number,
  stepS: number,
  signal: AbortSignal,
  imageOffset: number,
): Promise<AwsSampleRun | null> {
  const tally = emptyTally(stepS);
  const answers: Array<{ atMs: number; ok: boolean }> = [];
  const startWall = Date.now();
  const t0 = performance.now();
  const endAt = t0 + stepS * 1000;
  const quit = AbortSignal.any([signal, AbortSignal.timeout(stepS * 1000)]);
  let image = imageOffset;
  const user = async (k: number) => {
    const startDelayMs = (k * AWS_SAMPLE.spawnS * 1000) / users;
    await new Promise((resolve) => setTimeout(resolve, startDelayMs));
    while (!quit.aborted && performance.now() < endAt) {
      const outcome = await send(image++, quit);
      // A call cut off by the quit is abandoned, as Locust's killed greenlets are.
      if (quit.aborted) return;
      answers.push({ atMs: Date.now(), ok: outcome.kind === 'ok' });
      recordOutcome(tally, outcome);
    }
  };
  await Promise.all(Array.from({ length: users }, (_, k) => user(k)));
  if (signal.aborted) return null;
  const w = locustWindow(answers, startWall);
  const sorted = sortedSamples(tally.latenciesMs);
  return {
    users,
    tally,
    maxTps: w.rps - w.failPerS,
    failurePerS: w.failPerS,
    p95LatencyMs: sorted.length ? percentile(sorted, 95) : null,
    window: { fromS: w.fromS, toS: w.toS },
  };
}

/** The sample's loop: runs until one shows failures, at most four; the last run's figure is the answer. */
export async function runAwsSample(
  send: Send,
  stepS: number,
  signal: AbortSignal,
  onRun?: (run: AwsSampleRun, index: number) => void,
): Promise<AwsSampleRun[] | null> {
  const runs: AwsSampleRun[] = [];
  let users: number = AWS_SAMPLE.startUsers;
  let imageOffset = 0;
  for (let i = 0; i < AWS_SAMPLE.runs; i++) {
    const run = await runAwsSampleStep(send, users, stepS, signal, imageOffset);
    if (run === null) return runs.length ? runs : null;
    runs.push(run);
    onRun?.(run, i + 1);
    imageOffset += run.tally.sent;
    if (run.failurePerS > 0 || run.tally.firstError?.fatal) break;
    users *= AWS_SAMPLE.growth;
  }
  return runs;
}
