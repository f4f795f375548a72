import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import exact from 'string-width';

const require = createRequire(import.meta.url);
const fast = require('../../src/report/string-width.cjs') as (s: string) => number;

/** A seeded generator, so a failure names a case that can be run again. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('string-width with a fast path for one-column characters', () => {
  it('measures every character of the fast path as string-width does', () => {
    const fastPath = [...Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i), ...Array.from({ length: 0x80 }, (_, i) => 0x2500 + i), 0xd7, 0xb1, 0x2013, 0x2014, 0x2192, 0x2212, 0x2264, 0x2265, 0x2248];
    for (const c of fastPath) expect(fast(String.fromCharCode(c)), `U+${c.toString(16)}`).toBe(exact(String.fromCharCode(c)));
    expect(fast('')).toBe(0);
  });

  it('agrees with string-width on mixed text: ASCII, colours, emoji, CJK, combining marks, control characters', () => {
    const pieces = ['a', 'Z', '0', '#', '*', ' ', '|', '~', '\u001b[31m', '\u001b[0m', '\u001b[1;32m', '\u009b4m', '─', '│', '┼', '╭', '—', '×', '≥', '→', '−', '±', '\ufe0f', '\u20e3', '©', 'é', 'e\u0301', '日本', '👍', '1\ufe0f\u20e3', '#\ufe0f\u20e3', '\t', '\u0007', '\u007f', '€', '🇩🇪'];
    const next = random(42);
    for (let i = 0; i < 3000; i++) {
      const n = Math.floor(next() * 12);
      let text = '';
      for (let k = 0; k < n; k++) text += pieces[Math.floor(next() * pieces.length)];
      expect(fast(text), JSON.stringify(text)).toBe(exact(text));
    }
  });

  it('can be called as cli-table3 and wrap-ansi call it, and as a default import', () => {
    const mod = require('../../src/report/string-width.cjs') as { default: (s: string) => number };
    expect(mod.default('abc')).toBe(3);
    expect(fast('\u001b[31mred\u001b[0m')).toBe(3);
  });
});
