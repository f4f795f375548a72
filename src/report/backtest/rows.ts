import { formatCount, formatHours, formatPct } from '../../core/numbers.js';
import type { BacktestResult } from '../../simulate/backtest.js';

const int = formatCount;
const plus = (x: number) => (x > 0 ? '+' : '');
const signedCount = (x: number) => `${plus(x)}${formatCount(x)}`;
const signedPct = (x: number) => `${plus(x)}${formatPct(x)}`;

export function backtestHeading(r: BacktestResult): string {
  return `${r.name} — backtest: the simulator replayed on ${r.trafficSource}`;
}

export const BACKTEST_HEAD = ['', 'recorded', 'simulated', 'simulated − recorded'];

/** Recorded beside simulated, with the error: the rows every view shows. */
export function backtestRows(r: BacktestResult): string[][] {
  const e = r.error;
  return [
    [
      'Unit-hours in service',
      formatHours(r.recorded.unitHours),
      formatHours(r.simulated.unitHours),
      e.unitHoursPct === null ? '—' : signedPct(e.unitHoursPct),
    ],
    [
      'Units per minute',
      '',
      '',
      `mean ${plus(e.meanUnits)}${e.meanUnits}, mean |error| ${e.meanAbsUnits}; exact in ${formatPct(e.minutesUnitsExactPct)} of minutes`,
    ],
    [
      'Throttled requests',
      int(r.recorded.throttledRequests),
      int(r.simulated.throttledRequests),
      `${signedCount(e.throttledRequests)} (${signedPct(e.throttledPctOfRequests)} of ${int(r.requestsTotal)} requests)`,
    ],
    ['Throttled per minute', '', '', `mean |error| ${e.meanAbsThrottledPerMinute} requests`],
    [
      'Minutes with throttling',
      int(r.recorded.minutesThrottled),
      int(r.simulated.minutesThrottled),
      `both ${int(e.throttledMinutes.both)}, simulator only ${int(e.throttledMinutes.simulatedOnly)}, service only ${int(e.throttledMinutes.recordedOnly)}`,
    ],
  ];
}

export function backtestSetting(r: BacktestResult): string {
  return (
    `Min/Max ${r.minInferenceUnits}/${r.maxInferenceUnits} (${r.pairSource === 'recorded' ? 'recorded' : '--min/--max'}), ` +
    `TPS per unit ${r.tpsPerUnit}, autoscaler plans on ${r.capacityPerUnitTps}; ${int(r.runningMinutes)} of ${int(r.minutes)} minutes running, ${r.periodSeconds} s periods`
  );
}
