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

/** Pure: replays the recorded demand, in the minutes the model ran, and compares minute by minute. */
export function backtest(
  r: ResolvedWorkload,
  overTime: TrafficOverTime,
  recorded: RecordedHistory & { inServiceUnits: Float64Array },
  pair: BacktestPair,
): BacktestResult {
  const w = r.workload;
  const { series } = overTime;
  const demand = series.demandTps;
  const n = demand.length;
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

  let runningMinutes = 0;
  let requestsTotal = 0;
  let recUnitMinutes = 0;
  let simUnitMinutes = 0;
  let absUnits = 0;
  let signedUnits = 0;
  let exact = 0;
  let recThrottled = 0;
  let simThrottled = 0;
  let absThrottled = 0;
  const minutesThrottled = { both: 0, simulatedOnly: 0, recordedOnly: 0 };
  let recMinutesThrottled = 0;
  let simMinutesThrottled = 0;
  const hours = Math.ceil(n / 60);
  const hourly = {
    recordedUnits: new Array<number>(hours).fill(0),
    simulatedUnits: new Array<number>(hours).fill(0),
    recordedThrottled: new Array<number>(hours).fill(0),
    simulatedThrottled: new Array<number>(hours).fill(0),
  };
  for (let t = 0; t < n; t++) {
    const requests = demand[t]! * 60;
    requestsTotal += requests;
    const rec = recorded.throttledPerMinute[t]!;
    const sim = running[t] ? Math.max(0, requests - simUnits[t]! * setup.tpsPerUnit * 60) : 0;
    const h = Math.floor(t / 60);
    hourly.recordedThrottled[h]! += rec;
    hourly.simulatedThrottled[h]! += sim;
    hourly.recordedUnits[h]! += recUnits[t]! / 60;
    hourly.simulatedUnits[h]! += simUnits[t]! / 60;
    if (!running[t]) continue;
    runningMinutes++;
    recUnitMinutes += recUnits[t]!;
    simUnitMinutes += simUnits[t]!;
    const du = simUnits[t]! - recUnits[t]!;
    absUnits += Math.abs(du);
    signedUnits += du;
    if (Math.abs(du) < 1e-9) exact++;
    recThrottled += rec;
    simThrottled += sim;
    absThrottled += Math.abs(sim - rec);
    const recOn = rec > THROTTLED_EPS;
    const simOn = sim > THROTTLED_EPS;
    if (recOn) recMinutesThrottled++;
    if (simOn) simMinutesThrottled++;
    if (recOn && simOn) minutesThrottled.both++;
    else if (simOn) minutesThrottled.simulatedOnly++;
    else if (recOn) minutesThrottled.recordedOnly++;
  }
  const per = (x: number) => (runningMinutes ? x / runningMinutes : 0);
  const warnings: Warning[] = [...r.warnings];
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
  const round2 = (x: number) => roundTo(x, 2);
  return {
    schema: BACKTEST_SCHEMA_ID,
    name: w.name,
    ...(r.file !== undefined ? { file: r.file } : {}),
    trafficSource: overTime.source,
    periodSeconds: recorded.periodSeconds,
    minutes: n,
    runningMinutes,
    requestsTotal: Math.round(requestsTotal),
    minInferenceUnits: pair.minUnits,
    maxInferenceUnits: pair.maxUnits,
    pairSource: pair.source,
    tpsPerUnit: roundTo(setup.tpsPerUnit, 3),
    capacityPerUnitTps: roundTo(setup.capTps, 3),
    scaleUpMinutes: w.scaling.scale_up_minutes,
    scaleDownMinutes: w.scaling.scale_down_minutes,
    recorded: {
      unitHours: round2(recUnitMinutes / 60),
      throttledRequests: Math.round(recThrottled),
      minutesThrottled: recMinutesThrottled,
    },
    simulated: {
      unitHours: round2(simUnitMinutes / 60),
      throttledRequests: Math.round(simThrottled),
      minutesThrottled: simMinutesThrottled,
    },
    error: {
      unitHoursPct: recUnitMinutes > 0 ? round2(((simUnitMinutes - recUnitMinutes) / recUnitMinutes) * 100) : null,
      meanAbsUnits: roundTo(per(absUnits), 3),
      meanUnits: roundTo(per(signedUnits), 3),
      minutesUnitsExactPct: round2(per(exact) * 100),
      throttledRequests: Math.round(simThrottled - recThrottled),
      throttledPctOfRequests: requestsTotal > 0 ? roundTo(((simThrottled - recThrottled) / requestsTotal) * 100, 4) : 0,
      meanAbsThrottledPerMinute: roundTo(per(absThrottled), 3),
      throttledMinutes: minutesThrottled,
    },
    hourly: {
      start: minuteLabel(series, 0),
      recordedUnits: hourly.recordedUnits.map(round2),
      simulatedUnits: hourly.simulatedUnits.map(round2),
      recordedThrottled: hourly.recordedThrottled.map((x) => Math.round(x)),
      simulatedThrottled: hourly.simulatedThrottled.map((x) => Math.round(x)),
    },
    assumptions: [
      `replayed with Min ${pair.minUnits} / Max ${pair.maxUnits} (${pair.source === 'recorded' ? 'the recorded MinInferenceUnits/MaxInferenceUnits' : 'from --min/--max'}), scale-up ${w.scaling.scale_up_minutes} min, scale-in after ${w.scaling.scale_down_minutes} min`,
      'the replay runs in exactly the minutes CloudWatch shows units in service, starting each run with Min units',
      `demand = (SuccessfulRequestCount + ThrottledCount) / ${recorded.periodSeconds} s, held flat over each period; a period without datapoints had no requests`,
      `a simulated unit serves ${roundTo(setup.tpsPerUnit, 2)} TPS (the workload's TPS per unit): throttling differences measure that figure as much as the autoscaler`,
    ],
    warnings,
  };
}
