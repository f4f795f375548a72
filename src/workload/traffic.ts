import { dirname, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { lowestTpsOf, peakTpsOf, seriesFromProfile, seriesFromTrace, type DemandSeries } from './series.js';
import type { LoadedWorkload } from './load.js';
import type { Workload } from './schema.js';
import { readTrace } from './trace.js';

/** Traffic with peak and baseline decided: what the planner and the simulator read. */
type ResolvedTraffic = Workload['traffic'] & { peak_tps: number; baseline_tps: number };
export type ResolvedWorkload = Omit<Workload, 'traffic'> & { traffic: ResolvedTraffic };

/** Traffic minute by minute, from traffic.profile or traffic.trace, and how a report names it. */
interface TrafficOverTime {
  series: DemandSeries;
  source: string;
}

/** A loaded workload whose traffic is complete; `overTime` is there when it has a profile or trace. */
export interface LoadedResolvedWorkload extends LoadedWorkload {
  workload: ResolvedWorkload;
  overTime?: TrafficOverTime;
}

/**
 * The one rule for peak and baseline TPS. peak_tps when given, else the highest minute of the
 * profile or trace. baseline_tps when given; else the lowest minute when the peak came from the
 * traffic over time, or the peak itself. Pure; a no-op on traffic already resolved.
 */
export function resolveWorkloadTraffic(w: Workload, series?: DemandSeries): ResolvedWorkload {
  const t = w.traffic;
  const fromSeries = t.peak_tps === undefined;
  if (fromSeries && !series) throw new Error(`${w.name}: traffic without peak_tps needs its profile or trace series`);
  const peak = t.peak_tps ?? peakTpsOf(series!.demandTps);
  const baseline = t.baseline_tps ?? (fromSeries ? lowestTpsOf(series!.demandTps) : peak);
  return { ...w, traffic: { ...t, peak_tps: peak, baseline_tps: baseline } };
}

/** Reads what the traffic points at (a trace file) and decides peak and baseline: for plan, simulate, gate and validate. */
export async function resolveTraffic(loaded: LoadedWorkload): Promise<LoadedResolvedWorkload> {
  const overTime = await readTrafficOverTime(loaded);
  return { ...loaded, workload: resolveWorkloadTraffic(loaded.workload, overTime?.series), ...(overTime ? { overTime } : {}) };
}

async function readTrafficOverTime(w: LoadedWorkload): Promise<TrafficOverTime | undefined> {
  const t = w.workload.traffic;
  if (t.profile) return { series: seriesFromProfile(t.profile), source: `traffic.profile (${t.profile.length} hourly values)` };
  if (!t.trace) return undefined;
  const path = resolve(dirname(w.file), t.trace);
  let trace;
  try {
    trace = await readTrace(path);
  } catch (err) {
    // A missing trace is the workload's problem: point at its traffic.trace line.
    if (err instanceof UserError && err.problems.every((p) => p.line === undefined)) {
      const at = w.doc.locate(['traffic', 'trace']);
      throw UserError.at(w.file, `traffic.trace: ${err.message}`, at.line, at.col);
    }
    throw err;
  }
  return { series: seriesFromTrace(trace.demandTps, trace.startEpochMs), source: `traffic.trace ${t.trace} (${trace.rows} rows, ${trace.unit})` };
}
