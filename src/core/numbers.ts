/**
 * One formatter per kind of number, used by every report and message, so a figure reads the
 * same in a table, a derivation, a warning and a pull-request comment. Money is in money.ts.
 * JSON keeps the numbers themselves; these are for people.
 */

// Made once: toLocaleString builds a new formatter per call, which shows up over many rows.
const HOURS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const TPS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const PCT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Hours with thousands and at most 2 decimals: `17,120.23`, `730`. */
export function formatHours(hours: number): string {
  return HOURS.format(hours);
}

/** Transactions per second, always 2 decimals: `12.50`. */
export function formatTps(tps: number): string {
  return TPS.format(tps);
}

/** A whole count with thousands: requests, minutes. */
export function formatCount(n: number): string {
  return COUNT.format(n);
}

/**
 * A percentage with at most 2 decimals and the sign: `0.32%`, `17%`; `<0.01%` for a share above 0
 * that would otherwise print as 0 (a throttled share must never read as none).
 */
export function formatPct(pct: number): string {
  if (pct > 0 && pct < 0.005) return '<0.01%';
  if (pct < 0 && pct > -0.005) return '>-0.01%';
  return `${PCT.format(pct)}%`;
}
