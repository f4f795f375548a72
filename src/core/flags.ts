import { quoteField } from './escape.js';
import { UserError } from './errors.js';

/**
 * Command-line values as typed values: every command reads its numbers through these, so a bad
 * flag is always one line of the same shape, `--flag: expected … , got 'value'`, and exit 2 (a
 * UserError). Commander's `.choices()` checks the flags whose values are names (formats, modes).
 */

export interface NumberFlag {
  /** What the value is, in the message: 'a number' (the default), 'a number of days', 'seconds'. */
  what?: string;
  min: number;
  max?: number;
  /** The value must be above `min`, not equal to it (a cost limit of 0 USD is a typo). */
  aboveMin?: boolean;
}

export interface IntegerFlag {
  /** What the value counts, in the message: 'units' gives 'a whole number of units'. */
  of?: string;
  min: number;
  max?: number;
}

const count = (n: number) => n.toLocaleString('en-US');

function rangeText(min: number, max: number | undefined, aboveMin = false): string {
  if (max !== undefined) return ` from ${count(min)} to ${count(max)}`;
  if (aboveMin) return ` greater than ${count(min)}`;
  return `, at least ${count(min)}`;
}

/** A finite number within the range, in decimal: '0x10', '' and 'Infinity' are refused like any other text. */
export function numberFlag(flag: string, raw: string, spec: NumberFlag): number {
  const n = Number(raw);
  const inRange =
    raw.trim() !== '' &&
    Number.isFinite(n) &&
    !/^\s*[+-]?0[xob]/i.test(raw) &&
    (spec.aboveMin ? n > spec.min : n >= spec.min) &&
    (spec.max === undefined || n <= spec.max);
  if (!inRange)
    throw new UserError(
      `${flag}: expected ${spec.what ?? 'a number'}${rangeText(spec.min, spec.max, spec.aboveMin)}, got ${quoteField(raw)}`,
    );
  return n;
}

/** A whole number in decimal digits within the range: '2.5', '1e3' and '' are refused. */
export function integerFlag(flag: string, raw: string, spec: IntegerFlag): number {
  const n = /^\s*\+?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < spec.min || (spec.max !== undefined && n > spec.max)) {
    const what = `a whole number${spec.of ? ` of ${spec.of}` : ''}`;
    throw new UserError(`${flag}: expected ${what}${rangeText(spec.min, spec.max)}, got ${quoteField(raw)}`);
  }
  return n;
}

/** A duration in seconds (`--step-s 30`, `--call-timeout-s 1.5`). */
export function secondsFlag(flag: string, raw: string, spec: { min: number; max: number }): number {
  return numberFlag(flag, raw, { what: 'seconds', ...spec });
}

/** An optional flag: undefined when it was not given. */
export function optionalFlag<T>(raw: string | undefined, parse: (raw: string) => T): T | undefined {
  return raw === undefined ? undefined : parse(raw);
}
