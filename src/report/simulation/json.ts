import type { SimulationResult } from '../../simulate/result.js';
import type { Formatter } from '../format.js';

/** The one JSON root every other view is rendered from; `schema` names its version. */
export const simulationJson: Formatter<SimulationResult> = (r) => JSON.stringify(r, null, 2) + '\n';
