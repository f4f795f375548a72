import { describe, expect, it } from 'vitest';
import { integerFlag, numberFlag, optionalFlag, secondsFlag } from '../../src/core/flags.js';

const message = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the flag to be refused');
};

describe('integerFlag', () => {
  it('reads decimal whole numbers within the range, the ends included', () => {
    expect(integerFlag('--units', '1', { min: 1, max: 64 })).toBe(1);
    expect(integerFlag('--units', '64', { min: 1, max: 64 })).toBe(64);
    expect(integerFlag('--port', '0', { min: 0, max: 65535 })).toBe(0);
    expect(integerFlag('--max-units', '100000', { of: 'units', min: 1 })).toBe(100_000);
  });

  it.each(['0', '65', '2.5', '1e1', '0x10', '', ' ', '-1', 'abc', 'Infinity', '9007199254740993'])('refuses %j in one line', (raw) => {
    const m = message(() => integerFlag('--units', raw, { of: 'units', min: 1, max: 64 }));
    expect(m).toMatch(/^--units: expected a whole number of units from 1 to 64, got '.*'$/);
    expect(m).not.toContain('\n');
  });

  it('says the open end as "at least"', () => {
    expect(message(() => integerFlag('--max-units', '0', { of: 'units', min: 1 }))).toBe(
      "--max-units: expected a whole number of units, at least 1, got '0'",
    );
  });

  it('writes large bounds with separators, as the limits in the README are written', () => {
    expect(message(() => integerFlag('--min', '100001', { of: 'units', min: 1, max: 100_000 }))).toBe(
      "--min: expected a whole number of units from 1 to 100,000, got '100001'",
    );
  });
});

describe('numberFlag', () => {
  it('reads decimals within the range', () => {
    expect(numberFlag('--resolution-pct', '0.1', { min: 0.1, max: 100 })).toBe(0.1);
    expect(numberFlag('--max-increase-usd', '0', { min: 0 })).toBe(0);
    expect(numberFlag('--x', '1e3', { min: 0 })).toBe(1000);
  });

  it('refuses 0 when the bound is exclusive (a budget of $0 is a typo), and names what it wanted', () => {
    expect(message(() => numberFlag('--max-monthly-cost', '0', { what: 'an amount in USD', min: 0, aboveMin: true }))).toBe(
      "--max-monthly-cost: expected an amount in USD greater than 0, got '0'",
    );
  });

  it.each(['lots', '', 'NaN', 'Infinity', '0x10', '101', '-0.5'])('refuses %j', (raw) => {
    expect(message(() => numberFlag('--pct', raw, { what: 'a percentage', min: 0, max: 100 }))).toMatch(
      /^--pct: expected a percentage from 0 to 100, got '.*'$/,
    );
  });

  it('quotes a value with control characters escaped and cut short: flags reach the terminal', () => {
    const m = message(() => numberFlag('--x', `\u001b[31m${'9'.repeat(100)}`, { min: 0, max: 1 }));
    expect(m).not.toContain('\u001b');
    expect(m).toContain('…');
  });
});

describe('secondsFlag and optionalFlag', () => {
  it('reads seconds and says seconds when it refuses', () => {
    expect(secondsFlag('--step-s', '0.5', { min: 0.1, max: 3600 })).toBe(0.5);
    expect(message(() => secondsFlag('--timeout-s', '0', { min: 1, max: 3600 }))).toBe(
      "--timeout-s: expected seconds from 1 to 3,600, got '0'",
    );
  });

  it('gives undefined for a flag that was not given, else the parsed value', () => {
    const parse = (v: string) => integerFlag('--threads', v, { min: 1, max: 256 });
    expect(optionalFlag(undefined, parse)).toBeUndefined();
    expect(optionalFlag('4', parse)).toBe(4);
  });
});
