import type { BenchResult } from '../../bench/result-schema.js';
import type { Formatter } from '../format.js';

/** The result file itself: every other format is a view of this one JSON root. */
export const benchJson: Formatter<BenchResult> = (r) => JSON.stringify(r, null, 2) + '\n';
