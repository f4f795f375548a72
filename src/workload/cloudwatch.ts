import * as z from 'zod';
import { UserError } from '../core/errors.js';
import { parseYamlLocated, zodProblems } from '../core/yaml.js';

/**
 * Request history of an Amazon Rekognition Custom Labels model from CloudWatch: the query that
 * asks for it, and a reader of what `aws cloudwatch get-metric-data` writes.
 *
 * Metrics (namespace AWS/Rekognition, dimensions ProjectName and VersionName, as the Custom Labels
 * guide's "Reporting running duration and inference units used" dashboard uses them):
 * SuccessfulRequestCount and ThrottledCount (Sum per period), InServiceInferenceUnits,
 * MinInferenceUnits and MaxInferenceUnits (Average per period).
 * Demand TPS = (SuccessfulRequestCount + ThrottledCount) / period.
 */
export const CLOUDWATCH_NAMESPACE = 'AWS/Rekognition';

export const CLOUDWATCH_SERIES = {
  successful: { metricName: 'SuccessfulRequestCount', stat: 'Sum' },
  throttled: { metricName: 'ThrottledCount', stat: 'Sum' },
  inservice: { metricName: 'InServiceInferenceUnits', stat: 'Average' },
  minunits: { metricName: 'MinInferenceUnits', stat: 'Average' },
  maxunits: { metricName: 'MaxInferenceUnits', stat: 'Average' },
} as const;
type SeriesId = keyof typeof CLOUDWATCH_SERIES;
const SERIES_IDS = Object.keys(CLOUDWATCH_SERIES) as SeriesId[];

/** Periods the reader accepts: CloudWatch keeps 60 s data 15 days, 300 s data 63 days, 3600 s data 455 days. */
export const CLOUDWATCH_PERIODS_S = [60, 300, 3600] as const;
const MAX_MINUTES = 366 * 24 * 60;

/** The period that still has data `days` back, by CloudWatch's retention. */
export function periodForDays(days: number): number {
  return days <= 15 ? 60 : days <= 63 ? 300 : 3600;
}

/** `--metric-data-queries` for one model version: one query per series, Ids as the reader expects them. */
export function cloudwatchQueries(project: string, version: string, periodSeconds: number) {
  return SERIES_IDS.map((id) => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: CLOUDWATCH_NAMESPACE,
        MetricName: CLOUDWATCH_SERIES[id].metricName,
        Dimensions: [
          { Name: 'ProjectName', Value: project },
          { Name: 'VersionName', Value: version },
        ],
      },
      Period: periodSeconds,
      Stat: CLOUDWATCH_SERIES[id].stat,
    },
    ReturnData: true,
  }));
}

/** What the planner and the backtest read from a CloudWatch history, one value per minute. */
export interface CloudWatchHistory {
  startEpochMs: number;
  periodSeconds: number;
  /** (successful + throttled) / period, held flat over each period's minutes. */
  demandTps: Float64Array;
  /** Throttled requests recorded in each minute (a period's count spread evenly over its minutes). */
  throttledPerMinute: Float64Array;
  /** Units in service each minute; 0 where the model did not run (no datapoint). */
  inServiceUnits: Float64Array | null;
  /** Recorded Min and Max: the most common values over the periods that have them. */
  minUnits: number | null;
  maxUnits: number | null;
  /** The recorded Min/Max changed during the history. */
  pairChanged: boolean;
  pages: number;
  /** Periods with neither a successful nor a throttled datapoint: read as no requests. */
  emptyPeriods: number;
  periods: number;
}

const ResultSchema = z.looseObject({
  Id: z.string().min(1),
  Label: z.string().optional(),
  Timestamps: z.array(z.string()),
  Values: z.array(z.number().finite()),
  StatusCode: z.string().optional(),
});
const PageSchema = z.looseObject({ MetricDataResults: z.array(ResultSchema), NextToken: z.string().optional() });
type Page = z.infer<typeof PageSchema>;

/**
 * Splits text holding one JSON value, several written one after another (pages saved with
 * --no-paginate and NextToken), or an array of pages. Returns each page's text and offset.
 */
function jsonDocuments(text: string): { docs: Array<{ text: string; offset: number }>; strayAt?: number } {
  const docs: Array<{ text: string; offset: number }> = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (depth === 0 && c !== '{' && c !== '[' && !/\s/.test(c!)) return { docs: [], strayAt: i };
    else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) docs.push({ text: text.slice(start, i + 1), offset: start });
    }
  }
  return depth === 0 ? { docs } : { docs: [] };
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

function parsePages(text: string, file: string): Page[] {
  const { docs, strayAt } = jsonDocuments(text.replace(/^\uFEFF/, ''));
  if (strayAt !== undefined) {
    const at = lineCol(text, strayAt);
    throw UserError.at(file, "unexpected text between JSON documents: expected the output of 'aws cloudwatch get-metric-data'", at.line, at.col);
  }
  if (docs.length === 0) {
    let message = 'not valid JSON';
    let at: { line: number; col: number } | undefined;
    try {
      JSON.parse(text);
    } catch (err) {
      const m = /position (\d+)/.exec((err as Error).message);
      if (m) at = lineCol(text, Number(m[1]));
      message = `not valid JSON (${(err as Error).message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*$/s, '')})`;
    }
    throw UserError.at(file, `${message}: expected the output of 'aws cloudwatch get-metric-data'`, at?.line, at?.col);
  }
  const pages: Page[] = [];
  for (const doc of docs) {
    const base = lineCol(text, doc.offset);
    let data: unknown;
    try {
      data = JSON.parse(doc.text);
    } catch (err) {
      const m = /position (\d+)/.exec((err as Error).message);
      const at = m ? lineCol(text, doc.offset + Number(m[1])) : base;
      throw UserError.at(file, 'not valid JSON: expected the output of \'aws cloudwatch get-metric-data\'', at.line, at.col);
    }
    const items = Array.isArray(data) ? data : [data];
    for (const item of items) {
      const parsed = PageSchema.safeParse(item);
      if (parsed.success) {
        pages.push(parsed.data);
        continue;
      }
      // Place the problem: re-read this document with positions and shift it to where it starts.
      const located = zodProblems(parseYamlLocated(Array.isArray(data) ? JSON.stringify(item, null, 1) : doc.text, file), parsed.error)[0];
      const line = located?.line !== undefined && !Array.isArray(data) ? base.line + located.line - 1 : base.line;
      throw UserError.at(file, `${located?.message ?? 'not a get-metric-data result'} (expected the output of 'aws cloudwatch get-metric-data')`, line, located?.col);
    }
  }
  return pages;
}

/** Which series a result is: by the Id the query gave it, else by a Label naming the metric. */
function seriesOf(r: z.infer<typeof ResultSchema>): SeriesId | undefined {
  const id = r.Id.toLowerCase();
  if ((SERIES_IDS as string[]).includes(id)) return id as SeriesId;
  const label = (r.Label ?? '').toLowerCase();
  return SERIES_IDS.find((s) => CLOUDWATCH_SERIES[s].metricName.toLowerCase() === label);
}

function mostCommon(values: Iterable<number>): number | null {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | null = null;
  let bestCount = 0;
  for (const [v, c] of counts) if (c > bestCount || (c === bestCount && best !== null && v > best)) [best, bestCount] = [v, c];
  return best;
}

/** Reads get-metric-data output: any order, several pages, gaps; pure apart from the file name in errors. */
export function parseCloudWatch(text: string, file: string): CloudWatchHistory {
  const pages = parsePages(text, file);
  const points = new Map<SeriesId, Map<number, number>>();
  for (const page of pages) {
    for (const r of page.MetricDataResults) {
      const id = seriesOf(r);
      if (!id) continue;
      if (r.Timestamps.length !== r.Values.length) {
        throw UserError.at(file, `MetricDataResults '${r.Id}': ${r.Timestamps.length} timestamps but ${r.Values.length} values`);
      }
      const into = points.get(id) ?? new Map<number, number>();
      points.set(id, into);
      r.Timestamps.forEach((ts, i) => {
        const ms = Date.parse(ts);
        if (!Number.isFinite(ms) || !/(Z|[+-]\d{2}:?\d{2})$/i.test(ts)) throw UserError.at(file, `MetricDataResults '${r.Id}': timestamp '${ts.slice(0, 40)}' is not an ISO 8601 time with a zone`);
        const v = r.Values[i]!;
        const had = into.get(ms);
        if (had !== undefined && had !== v) throw UserError.at(file, `MetricDataResults '${r.Id}': two different values at ${new Date(ms).toISOString()} (${had} and ${v})`);
        into.set(ms, v);
      });
    }
  }
  for (const need of ['successful', 'throttled'] as const) {
    if (!points.has(need)) {
      throw UserError.at(file, `no ${CLOUDWATCH_SERIES[need].metricName} results (Id '${need}'): demand is successful + throttled requests; make the file with 'capacity-plan cloudwatch-query'`);
    }
  }
  const all = [...new Set([...points.values()].flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  if (all.length === 0) throw UserError.at(file, 'the history has no datapoints (was the model running in that window?)');
  let stepMs = Number.POSITIVE_INFINITY;
  for (let i = 1; i < all.length; i++) stepMs = Math.min(stepMs, all[i]! - all[i - 1]!);
  const periodSeconds = Number.isFinite(stepMs) ? stepMs / 1000 : 60;
  if (!(CLOUDWATCH_PERIODS_S as readonly number[]).includes(periodSeconds)) {
    throw UserError.at(file, `datapoints are ${periodSeconds} s apart: use a period of ${CLOUDWATCH_PERIODS_S.join(', ')} s`);
  }
  const start = all[0]!;
  const periodMs = periodSeconds * 1000;
  for (const ms of all) {
    if ((ms - start) % periodMs !== 0) throw UserError.at(file, `datapoint at ${new Date(ms).toISOString()} is off the ${periodSeconds} s grid that starts at ${new Date(start).toISOString()}`);
  }
  const periods = (all[all.length - 1]! - start) / periodMs + 1;
  const perPeriod = periodSeconds / 60;
  const minutes = periods * perPeriod;
  if (minutes > MAX_MINUTES) throw UserError.at(file, `the history spans ${(minutes / 1440).toFixed(1)} days: at most 366 days`);

  const demandTps = new Float64Array(minutes);
  const throttledPerMinute = new Float64Array(minutes);
  const inService = points.get('inservice');
  const inServiceUnits = inService ? new Float64Array(minutes) : null;
  const succ = points.get('successful')!;
  const thr = points.get('throttled')!;
  let emptyPeriods = 0;
  for (let p = 0; p < periods; p++) {
    const ms = start + p * periodMs;
    const s = succ.get(ms);
    const t = thr.get(ms);
    if (s === undefined && t === undefined) emptyPeriods++;
    const from = p * perPeriod;
    demandTps.fill(((s ?? 0) + (t ?? 0)) / periodSeconds, from, from + perPeriod);
    throttledPerMinute.fill((t ?? 0) / perPeriod, from, from + perPeriod);
    if (inServiceUnits) inServiceUnits.fill(inService!.get(ms) ?? 0, from, from + perPeriod);
  }
  const mins = points.get('minunits');
  const maxs = points.get('maxunits');
  const distinct = (m: Map<number, number> | undefined) => new Set(m?.values() ?? []).size;
  return {
    startEpochMs: start,
    periodSeconds,
    demandTps,
    throttledPerMinute,
    inServiceUnits,
    minUnits: mins ? mostCommon(mins.values()) : null,
    maxUnits: maxs ? mostCommon(maxs.values()) : null,
    pairChanged: distinct(mins) > 1 || distinct(maxs) > 1,
    pages: pages.length,
    emptyPeriods,
    periods,
  };
}
