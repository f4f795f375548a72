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
 * Intl.NumberFormat('en-US', 2 decimals) would. Written out because creating that formatter
 * loads ICU locale data: ~10 ms of CPU at every start-up, a sixth of Node's own. Like ICU it
 * rounds the shortest decimal form of the number half up (1.005 -> 1.01), not its binary value
 * (toFixed gives 1.00); exponent forms (below 1e-6, from 1e21) are left to Intl itself.
 */
export function formatUsd(usd: number): string {
  const s = `$${twoDecimals(Math.abs(usd))}`;
  return usd < 0 ? `-${s}` : s;
}

let intlDollars: Intl.NumberFormat | undefined;

function twoDecimals(x: number): string {
  const decimal = String(x);
  if (decimal.includes('e')) return (intlDollars ??= new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })).format(x);
  const [whole = '0', fraction = ''] = decimal.split('.');
  const digits = fraction.padEnd(3, '0');
  const cents = BigInt(whole) * 100n + BigInt(digits.slice(0, 2)) + (digits[2]! >= '5' ? 1n : 0n);
  return `${(cents / 100n).toString().replace(/\B(?=(\d{3})+$)/g, ',')}.${(cents % 100n).toString().padStart(2, '0')}`;
}
