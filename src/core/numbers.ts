/**
 * One formatter per kind of number, used by every report and message, so a figure reads the
 * same in a table, a derivation, a warning and a pull-request comment. Money is in money.ts.
 * JSON keeps the numbers themselves; these are for people.
 */

let intl: Map<string, Intl.NumberFormat> | undefined;

/**
 * `x` with `decimals` decimals and thousands separators, as Intl.NumberFormat('en-US') would.
 * Written out because creating that formatter loads ICU locale data: ~10 ms of CPU at every
 * start-up. Like ICU it rounds the shortest decimal form of the number half up (1.005 -> 1.01),
 * not its binary value; exponent forms (below 1e-6, from 1e21) are left to Intl itself.
 * `trim`: drop trailing zeros of the fraction (and the point), for at-most-N-decimals figures.
 */
export function groupedDecimal(x: number, decimals: number, trim = false): string {
  const negative = x < 0;
  const decimal = String(Math.abs(x));
  if (decimal.includes('e')) {
    const key = `${decimals}${trim}`;
    intl ??= new Map();
    let f = intl.get(key);
    if (!f)
      intl.set(key, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: trim ? 0 : decimals, maximumFractionDigits: decimals })));
    const text = f.format(x);
    return /[1-9]/.test(text) ? text : text.replace(/^-/, ''); // no '-0'
  }
  const [whole = '0', fraction = ''] = decimal.split('.');
  const digits = fraction.padEnd(decimals + 1, '0');
  const scale = 10n ** BigInt(decimals);
  const units = BigInt(whole) * scale + BigInt(digits.slice(0, decimals) || '0') + (digits[decimals]! >= '5' ? 1n : 0n);
  const grouped = (units / scale).toString().replace(/\B(?=(\d{3})+$)/g, ',');
  let frac = decimals > 0 ? (units % scale).toString().padStart(decimals, '0') : '';
  if (trim) frac = frac.replace(/0+$/, '');
  const out = frac ? `${grouped}.${frac}` : grouped;
  return negative && /[1-9]/.test(out) ? `-${out}` : out;
}

/** Hours with thousands and at most 2 decimals: `17,120.23`, `730`. */
export function formatHours(hours: number): string {
  return groupedDecimal(hours, 2, true);
}

/** Transactions per second, always 2 decimals: `12.50`. */
export function formatTps(tps: number): string {
  return groupedDecimal(tps, 2);
}

/** A whole count with thousands: requests, minutes. */
export function formatCount(n: number): string {
  return groupedDecimal(Math.round(n), 0);
}

/**
 * A percentage with at most 2 decimals and the sign: `0.32%`, `17%`; `<0.01%` for a share above 0
 * that would otherwise print as 0 (a throttled share must never read as none).
 */
export function formatPct(pct: number): string {
  if (pct > 0 && pct < 0.005) return '<0.01%';
  if (pct < 0 && pct > -0.005) return '>-0.01%';
  return `${groupedDecimal(pct, 2, true)}%`;
}

/**
 * TPS as plans compute on it and print it: 3 decimals, or 4 significant digits below 1 TPS (so
 * a slow model never rounds to 0). Derivations print these exactly, so every step can be redone
 * by hand from the figures shown.
 */
export function roundTps(tps: number): number {
  return tps >= 1 ? Math.round(tps * 1000) / 1000 : Number(tps.toPrecision(4));
}

/** A product of two printed figures without floating-point noise (4.999 × 0.8 = 3.9992, not 3.9992000000000005). */
export function exactProduct(a: number, b: number): number {
  return Number((a * b).toPrecision(12));
}

/** A figure exactly as computed, with thousands and no trailing zeros: `4.999`, `3.9992`, `1,200`. */
export function formatExact(x: number): string {
  if (x !== 0 && Math.abs(x) < 1e-6) {
    // Below 1e-6 JavaScript writes an exponent: its shortest digits, placed after the point.
    const [mantissa, exponent] = Math.abs(x).toExponential().split('e');
    return `${x < 0 ? '-' : ''}0.${'0'.repeat(-Number(exponent) - 1)}${mantissa!.replace('.', '')}`;
  }
  // More decimals than any double needs: the shortest decimal that reads back as x, grouped.
  return groupedDecimal(x, 20, true);
}
