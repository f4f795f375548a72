import type { BenchResult } from '../../contracts/bench.js';
import type { Formatter } from '../format.js';

/** The result file itself: every other format is a view of this one JSON root. */
export function benchResultJson(r: BenchResult): string {
  return JSON.stringify(r, null, 2) + '\n';
}

export const benchJson: Formatter<BenchResult> = (r) => benchResultJson(r);
