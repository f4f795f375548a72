import type { BacktestResult } from '../../simulate/backtest.js';
import type { Formatter } from '../format.js';

/** The one JSON root the other views are rendered from; `schema` names its version. */
export const backtestJson: Formatter<BacktestResult> = (r) => JSON.stringify(r, null, 2) + '\n';
