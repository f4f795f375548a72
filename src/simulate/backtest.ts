import { BACKTEST_SCHEMA_ID } from '../contracts/ids.js';
import type { BacktestResult } from '../contracts/backtest.js';
import type { Warning } from '../core/errors.js';
import { roundTo } from '../core/money.js';
import type { ResolvedWorkload } from '../workload/resolve.js';
import { minuteLabel } from '../workload/series.js';
import type { RecordedHistory, TrafficOverTime } from '../workload/traffic.js';
import { simulate } from './engine.js';
import { simulationSetup } from './setup.js';

export type { BacktestResult } from '../contracts/backtest.js';

export interface BacktestPair {
  minUnits: number;
  maxUnits: number;
  source: 'recorded' | 'flags';
}

// Fewer throttled requests than this in a minute count as none (float noise, and CloudWatch rounding).
const THROTTLED_EPS = 1e-6;

/** Sums of the minute-by-minute comparison: totals over the running minutes, and hour by hour over all of them. */
interface Comparison {
  runningMinutes: number;
  requestsTotal: number;
  recUnitMinutes: number;
  simUnitMinutes: number;
  absUnits: number;
  signedUnits: number;
  exact: number;
  recThrottled: number;
  simThrottled: number;
  absThrottled: number;
  recMinutesThrottled: number;
  simMinutesThrottled: number;
  minutesThrottled: { both: number; simulatedOnly: number; recordedOnly: number };
  hourly: { recordedUnits: number[]; simulatedUnits: number[]; recordedThrottled: number[]; simulatedThrottled: number[] };
}

/** Compares each minute's units and throttled requests, recorded against simulated (throttling only where the model ran). */
function compareMinutes(
  demand: ArrayLike<number>,
  running: Uint8Array,
  recUnits: Float64Array,
  recThrottledPerMinute: ArrayLike<number>,
  simUnits: Int32Array,
  tpsPerUnit: number,
): Comparison {
  const n = demand.length;
  const hours = Math.ceil(n / 60);
  const c: Comparison = {
    runningMinutes: 0,
    requestsTotal: 0,
    recUnitMinutes: 0,
    simUnitMinutes: 0,
    absUnits: 0,
    signedUnits: 0,
    exact: 0,
    recThrottled: 0,
    simThrottled: 0,
    absThrottled: 0,
    recMinutesThrottled: 0,
    simMinutesThrottled: 0,
    minutesThrottled: { both: 0, simulatedOnly: 0, recordedOnly: 0 },
    hourly: {
      recordedUnits: new Array<number>(hours).fill(0),
      simulatedUnits: new Array<number>(hours).fill(0),
      recordedThrottled: new Array<number>(hours).fill(0),
      simulatedThrottled: new Array<number>(hours).fill(0),
    },
  };
  for (let t = 0; t < n; t++) {
    const requests = demand[t]! * 60;
    c.requestsTotal += requests;
    const rec = recThrottledPerMinute[t]!;
    const sim = running[t] ? Math.max(0, requests - simUnits[t]! * tpsPerUnit * 60) : 0;
    const h = Math.floor(t / 60);
    c.hourly.recordedThrottled[h]! += rec;
    c.hourly.simulatedThrottled[h]! += sim;
    c.hourly.recordedUnits[h]! += recUnits[t]! / 60;
    c.hourly.simulatedUnits[h]! += simUnits[t]! / 60;
    if (!running[t]) continue;
    c.runningMinutes++;
    c.recUnitMinutes += recUnits[t]!;
    c.simUnitMinutes += simUnits[t]!;
    const du = simUnits[t]! - recUnits[t]!;
    c.absUnits += Math.abs(du);
    c.signedUnits += du;
    if (Math.abs(du) < 1e-9) c.exact++;
    c.recThrottled += rec;
    c.simThrottled += sim;
    c.absThrottled += Math.abs(sim - rec);
    const recOn = rec > THROTTLED_EPS;
    const simOn = sim > THROTTLED_EPS;
    if (recOn) c.recMinutesThrottled++;
    if (simOn) c.simMinutesThrottled++;
    if (recOn && simOn) c.minutesThrottled.both++;
    else if (simOn) c.minutesThrottled.simulatedOnly++;
    else if (recOn) c.minutesThrottled.recordedOnly++;
  }
  return c;
}

/** Simulated minus recorded, over the running minutes. */
function errorOf(c: Comparison): BacktestResult['error'] {
  const per = (x: number) => (c.runningMinutes ? x / c.runningMinutes : 0);
  return {
    unitHoursPct: c.recUnitMinutes > 0 ? roundTo(((c.simUnitMinutes - c.recUnitMinutes) / c.recUnitMinutes) * 100, 2) : null,
    meanAbsUnits: roundTo(per(c.absUnits), 3),
    meanUnits: roundTo(per(c.signedUnits), 3),
    minutesUnitsExactPct: roundTo(per(c.exact) * 100, 2),
    throttledRequests: Math.round(c.simThrottled - c.recThrottled),
    throttledPctOfRequests: c.requestsTotal > 0 ? roundTo(((c.simThrottled - c.recThrottled) / c.requestsTotal) * 100, 4) : 0,
    meanAbsThrottledPerMinute: roundTo(per(c.absThrottled), 3),
    throttledMinutes: c.minutesThrottled,
  };
}

function backtestWarnings(recorded: RecordedHistory, pair: BacktestPair, runningMinutes: number): Warning[] {
  const warnings: Warning[] = [];
  if (recorded.pairChanged && pair.source === 'recorded') {
    warnings.push({
      code: 'pair-changed',
      message: `MinInferenceUnits/MaxInferenceUnits changed during the history: replayed with the most common pair ${pair.minUnits}/${pair.maxUnits}`,
    });
  }
  if (runningMinutes === 0)
    warnings.push({
      code: 'never-running',
      message:
        'InServiceInferenceUnits is 0 or missing in every minute: the model never ran in this history, so there is nothing to compare',
    });
  return warnings;
}

/** Pure: replays the recorded demand, in the minutes the model ran, and compares minute by minute. */
export function backtest(
  r: ResolvedWorkload,
  overTime: TrafficOverTime,
  recorded: RecordedHistory & { inServiceUnits: Float64Array },
  pair: BacktestPair,
): BacktestResult {
  const w = r.workload;
  const { series } = overTime;
  const n = series.demandTps.length;
  const setup = simulationSetup(r, series);
  const recUnits = recorded.inServiceUnits;
  // The model ran exactly when CloudWatch saw units in service: the replay starts and stops with it.
  const running = new Uint8Array(n);
  for (let t = 0; t < n; t++) running[t] = recUnits[t]! > 0 ? 1 : 0;
  const simUnits = new Int32Array(n);
  simulate({
    ...setup.base,
    minUnits: pair.minUnits,
    maxUnits: pair.maxUnits,
    schedule: running,
    restartMinutes: 0,
    recordInService: simUnits,
  });
  const c = compareMinutes(series.demandTps, running, recUnits, recorded.throttledPerMinute, simUnits, setup.tpsPerUnit);
  const round2 = (x: number) => roundTo(x, 2);
  return {
    schema: BACKTEST_SCHEMA_ID,
    name: w.name,
    ...(r.file !== undefined ? { file: r.file } : {}),
    trafficSource: overTime.source,
    periodSeconds: recorded.periodSeconds,
    minutes: n,
    runningMinutes: c.runningMinutes,
    requestsTotal: Math.round(c.requestsTotal),
    minInferenceUnits: pair.minUnits,
    maxInferenceUnits: pair.maxUnits,
    pairSource: pair.source,
    tpsPerUnit: roundTo(setup.tpsPerUnit, 3),
    capacityPerUnitTps: roundTo(setup.capTps, 3),
    scaleUpMinutes: w.scaling.scale_up_minutes,
    scaleDownMinutes: w.scaling.scale_down_minutes,
    recorded: {
      unitHours: round2(c.recUnitMinutes / 60),
      throttledRequests: Math.round(c.recThrottled),
      minutesThrottled: c.recMinutesThrottled,
    },
    simulated: {
      unitHours: round2(c.simUnitMinutes / 60),
      throttledRequests: Math.round(c.simThrottled),
      minutesThrottled: c.simMinutesThrottled,
    },
    error: errorOf(c),
    hourly: {
      start: minuteLabel(series, 0),
      recordedUnits: c.hourly.recordedUnits.map(round2),
      simulatedUnits: c.hourly.simulatedUnits.map(round2),
      recordedThrottled: c.hourly.recordedThrottled.map((x) => Math.round(x)),
      simulatedThrottled: c.hourly.simulatedThrottled.map((x) => Math.round(x)),
    },
    assumptions: [
      `replayed with Min ${pair.minUnits} / Max ${pair.maxUnits} (${pair.source === 'recorded' ? 'the recorded MinInferenceUnits/MaxInferenceUnits' : 'from --min/--max'}), scale-up ${w.scaling.scale_up_minutes} min, scale-in after ${w.scaling.scale_down_minutes} min`,
      'the replay runs in exactly the minutes CloudWatch shows units in service, starting each run with Min units',
      `demand = (SuccessfulRequestCount + ThrottledCount) / ${recorded.periodSeconds} s, held flat over each period; a period without datapoints had no requests`,
      `a simulated unit serves ${roundTo(setup.tpsPerUnit, 2)} TPS (the workload's TPS per unit): throttling differences measure that figure as much as the autoscaler`,
    ],
    warnings: [...r.warnings, ...backtestWarnings(recorded, pair, c.runningMinutes)],
  };
}
