import type { SimulationResult } from '../../contracts/simulation.js';
import type { Formatter } from '../format.js';

/**
 * The one JSON root every other view is rendered from; `schema` names its version. The
 * minute series is written one array per line: indented, a month of numbers would be
 * 43,800 lines of a file people open to read the figures above it.
 */
export const simulationJson: Formatter<SimulationResult> = (r) => {
  const { series, ...figures } = r;
  const head = JSON.stringify(figures, null, 2);
  const lines = Object.entries(series).map(([key, value]) => `    ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  return `${head.slice(0, -2)},\n  "series": {\n${lines.join(',\n')}\n  }\n}\n`;
};
