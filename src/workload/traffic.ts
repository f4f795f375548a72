import { dirname, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import type { LocatedDocument } from '../core/yaml.js';
import type { Warning } from '../core/errors.js';
import { startMinutesOf, type Workload } from './schema.js';
import { lowestTpsOf, peakTpsOf, seriesFromProfile, seriesFromTrace, type DemandSeries } from './series.js';
import { readUserFile } from '../core/files.js';
import type { CloudWatchHistory } from './cloudwatch.js';
import { readTrace } from './trace.js';
import { seriesFromWeekly } from './calendar.js';
import { roundTps } from '../core/numbers.js';

/** Traffic with peak and baseline decided: what the planner and the simulator read. */
type DecidedTraffic = Workload['traffic'] & { peak_tps: number; baseline_tps: number };
export type WorkloadWithTraffic = Omit<Workload, 'traffic'> & { traffic: DecidedTraffic };

/** What a CloudWatch history recorded besides demand: what a backtest compares the simulator with. */
export type RecordedHistory = Pick<
  CloudWatchHistory,
  'throttledPerMinute' | 'inServiceUnits' | 'minUnits' | 'maxUnits' | 'pairChanged' | 'periodSeconds'
>;

/** Traffic minute by minute, from traffic.profile, trace or cloudwatch, and how a report names it. */
export interface TrafficOverTime {
  series: DemandSeries;
  source: string;
  /** Present for a CloudWatch history. */
  recorded?: RecordedHistory;
  /** What reading the traffic found worth saying (a CloudWatch history's partial data, its fallback series). */
  warnings?: Warning[];
}

/**
 * The one rule for peak and baseline TPS. peak_tps when given, else the highest minute of the
 * profile or trace. baseline_tps when given; else the lowest minute when the peak came from the
 * traffic over time, or the peak itself. Pure; a no-op on traffic already decided.
 */
export function decideTraffic(w: Workload, series?: DemandSeries): WorkloadWithTraffic {
  const t = w.traffic;
  const fromSeries = t.peak_tps === undefined;
  if (fromSeries && !series && !t.batch) throw new Error(`${w.name}: traffic without peak_tps needs its profile or trace series`);
  if (t.batch) return { ...w, traffic: { ...t, peak_tps: roundTps(batchRateTps(t.batch, startMinutesOf(w))), baseline_tps: 0 } };
  const peak = t.peak_tps ?? peakTpsOf(series!.demandTps);
  const baseline = t.baseline_tps ?? (t.weekly ? 0 : fromSeries ? lowestTpsOf(series!.demandTps) : peak);
  return { ...w, traffic: { ...t, peak_tps: peak, baseline_tps: baseline } };
}

/**
 * Reads what the traffic points at (a trace or CloudWatch file, relative to the workload) into a
 * minute series. `paths`: those files already confined by the caller (core/paths.ts).
 */
export async function readTrafficOverTime(
  w: Workload,
  file: string,
  doc: LocatedDocument,
  paths: { trace?: string; cloudwatch?: string } = {},
): Promise<TrafficOverTime | undefined> {
  const t = w.traffic;
  if (t.profile) return { series: seriesFromProfile(t.profile), source: `traffic.profile (${t.profile.length} hourly values)` };
  if (t.weekly) {
    const zone = t.timezone ?? 'UTC';
    return {
      series: seriesFromWeekly(t.weekly, t.baseline_tps ?? 0),
      source: `traffic.weekly (${t.weekly.length} window${t.weekly.length === 1 ? '' : 's'}, ${zone}; baseline ${t.baseline_tps ?? 0} TPS)`,
    };
  }
  // A file that cannot be read at all is the workload's problem: point at the key that names it.
  const atKey = async <T>(key: 'trace' | 'cloudwatch', read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      if (err instanceof UserError && err.problems.every((p) => p.line === undefined)) {
        const at = doc.locate(['traffic', key]);
        throw UserError.at(file, `traffic.${key}: ${err.message}`, at.line, at.col);
      }
      throw err;
    }
  };
  if (t.cloudwatch) {
    const path = paths.cloudwatch ?? resolve(dirname(file), t.cloudwatch);
    const h = await atKey('cloudwatch', async () => {
      // Loaded only for a CloudWatch history: its schemas cost start-up time every other plan would pay.
      const { parseCloudWatch } = await import('./cloudwatch.js');
      return parseCloudWatch(await readUserFile(path, 'CloudWatch history file'), path, w.region);
    });
    const hours = h.demandTps.length / 60;
    const span = hours < 48 ? `${+hours.toFixed(2)} h` : `${(hours / 24).toFixed(1)} days`;
    const gaps = h.emptyPeriods ? `, ${h.emptyPeriods} without requests` : '';
    const { throttledPerMinute, inServiceUnits, minUnits, maxUnits, pairChanged, periodSeconds } = h;
    return {
      series: seriesFromTrace(h.demandTps, h.startEpochMs),
      source: `traffic.cloudwatch ${t.cloudwatch} (${h.periods} periods of ${h.periodSeconds} s over ${span}${gaps}; ${h.documents} JSON document${h.documents === 1 ? '' : 's'}${h.demandScope === 'operation' ? '; requests of every model (Operation series)' : ''})`,
      recorded: { throttledPerMinute, inServiceUnits, minUnits, maxUnits, pairChanged, periodSeconds },
      ...(h.warnings.length ? { warnings: h.warnings } : {}),
    };
  }
  if (!t.trace) return undefined;
  const path = paths.trace ?? resolve(dirname(file), t.trace);
  const trace = await atKey('trace', () => readTrace(path));
  return {
    series: seriesFromTrace(trace.demandTps, trace.startEpochMs),
    source: `traffic.trace ${t.trace} (${trace.rows} rows, ${trace.unit})`,
  };
}

/** The rate that finishes a batch by its deadline, start time taken out: images / processing seconds. */
function batchRateTps(batch: NonNullable<Workload['traffic']['batch']>, startMinutes: number): number {
  return batch.images / ((batch.deadline_hours * 60 - startMinutes) * 60);
}
