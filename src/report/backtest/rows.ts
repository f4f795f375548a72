import type { BacktestResult } from '../../simulate/backtest.js';

const int = (x: number) => x.toLocaleString('en-US');
const signed = (x: number, unit = '') => `${x > 0 ? '+' : ''}${x.toLocaleString('en-US')}${unit}`;

export function backtestHeading(r: BacktestResult): string {
  return `${r.name} — backtest: the simulator replayed on ${r.trafficSource}`;
}

export const BACKTEST_HEAD = ['', 'recorded', 'simulated', 'simulated − recorded'];

/** Recorded beside simulated, with the error: the rows every view shows. */
export function backtestRows(r: BacktestResult): string[][] {
  const e = r.error;
  return [
    ['Unit-hours in service', int(r.recorded.unitHours), int(r.simulated.unitHours), e.unitHoursPct === null ? '—' : signed(e.unitHoursPct, '%')],
    ['Units per minute', '', '', `mean ${signed(e.meanUnits)}, mean |error| ${e.meanAbsUnits}; exact in ${e.minutesUnitsExactPct}% of minutes`],
    ['Throttled requests', int(r.recorded.throttledRequests), int(r.simulated.throttledRequests), `${signed(e.throttledRequests)} (${signed(e.throttledPctOfRequests, '%')} of ${int(r.requestsTotal)} requests)`],
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
