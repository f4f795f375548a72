import { dirname, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import type { LocatedDocument } from '../core/yaml.js';
import type { Workload } from './schema.js';
import { lowestTpsOf, peakTpsOf, seriesFromProfile, seriesFromTrace, type DemandSeries } from './series.js';
import { readTrace } from './trace.js';

/** Traffic with peak and baseline decided: what the planner and the simulator read. */
type DecidedTraffic = Workload['traffic'] & { peak_tps: number; baseline_tps: number };
export type WorkloadWithTraffic = Omit<Workload, 'traffic'> & { traffic: DecidedTraffic };

/** Traffic minute by minute, from traffic.profile or traffic.trace, and how a report names it. */
export interface TrafficOverTime {
  series: DemandSeries;
  source: string;
}

/**
 * The one rule for peak and baseline TPS. peak_tps when given, else the highest minute of the
 * profile or trace. baseline_tps when given; else the lowest minute when the peak came from the
 * traffic over time, or the peak itself. Pure; a no-op on traffic already decided.
 */
export function decideTraffic(w: Workload, series?: DemandSeries): WorkloadWithTraffic {
  const t = w.traffic;
  const fromSeries = t.peak_tps === undefined;
  if (fromSeries && !series) throw new Error(`${w.name}: traffic without peak_tps needs its profile or trace series`);
  const peak = t.peak_tps ?? peakTpsOf(series!.demandTps);
  const baseline = t.baseline_tps ?? (fromSeries ? lowestTpsOf(series!.demandTps) : peak);
  return { ...w, traffic: { ...t, peak_tps: peak, baseline_tps: baseline } };
}

/** Reads what the traffic points at (a trace file, relative to the workload) into a minute series. */
export async function readTrafficOverTime(w: Workload, file: string, doc: LocatedDocument): Promise<TrafficOverTime | undefined> {
  const t = w.traffic;
  if (t.profile) return { series: seriesFromProfile(t.profile), source: `traffic.profile (${t.profile.length} hourly values)` };
  if (!t.trace) return undefined;
  const path = resolve(dirname(file), t.trace);
  let trace;
  try {
    trace = await readTrace(path);
  } catch (err) {
    // A missing trace is the workload's problem: point at its traffic.trace line.
    if (err instanceof UserError && err.problems.every((p) => p.line === undefined)) {
      const at = doc.locate(['traffic', 'trace']);
      throw UserError.at(file, `traffic.trace: ${err.message}`, at.line, at.col);
    }
    throw err;
  }
  return { series: seriesFromTrace(trace.demandTps, trace.startEpochMs), source: `traffic.trace ${t.trace} (${trace.rows} rows, ${trace.unit})` };
}
