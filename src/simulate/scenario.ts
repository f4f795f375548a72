import { UserError } from '../core/errors.js';
import { MINUTES_PER_DAY, MINUTES_PER_WEEK, WEEKDAYS, type DemandSeries } from '../workload/series.js';

/**
 * When a scenario starts and how long it lasts, as the user types it.
 * START: minutes from the first minute (`540`); a time of day, the first one on or after the
 * start (`09:00`); a weekday and time, the first one on or after the start (`mon 09:00`,
 * `mon-09:00`); or, for a trace, an ISO time (`2025-03-04T09:00Z`).
 * DURATION: minutes (`120`) or units (`90m`, `2h`, `1h30m`, `1d`).
 */
const START_HELP =
  "START is minutes from the first minute (540), a time of day (09:00), a weekday and time ('mon 09:00' or mon-09:00), or an ISO time for a trace";
const DURATION_HELP = 'DURATION is minutes (120) or 90m, 2h, 1h30m, 1d';

export function parseStart(text: string, series: DemandSeries, flag: string): number {
  const s = text.trim().toLowerCase();
  const n = series.demandTps.length;
  let minute: number | undefined;
  let m: RegExpMatchArray | null;
  if (/^\d+$/.test(s)) minute = Number(s);
  else if ((m = s.match(/^(?:([a-z]{3})[a-z]*[\s-]*)?(\d{1,2}):(\d{2})$/))) {
    const h = Number(m[2]);
    const mm = Number(m[3]);
    if (h > 23 || mm > 59) throw new UserError(`${flag}: '${text}' is not a time of day`);
    const target = h * 60 + mm;
    const offset = series.weekOffsetMinutes;
    if (m[1] !== undefined) {
      const day = WEEKDAYS.findIndex((w) => w.toLowerCase() === m![1]);
      if (day < 0) throw new UserError(`${flag}: '${m[1]}' is not a weekday (mon, tue, wed, thu, fri, sat, sun)`);
      minute = (day * MINUTES_PER_DAY + target - (offset % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
    } else {
      minute = (target - (offset % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    }
  } else if (/^\d{4}-\d{2}-\d{2}t/.test(s) && series.startEpochMs !== undefined) {
    const ms = Date.parse(/(z|[+-]\d{2}:?\d{2})$/.test(s) ? s.toUpperCase() : `${s.toUpperCase()}Z`);
    if (!Number.isFinite(ms)) throw new UserError(`${flag}: cannot read time '${text}'`);
    minute = Math.floor((ms - series.startEpochMs) / 60_000);
    if (minute < 0) throw new UserError(`${flag}: ${text} is before the trace starts`);
  }
  if (minute === undefined) throw new UserError(`${flag}: cannot read START '${text}': ${START_HELP}`);
  if (minute >= n) throw new UserError(`${flag}: START '${text}' (minute ${minute}) is past the end of the traffic (${n} minutes)`);
  return minute;
}

export function parseDuration(text: string, flag: string): number {
  const s = text.trim().toLowerCase();
  if (/^\d+$/.test(s)) {
    const v = Number(s);
    if (v <= 0) throw new UserError(`${flag}: DURATION must be more than 0 minutes`);
    return v;
  }
  const m = s.match(/^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?:in)?)?$/);
  if (!m || s === '') throw new UserError(`${flag}: cannot read DURATION '${text}': ${DURATION_HELP}`);
  const minutes = Number(m[1] ?? 0) * MINUTES_PER_DAY + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  if (minutes <= 0) throw new UserError(`${flag}: DURATION must be more than 0 minutes`);
  return minutes;
}

/** `--zone-outage START/DURATION` → minutes. */
export function parseZoneOutage(text: string, series: DemandSeries): { startMinute: number; durationMinutes: number } {
  const flag = '--zone-outage';
  const slash = text.lastIndexOf('/');
  if (slash < 0) throw new UserError(`${flag}: expected START/DURATION, e.g. 'mon 09:00/2h' or 540/120, got '${text}'`);
  return { startMinute: parseStart(text.slice(0, slash), series, flag), durationMinutes: parseDuration(text.slice(slash + 1), flag) };
}
