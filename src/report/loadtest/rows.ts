import type { LoadtestResult, LoadtestStep } from '../../contracts/loadtest.js';

/** One row model for every loadtest view: the table and markdown views render these cells. */

const n = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const msCell = (v: number | undefined) => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

export function loadtestHeading(r: LoadtestResult): string {
  const where = r.target.kind === 'aws' ? r.target.projectVersionArn : (r.target.endpoint ?? '');
  return `Load test of ${where} (${r.method.mode === 'open' ? 'open loop, offered TPS' : 'closed loop, users'})`;
}

export function summaryRows(r: LoadtestResult): Array<[string, string, string]> {
  const img = r.images;
  const size = img.meanWidth !== null && img.meanHeight !== null ? `${Math.round(img.meanWidth)}×${Math.round(img.meanHeight)} px, ` : '';
  const objects = img.meanObjects !== null ? `, ${n(img.meanObjects)} objects found per image` : '';
  return [
    ['TPS per unit', r.tpsPerUnit === null ? '—' : n(r.tpsPerUnit), r.derivation],
    [
      'Highest clean TPS',
      r.highestCleanTps === null ? '—' : n(r.highestCleanTps),
      `throttled ≤ ${r.method.throttleLimitPct}% of a step's calls`,
    ],
    [
      'Units in service',
      String(r.units.inService),
      r.units.source + (r.units.maxInferenceUnits !== null ? ` (Min ${r.units.minInferenceUnits}, Max ${r.units.maxInferenceUnits})` : ''),
    ],
    [
      'Images',
      `${img.count} ${img.source === 'bytes' ? 'files' : 'S3 objects'}`,
      `${img.location}: mean ${size}${n(img.meanSizeMb)} MB, ${img.formats.join('/')}${objects}`,
    ],
    [
      'Steps',
      String(r.steps.length),
      `stopped: ${r.stoppedBy}; ${r.method.stepS} s measured after ${r.method.warmupS} s warm-up each, ${r.method.retries ? 'one retry of a failed call (the AWS sample)' : 'no retries'}`,
    ],
  ];
}

export const STEP_HEAD = [
  '#',
  'phase',
  'load',
  'achieved TPS',
  'throttled/s',
  'throttled %',
  'other errors',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'clean',
];

export function stepRow(s: LoadtestStep): string[] {
  return [
    String(s.index),
    s.phase,
    s.offeredTps !== null ? `${n(s.offeredTps)} TPS` : `${s.users} users`,
    n(s.achievedTps),
    n(s.throttledPerS),
    s.throttledPct.toFixed(1),
    s.otherErrors === 0 ? '0' : `${s.otherErrors} (${Object.keys(s.errors).join(', ')})`,
    msCell(s.latencyMs?.p50),
    msCell(s.latencyMs?.p95),
    msCell(s.latencyMs?.p99),
    s.clean ? 'yes' : 'no',
  ];
}
