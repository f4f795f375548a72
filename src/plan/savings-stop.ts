import type { Plan, Saving } from '../contracts/plan.js';
import { formatUsd, roundUsd } from '../core/money.js';
import { formatCount, formatExact, formatPct } from '../core/numbers.js';
import { simulate, throttledPct } from '../simulate/engine.js';
import { simulationSetup } from '../simulate/setup.js';
import type { ResolvedWorkload } from '../workload/resolve.js';
import { STOP_DEFAULTS, startMinutesOf } from '../workload/schema.js';
import { MINUTES_PER_DAY, MINUTES_PER_WEEK, hhmm } from '../workload/series.js';
import { scheduleCommands, stopStartCommands, type StopWindow } from './savings-commands.js';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const weekLabel = (minuteOfWeek: number) =>
  `${DAYS[Math.floor(minuteOfWeek / MINUTES_PER_DAY) % 7]} ${hhmm(minuteOfWeek % MINUTES_PER_DAY)}`;

/**
 * The minutes of the week where demand is at or below `stopBelowTps` in every week the traffic
 * holds, as runs (circular over the week), each stopped until start_minutes before demand resumes;
 * runs whose stop is shorter than min_stop_minutes are left running.
 */
function stopWindows(r: ResolvedWorkload): StopWindow[] {
  const series = r.overTime!.series;
  const s = r.workload.scaling;
  const below = s.stop_below_tps ?? STOP_DEFAULTS.stopBelowTps;
  const startMinutes = startMinutesOf(r.workload);
  const minStop = s.min_stop_minutes ?? STOP_DEFAULTS.minStopMinutes;
  // 0: not seen, 1: quiet every time seen, 2: busy at least once.
  const state = new Uint8Array(MINUTES_PER_WEEK);
  const d = series.demandTps;
  for (let m = 0; m < d.length; m++) {
    const w = (series.weekOffsetMinutes + m) % MINUTES_PER_WEEK;
    if (d[m]! > below + 1e-12) state[w] = 2;
    else if (state[w] === 0) state[w] = 1;
  }
  const busyAt = state.findIndex((x) => x !== 1);
  if (busyAt < 0) return [];
  const windows: StopWindow[] = [];
  // Walk one week from a minute that is not quiet, so no run is cut at the week's end.
  for (let k = 0; k < MINUTES_PER_WEEK;) {
    const m = (busyAt + k) % MINUTES_PER_WEEK;
    if (state[m] !== 1) {
      k++;
      continue;
    }
    let len = 0;
    while (k + len < MINUTES_PER_WEEK && state[(busyAt + k + len) % MINUTES_PER_WEEK] === 1) len++;
    const stopped = len - startMinutes;
    if (stopped >= minStop) windows.push({ stopMinute: m, startMinute: (m + stopped) % MINUTES_PER_WEEK, stoppedMinutes: stopped });
    k += len;
  }
  return windows.sort((a, b) => a.stopMinute - b.stopMinute);
}

/** 1 where the model runs once the stops apply, over the traffic's minutes. */
function stopMask(r: ResolvedWorkload, windows: StopWindow[]): Uint8Array {
  const series = r.overTime!.series;
  const week = new Uint8Array(MINUTES_PER_WEEK).fill(1);
  for (const w of windows) for (let k = 0; k < w.stoppedMinutes; k++) week[(w.stopMinute + k) % MINUTES_PER_WEEK] = 0;
  const mask = new Uint8Array(series.demandTps.length);
  for (let m = 0; m < mask.length; m++) mask[m] = week[(series.weekOffsetMinutes + m) % MINUTES_PER_WEEK]!;
  return mask;
}

/**
 * Stop the model where there is no demand (or only stop_below_tps), start it start_minutes early.
 * The saving counts the units the answer's basis bills in those hours (Max on the max basis, else
 * Min: every basis bills at least Min while the model runs), so a reader recomputes it by hand; the
 * stops are simulated on the traffic to check they keep max_throttled_pct.
 */
export function stopScheduleSaving(r: ResolvedWorkload, plan: Omit<Plan, 'headline' | 'savings'>): Saving | undefined {
  const w = r.workload;
  // A workload on a part-time schedule is already stopped outside it.
  if (!r.overTime || w.schedule.hours_per_day < 24 || w.schedule.days_per_week < 7) return undefined;
  const windows = stopWindows(r);
  if (windows.length === 0) return undefined;
  const series = r.overTime.series;
  const setup = simulationSetup(r, series);
  const pair = { minUnits: plan.minInferenceUnits, maxUnits: plan.maxInferenceUnits };
  const totals = simulate({ ...setup.base, ...pair, schedule: stopMask(r, windows), restartMinutes: startMinutesOf(w) });
  const throttled = throttledPct(totals);
  if (throttled > w.scaling.max_throttled_pct + 1e-12) return undefined;
  const units = plan.costBasis === 'max' ? pair.maxUnits : pair.minUnits;
  const stoppedMinutesPerWeek = windows.reduce((s, x) => s + x.stoppedMinutes, 0);
  const price = plan.pricePerUnitHourUsd;
  const savingUsd = Math.min(plan.monthlyCostUsd, roundUsd((units * stoppedMinutesPerWeek * 730 * price) / (60 * 168)));
  const failed = failedRequestsPerMonth(r, stopMask(r, windows));
  const timezone = w.traffic.timezone ?? 'UTC';
  const terms = minutesTerms(windows);
  const failedText =
    failed === 0
      ? 'no request fails while stopped (no demand then)'
      : `${formatCount(failed)} requests a month fail while stopped (demand at or below ${formatExact(w.scaling.stop_below_tps ?? 0)} TPS)`;
  return {
    kind: 'stop-schedule',
    title: `stop the model ${windows.length} time${windows.length === 1 ? '' : 's'} a week where there is no demand (${formatExact(stoppedMinutesPerWeek / 60)} h a week, ${timezone}), starting it ${startMinutesOf(w)} min early`,
    monthlySavingUsd: savingUsd,
    monthlyCostUsd: roundUsd(plan.monthlyCostUsd - savingUsd),
    derivation:
      `${units} units × ${terms} min a week / 60 × 730 / 168 × $${price} = ${formatUsd(savingUsd)}; ` +
      `${failedText}; simulated with the stops: ${formatPct(throttled)} throttled (limit ${formatPct(w.scaling.max_throttled_pct)}), start_minutes ${startMinutesOf(w)} billed`,
    commands: [...stopStartCommands(w, pair), ...scheduleCommands(w, pair, windows)],
    stops: {
      timezone,
      windows: windows.map((x) => ({ stop: weekLabel(x.stopMinute), start: weekLabel(x.startMinute), stoppedMinutes: x.stoppedMinutes })),
      stoppedHoursPerWeek: stoppedMinutesPerWeek / 60,
      failedRequestsPerMonth: failed,
      throttledPct: Math.round(throttled * 10_000) / 10_000,
    },
  };
}

/** `(5 × 825 + 3,705)`: the stopped minutes of the week, equal windows grouped. */
function minutesTerms(windows: StopWindow[]): string {
  const counts = new Map<number, number>();
  for (const w of windows) counts.set(w.stoppedMinutes, (counts.get(w.stoppedMinutes) ?? 0) + 1);
  const parts = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([m, c]) => (c === 1 ? `${m}` : `${c} × ${m}`));
  return parts.length === 1 && !parts[0]!.includes('×') ? parts[0]! : `(${parts.join(' + ')})`;
}

function failedRequestsPerMonth(r: ResolvedWorkload, mask: Uint8Array): number {
  const series = r.overTime!.series;
  let requests = 0;
  for (let m = 0; m < mask.length; m++) if (mask[m] === 0) requests += series.demandTps[m]! * 60;
  return Math.round(requests * series.monthScale);
}
