import type { Formatter } from '../format.js';
import type { ValidateResult } from './result.js';

export const validateJson: Formatter<ValidateResult> = (r) => JSON.stringify(r, null, 2) + '\n';
