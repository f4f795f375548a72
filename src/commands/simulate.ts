import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { simulateWorkload } from '../plan/simulate-result.js';
import { parseStart, parseZoneOutage } from '../plan/simulate-scenario.js';
import { seriesFromProfile, seriesFromTrace, type DemandSeries } from '../plan/simulate-series.js';
import { colorFor, pickFormatter } from '../report/format.js';
import { simulationJson } from '../report/simulation/json.js';
import { simulationMarkdown } from '../report/simulation/markdown.js';
import { simulationTable } from '../report/simulation/table.js';
import { loadWorkload, type LoadedWorkload } from '../workload/load.js';
import { readTrace } from '../workload/trace.js';
import { emit } from './output.js';

export const SIMULATION_FORMATS = { table: simulationTable, json: simulationJson, markdown: simulationMarkdown };

export interface SimulateOptions {
  format: string;
  out?: string;
  min?: string;
  max?: string;
  zoneOutage?: string;
  unitFailure?: string;
}

/** The workload's traffic over time, or undefined when it has only peak/baseline numbers. */
export async function loadDemandSeries(w: LoadedWorkload): Promise<{ series: DemandSeries; source: string } | undefined> {
  const t = w.workload.traffic;
  if (t.profile) return { series: seriesFromProfile(t.profile), source: `traffic.profile (${t.profile.length} hourly values)` };
  if (t.trace) {
    const path = resolve(dirname(w.file), t.trace);
    let trace;
    try {
      trace = await readTrace(path);
    } catch (err) {
      // A missing trace is the workload's problem: point at its traffic.trace line.
      if (err instanceof UserError && err.problems.length === 0) {
        const at = w.doc.locate(['traffic', 'trace']);
        throw UserError.at(w.file, `traffic.trace: ${err.message}`, at.line, at.col);
      }
      throw err;
    }
    return { series: seriesFromTrace(trace.demandTps, trace.startEpochMs), source: `traffic.trace ${t.trace} (${trace.rows} rows, ${trace.unit})` };
  }
  return undefined;
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
  const found = await loadDemandSeries(loaded);
  if (!found) {
    const at = loaded.doc.locate(['traffic']);
    throw UserError.at(file, 'simulate needs traffic over time: add traffic.profile (24 or 168 hourly TPS values) or traffic.trace (a CSV file)', at.line, at.col);
  }
  const { series, source } = found;
  const result = simulateWorkload({
    workload: loaded.workload,
    tpsSource: loaded.tpsSource,
    price: loaded.price,
    series,
    trafficSource: source,
    file,
    warnings: loaded.warnings,
    ...(minUnits !== undefined ? { minUnits } : {}),
    ...(maxUnits !== undefined ? { maxUnits } : {}),
    ...(opts.zoneOutage !== undefined ? { zoneOutage: parseZoneOutage(opts.zoneOutage, series) } : {}),
    ...(opts.unitFailure !== undefined ? { unitFailureMinute: parseStart(opts.unitFailure, series, '--unit-failure') } : {}),
  });
  const color = colorFor(opts.out ? {} : process.stdout);
  await emit(format(result, { color }), opts.out);
  return 0;
}
