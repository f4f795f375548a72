import type { Warning } from '../core/errors.js';
import { mean, percentile, sortedSamples } from './stats.js';
import { LATE_MS, runOpenStep, runUsersStep, type Send, type StepTally } from './generator.js';
import { sentImages, type ImageSource } from './images.js';
import { LOADTEST_SCHEMA_ID } from '../contracts/ids.js';
import type { LoadtestResult, LoadtestStep } from '../contracts/loadtest.js';
import { nextStep, type SearchSettings, type StepVerdict } from './search.js';

/**
 * capacity-plan's rule, not the AWS sample's (which stops at the first failure of any kind): a
 * step is clean while throttled calls stay at most 1% of the calls sent, so one throttled call
 * among thousands does not end the search.
 */
export const THROTTLE_LIMIT_PCT = 1;
/** More than this share of a step's calls failing otherwise stops the test: the endpoint, not the load, is the problem. */
const ERROR_STORM_PCT = 10;

export interface LoadtestSettings {
  mode: 'open' | 'users';
  start: number;
  growth: number;
  stepS: number;
  warmupS: number;
  resolutionPct: number;
  maxSteps: number;
  /** Highest offered TPS or users the ramp goes to. */
  maxLevel: number;
  maxInFlight: number;
}

export interface LoadtestInputs {
  send: Send;
  target: LoadtestResult['target'];
  images: ImageSource;
  units: LoadtestResult['units'];
  settings: LoadtestSettings;
  signal: AbortSignal;
  warnings: Warning[];
  onStep?: (step: LoadtestStep) => void;
  /** Called before each step: level and phase. */
  onStepStart?: (index: number, level: number, phase: 'ramp' | 'bisect') => void;
}

export interface LoadtestRun {
  result: LoadtestResult;
  /** Why the test stopped early, in one line (errors only). */
  stopLine?: string;
  /** The error is the caller's (access, images): exit 2. */
  inputProblem?: boolean;
}

export function toStep(t: StepTally, index: number, level: number, phase: 'ramp' | 'bisect', mode: 'open' | 'users'): LoadtestStep {
  const sorted = sortedSamples(t.latenciesMs);
  const throttledPct = t.sent === 0 ? 0 : (t.throttled / t.sent) * 100;
  return {
    index,
    phase,
    offeredTps: mode === 'open' ? level : null,
    users: mode === 'users' ? level : null,
    durationS: t.durationS,
    sent: t.sent,
    succeeded: t.succeeded,
    throttled: t.throttled,
    otherErrors: t.otherErrors,
    errors: t.errors,
    notSent: t.notSent,
    lateSends: t.lateSends,
    achievedTps: t.succeeded / t.durationS,
    throttledPerS: t.throttled / t.durationS,
    throttledPct,
    latencyMs: sorted.length ? { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) } : null,
    clean: t.sent > 0 && throttledPct <= THROTTLE_LIMIT_PCT,
  };
}

/** A rate in a derivation: three significant figures or so, never a long fraction. */
export function formatRate(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** Why a step stops the test: a request the endpoint refuses as such, or a storm of server or client errors. */
function stopFor(
  tally: StepTally,
  index: number,
): (Pick<LoadtestRun, 'stopLine' | 'inputProblem'> & { stoppedBy: LoadtestResult['stoppedBy'] }) | undefined {
  const clientErrors = tally.otherErrors - tally.serverErrors;
  if (tally.firstError?.fatal) return { stoppedBy: 'request-errors', stopLine: tally.firstError.line, inputProblem: true };
  if (tally.sent > 0 && tally.serverErrors >= 5 && (tally.serverErrors / tally.sent) * 100 > ERROR_STORM_PCT) {
    const errors = Object.entries(tally.errors)
      .map(([k, v]) => `${k} ×${v}`)
      .join(', ');
    return {
      stoppedBy: 'server-errors',
      stopLine: `stopped at step ${index}: ${tally.serverErrors} of ${tally.sent} calls failed on the server side or the network (${errors}); first: ${tally.firstError?.line ?? 'unknown'}`,
    };
  }
  if (tally.sent > 0 && clientErrors >= 5 && (clientErrors / tally.sent) * 100 > ERROR_STORM_PCT) {
    return {
      stoppedBy: 'request-errors',
      stopLine: `stopped at step ${index}: the endpoint refused ${clientErrors} of ${tally.sent} calls; first: ${tally.firstError?.line ?? 'unknown'}`,
      inputProblem: true,
    };
  }
  return undefined;
}

/** What a step's tally says about the client rather than the endpoint: calls it could not send, or sent late. */
function stepWarnings(tally: StepTally, index: number, maxInFlight: number): Warning[] {
  const warnings: Warning[] = [];
  if (tally.notSent > 0)
    warnings.push({
      code: 'calls-not-sent',
      message: `step ${index}: ${tally.notSent} calls not sent: ${maxInFlight} were already in flight (the endpoint stalled)`,
    });
  if (tally.sent > 0 && tally.lateSends / tally.sent > 0.05) {
    warnings.push({
      code: 'late-sends',
      message: `step ${index}: ${tally.lateSends} of ${tally.sent} calls left over ${LATE_MS} ms late: the client could not hold the offered rate (a busy machine?), so this step offered less than it says`,
    });
  }
  return warnings;
}

/** The headline worked out: the best clean step, the lowest throttled one, and TPS per unit. */
function derivationOf(
  steps: LoadtestStep[],
  best: LoadtestStep | undefined,
  units: LoadtestResult['units'],
  mode: LoadtestSettings['mode'],
): string {
  if (!best) return 'no step was clean: no TPS per unit';
  const levelOf = (st: LoadtestStep) => (mode === 'open' ? `${formatRate(st.offeredTps!)} TPS offered` : `${st.users} users`);
  const firstThrottled = steps.filter((st) => !st.clean).sort((a, b) => (a.offeredTps ?? a.users!) - (b.offeredTps ?? b.users!))[0];
  return (
    `highest clean step #${best.index} (${levelOf(best)}): ${formatRate(best.achievedTps)} TPS achieved, ${best.throttledPct.toFixed(2)}% throttled (limit ${THROTTLE_LIMIT_PCT}%)` +
    (firstThrottled
      ? `; lowest throttled step #${firstThrottled.index} (${levelOf(firstThrottled)}): ${firstThrottled.throttledPct.toFixed(1)}% throttled`
      : '') +
    `; ${formatRate(best.achievedTps)} TPS / ${units.inService} unit${units.inService === 1 ? '' : 's'} (${units.source}) = ${formatRate(best.achievedTps / units.inService)} TPS per unit`
  );
}

/** What the way the search ended says about its figure: a lower bound, a busy model, a thin p99. */
function endWarnings(stoppedBy: LoadtestResult['stoppedBy'], s: LoadtestSettings, best: LoadtestStep | undefined): Warning[] {
  const warnings: Warning[] = [];
  if (stoppedBy === 'no-throttling')
    warnings.push({
      code: 'no-throttling',
      message: `no throttling up to ${s.mode === 'open' ? `${formatRate(s.maxLevel)} TPS` : `${s.maxLevel} users`}: the TPS found is a lower bound`,
    });
  if (stoppedBy === 'max-steps')
    warnings.push({
      code: 'max-steps',
      message: `stopped after ${s.maxSteps} steps before the bracket narrowed to ${s.resolutionPct}%: the TPS found is a lower bound`,
    });
  if (stoppedBy === 'throttled-at-start')
    warnings.push({ code: 'throttled-at-start', message: 'throttled even at the lowest load tried: is another client using the model?' });
  if (best?.latencyMs && best.succeeded < 100)
    warnings.push({
      code: 'few-calls-for-p99',
      message: `step ${best.index}: p99 latency from ${best.succeeded} calls (under 100) is the slowest call, not a percentile`,
    });
  return warnings;
}

/** One step at `level`: offered TPS (open) or users (closed loop); null when interrupted. */
function runStep(inp: LoadtestInputs, level: number, imageOffset: number): Promise<StepTally | null> {
  const s = inp.settings;
  return s.mode === 'open'
    ? runOpenStep(inp.send, {
        rateTps: level,
        warmupS: s.warmupS,
        stepS: s.stepS,
        maxInFlight: s.maxInFlight,
        signal: inp.signal,
        imageOffset,
      })
    : runUsersStep(inp.send, { users: level, warmupS: s.warmupS, stepS: s.stepS, signal: inp.signal, imageOffset });
}

/** The step search against one target: ramp, then narrow the bracket; every finished step is kept. */
export async function runLoadtest(inp: LoadtestInputs): Promise<LoadtestRun> {
  const s = inp.settings;
  const search: SearchSettings = {
    start: s.start,
    growth: s.growth,
    resolutionPct: s.resolutionPct,
    maxSteps: s.maxSteps,
    integer: s.mode === 'users',
    maxLevel: s.maxLevel,
    units: inp.units.inService,
  };
  const steps: LoadtestStep[] = [];
  const history: StepVerdict[] = [];
  const objects: number[] = [];
  const warnings = [...inp.warnings];
  let stop: ReturnType<typeof stopFor>;
  let imageOffset = 0;

  for (;;) {
    const n = nextStep(history, search);
    if ('stop' in n) {
      stop = { stoppedBy: n.stop };
      break;
    }
    const index = steps.length + 1;
    inp.onStepStart?.(index, n.level, n.phase);
    const tally = await runStep(inp, n.level, imageOffset);
    if (tally === null) {
      stop = { stoppedBy: 'interrupted' };
      break;
    }
    imageOffset += tally.sent;
    const step = toStep(tally, index, n.level, n.phase, s.mode);
    steps.push(step);
    objects.push(...tally.objects);
    inp.onStep?.(step);
    warnings.push(...stepWarnings(tally, index, s.maxInFlight));
    stop = stopFor(tally, index);
    if (stop) break;
    const meanLatencyMs = tally.latenciesMs.length ? mean(tally.latenciesMs) : null;
    history.push({ level: n.level, clean: step.clean, achievedTps: step.achievedTps, meanLatencyMs });
  }

  const { stoppedBy, stopLine, inputProblem = false } = stop;
  const clean = steps.filter((st) => st.clean && st.achievedTps > 0);
  const best = clean.length ? clean.reduce((a, b) => (b.achievedTps > a.achievedTps ? b : a)) : undefined;
  const highestCleanTps = best ? best.achievedTps : null;
  warnings.push(...endWarnings(stoppedBy, s, best));

  const result: LoadtestResult = {
    schema: LOADTEST_SCHEMA_ID,
    createdAt: new Date().toISOString(),
    complete: stoppedBy !== 'interrupted' && stoppedBy !== 'server-errors' && stoppedBy !== 'request-errors',
    stoppedBy,
    target: inp.target,
    method: {
      name: 'step-search',
      mode: s.mode,
      start: s.start,
      growth: s.growth,
      stepS: s.stepS,
      warmupS: s.warmupS,
      throttleLimitPct: THROTTLE_LIMIT_PCT,
      resolutionPct: s.resolutionPct,
      maxSteps: s.maxSteps,
      retries: 0,
    },
    images: sentImages(inp.images, objects),
    units: inp.units,
    steps,
    highestCleanTps,
    tpsPerUnit: highestCleanTps === null ? null : highestCleanTps / inp.units.inService,
    derivation: derivationOf(steps, best, inp.units, s.mode),
    warnings,
  };
  return { result, stopLine, inputProblem };
}
