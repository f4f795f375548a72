import type { GateResult } from '../../gate/result.js';
import type { Formatter } from '../format.js';

/** The result as it stands: it carries `"schema": "capacity-plan/gate@1"`. */
export const gateJson: Formatter<GateResult> = (r) => JSON.stringify(r, null, 2) + '\n';
