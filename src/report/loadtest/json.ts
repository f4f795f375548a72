import type { LoadtestResult } from '../../contracts/loadtest.js';
import type { Formatter } from '../format.js';

/** The result file itself: every other format is a view of this one JSON root. */
export function loadtestResultJson(r: LoadtestResult): string {
  return JSON.stringify(r, null, 2) + '\n';
}

export const loadtestJson: Formatter<LoadtestResult> = (r) => loadtestResultJson(r);
