import { UserError } from '../core/errors.js';
import { simulateWorkload } from '../simulate/result.js';
import { parseStart, parseZoneOutage } from '../simulate/scenario.js';
import { pickFormatter } from '../report/format.js';
import { simulationJson } from '../report/simulation/json.js';
import { simulationMarkdown } from '../report/simulation/markdown.js';
import { simulationTable } from '../report/simulation/table.js';
import { loadWorkload } from '../workload/resolve.js';
import { colorForOutput, emit } from './output.js';

export const SIMULATION_FORMATS = { table: simulationTable, json: simulationJson, markdown: simulationMarkdown };

export interface SimulateOptions {
  format: string;
  out?: string;
  min?: string;
  max?: string;
  zoneOutage?: string;
  unitFailure?: string;
}

function unitsFlag(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new UserError(`${flag}: expected a whole number of units, 1 or more, got '${text}'`);
  return Number(text);
}

export async function simulateCommand(file: string, opts: SimulateOptions): Promise<number> {
  const format = pickFormatter(SIMULATION_FORMATS, opts.format);
  const minUnits = unitsFlag(opts.min, '--min');
  const maxUnits = unitsFlag(opts.max, '--max');
  if (minUnits !== undefined && maxUnits !== undefined && minUnits > maxUnits) throw new UserError(`--min ${minUnits} is above --max ${maxUnits}`);
  const loaded = await loadWorkload(file);
  if (!loaded.overTime) {
    const at = loaded.doc.locate(['traffic']);
    throw UserError.at(file, 'simulate needs traffic over time: add traffic.profile (24 or 168 hourly TPS values) or traffic.trace (a CSV file)', at.line, at.col);
  }
  const { series } = loaded.overTime;
  const zoneOutage = opts.zoneOutage !== undefined ? parseZoneOutage(opts.zoneOutage, series) : undefined;
  const unitFailureMinute = opts.unitFailure !== undefined ? parseStart(opts.unitFailure, series, '--unit-failure') : undefined;
  const result = simulateWorkload(loaded, loaded.overTime, {
    ...(minUnits !== undefined ? { minUnits } : {}),
    ...(maxUnits !== undefined ? { maxUnits } : {}),
    ...(zoneOutage ? { zoneOutage } : {}),
    ...(unitFailureMinute !== undefined ? { unitFailureMinute } : {}),
  });
  const color = colorForOutput(opts.out);
  await emit(format(result, { color }), opts.out);
  return 0;
}
