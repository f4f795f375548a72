import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUsd } from '../../src/core/money.js';
import { formatCount, formatHours, formatPct, formatTps, groupedDecimal } from '../../src/core/numbers.js';

describe('number formatters', () => {
  it('one way per kind', () => {
    expect(formatUsd(5840)).toBe('$5,840.00');
    expect(formatUsd(-730)).toBe('-$730.00');
    expect(formatHours(17120.2345)).toBe('17,120.23');
    expect(formatHours(730)).toBe('730');
    expect(formatHours(1564.2857)).toBe('1,564.29');
    expect(formatTps(10)).toBe('10.00');
    expect(formatTps(7.6066)).toBe('7.61');
    expect(formatCount(133902000)).toBe('133,902,000');
    expect(formatPct(0.4167)).toBe('0.42%');
    expect(formatPct(17)).toBe('17%');
    expect(formatPct(0)).toBe('0%');
    expect(formatPct(0.0004)).toBe('<0.01%'); // throttling above zero never reads as none
    expect(formatPct(-8.333)).toBe('-8.33%');
  });

  it('agrees with Intl.NumberFormat en-US, which it replaces to spare ICU start-up', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.integer({ min: 0, max: 4 }), fc.boolean(), (x, decimals, trim) => {
        const intl = new Intl.NumberFormat('en-US', { minimumFractionDigits: trim ? 0 : decimals, maximumFractionDigits: decimals }).format(
          x,
        );
        expect(groupedDecimal(x, decimals, trim)).toBe(intl === '-0' ? '0' : intl.replace(/^-(0(\.0+)?)$/, '$1'));
      }),
      { numRuns: 2000 },
    );
  });
});
