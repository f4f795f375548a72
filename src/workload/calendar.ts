import { MINUTES_PER_DAY, MINUTES_PER_MONTH, MINUTES_PER_WEEK, type DemandSeries } from './series.js';

/**
 * Calendar traffic: `traffic.weekly`, windows such as `{ days: mon-fri, hours: "09:00-17:00", tps: 300 }`
 * with `baseline_tps` outside every window. Days are names (`mon`, `monday`), ranges (`mon-fri`,
 * `fri-mon` wraps past Sunday), `weekdays`, `weekend` or `daily`, comma-separated. Hours are
 * `HH:MM-HH:MM`, end exclusive; an end at or before the start crosses midnight into the next day
 * (Sunday's crosses into Monday: the week repeats). The week is Monday 00:00 first, like a
 * 168-value profile, in `traffic.timezone` when given (reports and schedules name it).
 */
export interface WeeklyWindow {
  days: string;
  hours: string;
  tps: number;
}

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const LONG_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const GROUPS: Record<string, number[]> = { weekdays: [0, 1, 2, 3, 4], weekend: [5, 6], daily: [0, 1, 2, 3, 4, 5, 6] };

function dayIndex(name: string): number | undefined {
  const n = name.trim().toLowerCase();
  const i = DAY_NAMES.indexOf(n);
  if (i >= 0) return i;
  const j = LONG_NAMES.indexOf(n);
  return j >= 0 ? j : undefined;
}

/** Monday-first day numbers of a `days` text, or the problem with it. */
export function parseDays(text: string): { days: number[] } | { error: string } {
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const item = part.trim().toLowerCase();
    if (GROUPS[item]) {
      for (const d of GROUPS[item]) days.add(d);
      continue;
    }
    const ends = item.split('-');
    const first = dayIndex(ends[0] ?? '');
    const last = ends.length === 2 ? dayIndex(ends[1]!) : first;
    if (ends.length > 2 || first === undefined || last === undefined) {
      return { error: `unknown day '${part.trim().slice(0, 40)}': use mon..sun, a range like mon-fri, weekdays, weekend or daily` };
    }
    for (let d = first; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === last) break;
    }
  }
  return { days: [...days].sort((a, b) => a - b) };
}

/** `HH:MM` to minutes of the day; 24:00 only as an end. */
function parseClock(text: string, isEnd: boolean): number | undefined {
  const m = /^(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59 || minutes > MINUTES_PER_DAY || (minutes === MINUTES_PER_DAY && !isEnd)) return undefined;
  return minutes;
}

/** A window's start minute of the day and its length in minutes (crossing midnight when end <= start). */
export function parseHours(text: string): { startMinute: number; minutes: number } | { error: string } {
  const [from, to, ...rest] = text.split('-');
  const start = from === undefined ? undefined : parseClock(from, false);
  const end = to === undefined ? undefined : parseClock(to, true);
  if (rest.length || start === undefined || end === undefined)
    return { error: `hours '${text.slice(0, 40)}' must be HH:MM-HH:MM (00:00 to 24:00, end exclusive)` };
  if (end === start)
    return { error: `hours '${text.slice(0, 40)}' is empty: give a window of at least a minute (00:00-24:00 for the whole day)` };
  return { startMinute: start, minutes: end > start ? end - start : MINUTES_PER_DAY - start + end };
}

/**
 * Each window's minutes of the week (Monday 00:00 = 0), or the first problem found: which window
 * and which key, so the schema can point at its line. A window overlapping an earlier one is
 * reported at the later window.
 */
export function weeklyMinutes(
  windows: readonly WeeklyWindow[],
): { owner: Int16Array } | { error: { index: number; key: 'days' | 'hours' | 'tps'; message: string } } {
  // owner[m]: index of the window covering minute m of the week, or -1.
  const owner = new Int16Array(MINUTES_PER_WEEK).fill(-1);
  for (const [index, w] of windows.entries()) {
    const days = parseDays(w.days);
    if ('error' in days) return { error: { index, key: 'days', message: days.error } };
    const hours = parseHours(w.hours);
    if ('error' in hours) return { error: { index, key: 'hours', message: hours.error } };
    for (const day of days.days) {
      const first = day * MINUTES_PER_DAY + hours.startMinute;
      for (let k = 0; k < hours.minutes; k++) {
        const m = (first + k) % MINUTES_PER_WEEK;
        const other = owner[m]!;
        if (other >= 0) {
          return {
            error: {
              index,
              key: 'hours',
              message: `weekly[${index}] overlaps weekly[${other}] at ${DAY_NAMES[Math.floor(m / MINUTES_PER_DAY)]} ${clock(m % MINUTES_PER_DAY)}: windows must not overlap`,
            },
          };
        }
        owner[m] = index;
      }
    }
  }
  return { owner };
}

const clock = (minuteOfDay: number) =>
  `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;

/** Demand in each minute of the week: the covering window's TPS, else baseline. Windows already validated. */
export function weekDemandTps(windows: readonly WeeklyWindow[], baselineTps: number): Float64Array {
  const r = weeklyMinutes(windows);
  if ('error' in r) throw new Error(r.error.message);
  const week = new Float64Array(MINUTES_PER_WEEK);
  for (let m = 0; m < MINUTES_PER_WEEK; m++) week[m] = r.owner[m]! >= 0 ? windows[r.owner[m]!]!.tps : baselineTps;
  return week;
}

/** The week repeated to fill one 730-hour month, like a 168-value profile (Monday 00:00 first). */
export function seriesFromWeekly(windows: readonly WeeklyWindow[], baselineTps: number): DemandSeries {
  const week = weekDemandTps(windows, baselineTps);
  const demandTps = new Float64Array(MINUTES_PER_MONTH);
  for (let m = 0; m < MINUTES_PER_MONTH; m++) demandTps[m] = week[m % MINUTES_PER_WEEK]!;
  return { kind: 'profile-week', demandTps, weekOffsetMinutes: 0, monthScale: 1 };
}

/** Hours a week inside some window: the expected cost runs Max in them. */
export function windowHoursPerWeek(windows: readonly WeeklyWindow[]): number {
  const r = weeklyMinutes(windows);
  if ('error' in r) throw new Error(r.error.message);
  let minutes = 0;
  for (let m = 0; m < MINUTES_PER_WEEK; m++) if (r.owner[m]! >= 0) minutes++;
  return minutes / 60;
}

/** Whether `name` is an IANA time zone this Node knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
