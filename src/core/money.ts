import { groupedDecimal } from './numbers.js';

/**
 * USD to cents. Not a money library: every figure here is a float product of hours and a
 * price, rounded once for display and JSON. Totals add the rounded per-workload figures,
 * so a total always equals the sum of the rows shown above it.
 * The epsilon nudge keeps 0.125 -> 0.13 despite binary floating point.
 */
export function roundUsd(usd: number): number {
  return Math.round((usd + Math.sign(usd) * Number.EPSILON * Math.abs(usd)) * 100) / 100;
}

/** Rounds a non-money figure to a number of decimals for reports. */
export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

/**
 * `$1,234.56`, `-$20.00`: every report and message writes dollars this way, as
 * Intl.NumberFormat('en-US', 2 decimals) would, without loading ICU (see groupedDecimal).
 */
export function formatUsd(usd: number): string {
  const s = `$${groupedDecimal(Math.abs(usd), 2)}`;
  return usd < 0 ? `-${s}` : s;
}
