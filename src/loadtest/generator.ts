import { performance } from 'node:perf_hooks';
import type { Outcome } from './target.js';

/**
 * The load generator: one step at a fixed load, open loop (calls at a fixed rate, whether or not
 * earlier ones have answered: offered load, as clients in the wild send it) or closed loop (N
 * users, each sending its next call when its last one answered, as the AWS sample's Locust users
 * do). Calls sent during the warm-up are not counted; a call counts by when it was sent.
 */

export type Send = (imageIndex: number, signal: AbortSignal) => Promise<Outcome>;

/** A call sent this much after its time was not sent at the offered rate (timer slack is a few ms). */
export const LATE_MS = 50;

export interface StepTally {
  durationS: number;
  sent: number;
  succeeded: number;
  throttled: number;
  otherErrors: number;
  serverErrors: number;
  errors: Record<string, number>;
  notSent: number;
  /** Calls sent more than LATE_MS after their scheduled time: the client could not keep the rate. */
  lateSends: number;
  latenciesMs: number[];
  /** Boxes per successful answer, where the answer said (null answers are not counted). */
  objects: number[];
  /** The first error's one-line description, and whether it makes every further call fail. */
  firstError?: { line: string; fatal: boolean };
}

/** A step's counts before its first call: what every kind of step (open loop, users, the AWS sample's runs) starts from. */
export function emptyTally(durationS: number): StepTally {
  return {
    durationS,
    sent: 0,
    succeeded: 0,
    throttled: 0,
    otherErrors: 0,
    serverErrors: 0,
    errors: {},
    notSent: 0,
    lateSends: 0,
    latenciesMs: [],
    objects: [],
  };
}

/** Counts one answered call into a step's tally. */
export function recordOutcome(t: StepTally, o: Outcome): void {
  t.sent++;
  if (o.kind === 'ok') {
    t.succeeded++;
    t.latenciesMs.push(o.latencyMs);
    if (o.objects !== null) t.objects.push(o.objects);
  } else if (o.kind === 'throttled') {
    t.throttled++;
  } else {
    t.otherErrors++;
    if (o.server) t.serverErrors++;
    t.errors[o.name] = (t.errors[o.name] ?? 0) + 1;
    if (!t.firstError || (o.fatal && !t.firstError.fatal)) t.firstError = { line: o.line, fatal: o.fatal };
  }
}

export interface OpenStepOptions {
  rateTps: number;
  warmupS: number;
  stepS: number;
  /** More calls than this in flight: the next ones are not sent (and counted as notSent), so a stalled endpoint cannot exhaust the client. */
  maxInFlight: number;
  signal: AbortSignal;
  /** First image index of this step (images rotate across steps). */
  imageOffset: number;
}

/** Calls at `rateTps`, evenly spaced, for warm-up + step seconds. Null when aborted. */
export function runOpenStep(send: Send, o: OpenStepOptions): Promise<StepTally | null> {
  // Whole calls: the measured ones span measuredCount / rate seconds, which is the window the
  // achieved TPS divides by, so achieved never exceeds offered (11 calls over a 5 s step at
  // 2.07 TPS would read 2.2).
  const warmCount = Math.round(o.warmupS * o.rateTps);
  const measuredCount = Math.max(1, Math.round(o.stepS * o.rateTps));
  const total = warmCount + measuredCount;
  const tally = emptyTally(measuredCount / o.rateTps);
  const intervalMs = 1000 / o.rateTps;
  const counted: Promise<void>[] = [];
  let inFlight = 0;
  let next = 0;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const onAbort = () => resolve(null);
    o.signal.addEventListener('abort', onAbort, { once: true });
    const fire = (k: number) => {
      const measured = k >= warmCount;
      if (measured && performance.now() - (t0 + k * intervalMs) > LATE_MS) tally.lateSends++;
      if (inFlight >= o.maxInFlight) {
        if (measured) tally.notSent++;
        return;
      }
      inFlight++;
      const p = send(o.imageOffset + k, o.signal).then((outcome) => {
        inFlight--;
        if (measured && !o.signal.aborted) recordOutcome(tally, outcome);
      });
      if (measured) counted.push(p);
    };
    // Timers fire late by up to a few ms: every tick sends all calls that are due by now, so the
    // rate holds on average even when a tick covers several calls.
    const tick = () => {
      if (o.signal.aborted) return;
      const due = Math.min(total, Math.floor((performance.now() - t0) / intervalMs) + 1);
      while (next < due) fire(next++);
      if (next < total) {
        setTimeout(tick, Math.max(0, t0 + next * intervalMs - performance.now()));
        return;
      }
      void Promise.all(counted).then(() => {
        o.signal.removeEventListener('abort', onAbort);
        if (!o.signal.aborted) resolve(tally);
      });
    };
    tick();
  });
}

export interface UsersStepOptions {
  users: number;
  warmupS: number;
  stepS: number;
  signal: AbortSignal;
  imageOffset: number;
}

/** `users` closed loops for warm-up + step seconds, no think time. Null when aborted. */
export async function runUsersStep(send: Send, o: UsersStepOptions): Promise<StepTally | null> {
  const tally = emptyTally(o.stepS);
  const t0 = performance.now();
  const measureFrom = t0 + o.warmupS * 1000;
  const end = measureFrom + o.stepS * 1000;
  let image = o.imageOffset;
  const user = async () => {
    while (!o.signal.aborted) {
      const sentAt = performance.now();
      if (sentAt >= end) return;
      const outcome = await send(image++, o.signal);
      if (sentAt >= measureFrom && !o.signal.aborted) recordOutcome(tally, outcome);
      if (outcome.kind === 'error' && outcome.fatal) return;
    }
  };
  await Promise.all(Array.from({ length: o.users }, user));
  return o.signal.aborted ? null : tally;
}
