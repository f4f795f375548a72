import { describe, expect, it } from 'vitest';
import { corpusDraws } from '../../src/bench/corpus.js';

const take = (next: () => number, n: number) => Array.from({ length: n }, next);

describe('corpus draws', () => {
  it('are the same sequence for the same seed, and another for another seed', () => {
    const a = take(corpusDraws(7, 1000), 500);
    expect(take(corpusDraws(7, 1000), 500)).toEqual(a);
    const b = take(corpusDraws(8, 1000), 500);
    expect(b).not.toEqual(a);
    // Two independent uniform streams over 1000 agree at a position ~1 time in 1000.
    expect(a.filter((v, i) => v === b[i]).length).toBeLessThan(10);
  });

  it('stay inside the pool and draw with replacement', () => {
    const draws = take(corpusDraws(1, 20), 200);
    expect(Math.min(...draws)).toBe(0);
    expect(Math.max(...draws)).toBe(19);
    // 200 draws from 20 images: each image about 10 times; with replacement, never a permutation.
    const counts = Array.from({ length: 20 }, (_, i) => draws.filter((d) => d === i).length);
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThan(30);
  });

  it('refuse an empty pool', () => {
    expect(() => corpusDraws(1, 0)).toThrow();
  });
});
