import * as z from 'zod';
import { UserError } from '../core/errors.js';
import { forTerminal, truncate } from '../core/escape.js';
import { parseYamlLocated, zodProblems } from '../core/yaml.js';
import { BOUNDS } from './bounds.js';

/**
 * Request history of an Amazon Rekognition Custom Labels model from CloudWatch: the query that
 * asks for it, and a reader of what `aws cloudwatch get-metric-data` writes.
 *
 * Two sets of series, because the guides document them differently. The Custom Labels guide
 * ("Reporting running duration and inference units used") gives InServiceInferenceUnits,
 * MinInferenceUnits and MaxInferenceUnits the dimensions ProjectName and VersionName; the
 * Rekognition monitoring page says Rekognition's metrics have one dimension, Operation, and that
 * request metrics do not say which model served them. So requests are asked for both ways: per
 * model (used when it has data) and for Operation = DetectCustomLabels (every model of the
 * account in the region, used with a warning when the per-model series are empty).
 * Demand TPS = (SuccessfulRequestCount + ThrottledCount) / period.
 */
const CLOUDWATCH_NAMESPACE = 'AWS/Rekognition';

const PER_MODEL = 'model';
const PER_OPERATION = 'operation';
const CLOUDWATCH_SERIES = {
  successful: { metricName: 'SuccessfulRequestCount', stat: 'Sum', scope: PER_MODEL },
  throttled: { metricName: 'ThrottledCount', stat: 'Sum', scope: PER_MODEL },
  inservice: { metricName: 'InServiceInferenceUnits', stat: 'Average', scope: PER_MODEL },
  minunits: { metricName: 'MinInferenceUnits', stat: 'Average', scope: PER_MODEL },
  maxunits: { metricName: 'MaxInferenceUnits', stat: 'Average', scope: PER_MODEL },
  opsuccessful: { metricName: 'SuccessfulRequestCount', stat: 'Sum', scope: PER_OPERATION },
  opthrottled: { metricName: 'ThrottledCount', stat: 'Sum', scope: PER_OPERATION },
} as const;
type SeriesId = keyof typeof CLOUDWATCH_SERIES;
const SERIES_IDS = Object.keys(CLOUDWATCH_SERIES) as SeriesId[];
const OPERATION = 'DetectCustomLabels';

/** Periods the reader accepts: CloudWatch keeps 60 s data 15 days, 300 s data 63 days, 3600 s data 455 days. */
const CLOUDWATCH_PERIODS_S = [60, 300, 3600] as const;
const MAX_MINUTES = 366 * 24 * 60;
/** get-metric-data output nests four deep; anything far deeper is not one (and would exhaust the stack). */
const MAX_DEPTH = 32;
/** Pages a file may hold: a year of every series at 60 s is under 50 API pages. */
const MAX_DOCUMENTS = 100_000;
/** `--output json` writes short lines; a line this long is not the CLI's output. */
const MAX_LINE_CHARS = 8 * 1024 * 1024;
/** Epoch seconds accepted as timestamps (AWS CLI v1's default): 2000-01-01 to 2100-01-01. */
const EPOCH_S_RANGE = [946_684_800, 4_102_444_800] as const;

/**
 * The period CloudWatch answers for a start `ageDays` old: GetMetricData takes a multiple of 60 s
 * up to 15 days back, 300 s up to 63 days, 3600 s beyond (to its 455-day retention).
 */
export function periodForDays(ageDays: number): number {
  return ageDays <= 15 ? 60 : ageDays <= 63 ? 300 : 3600;
}

/** `--metric-data-queries` for one model version: one query per series, Ids as the reader expects them. */
export function cloudwatchQueries(project: string, version: string, periodSeconds: number) {
  return SERIES_IDS.map((id) => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: CLOUDWATCH_NAMESPACE,
        MetricName: CLOUDWATCH_SERIES[id].metricName,
        Dimensions:
          CLOUDWATCH_SERIES[id].scope === PER_MODEL
            ? [
                { Name: 'ProjectName', Value: project },
                { Name: 'VersionName', Value: version },
              ]
            : [{ Name: 'Operation', Value: OPERATION }],
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
  /** JSON documents in the file (the CLI merges the API's pages into one unless --no-paginate). */
  documents: number;
  /** Periods with neither a successful nor a throttled datapoint: read as no requests. */
  emptyPeriods: number;
  periods: number;
  /** Which request series demand came from. */
  demandScope: 'model' | 'operation';
  warnings: Array<{ code: string; message: string }>;
}

const MessageSchema = z.looseObject({ Code: z.string().optional(), Value: z.string().optional() });
const TimestampSchema = z.union([z.string().max(64), z.number()]);
const ResultSchema = z.looseObject({
  Id: z.string().min(1).max(255),
  Label: z.string().optional(),
  Timestamps: z.array(TimestampSchema),
  Values: z.array(z.number().finite()),
  StatusCode: z.string().optional(),
  Messages: z.array(MessageSchema).optional(),
});
const PageSchema = z.looseObject({
  MetricDataResults: z.array(ResultSchema),
  NextToken: z.string().optional(),
  Messages: z.array(MessageSchema).optional(),
});
type Page = z.infer<typeof PageSchema>;
type Result = z.infer<typeof ResultSchema>;

/** At most 40 characters of text from the file, control and bidi characters shown as escapes. */
const quote = (s: string) => forTerminal(truncate(s));

/** Offsets of line starts, so any offset becomes line:col by binary search (linear overall). */
class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  at(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo]! + 1 };
  }
  longestLine(length: number): { chars: number; line: number } {
    let best = { chars: 0, line: 1 };
    for (let i = 0; i < this.starts.length; i++) {
      const chars = (this.starts[i + 1] ?? length + 1) - this.starts[i]! - 1;
      if (chars > best.chars) best = { chars, line: i + 1 };
    }
    return best;
  }
}

type Split = { docs: Array<{ start: number; end: number }> } | { problem: string; offset: number };

/**
 * Splits text holding one JSON value, several written one after another (pages saved with
 * --no-paginate and NextToken), or an array of pages, in one pass. Refuses nesting past MAX_DEPTH.
 */
function jsonDocuments(text: string): Split {
  const docs: Array<{ start: number; end: number }> = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (depth === 0) start = i;
      if (++depth > MAX_DEPTH) return { problem: `JSON nested more than ${MAX_DEPTH} deep`, offset: i };
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) return { problem: 'unexpected text between JSON documents', offset: i };
      if (--depth === 0) {
        docs.push({ start, end: i + 1 });
        if (docs.length > MAX_DOCUMENTS) return { problem: `more than ${MAX_DOCUMENTS.toLocaleString('en-US')} JSON documents`, offset: i };
      }
    } else if (depth === 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09)
      return { problem: 'unexpected text between JSON documents', offset: i };
  }
  return depth === 0 ? { docs } : { docs: [] };
}

const EXPECTED = "expected the output of 'aws cloudwatch get-metric-data'";

function invalidJson(text: string, file: string, lines: LineIndex, base: number): UserError {
  try {
    JSON.parse(text);
  } catch (err) {
    // The parser's own message quotes the text: keep only its position.
    const m = /position (\d+)/.exec((err as Error).message);
    const at = m ? lines.at(base + Number(m[1])) : undefined;
    return UserError.at(file, `not valid JSON: ${EXPECTED}`, at?.line, at?.col);
  }
  return UserError.at(file, `not valid JSON: ${EXPECTED}`);
}

function parsePages(raw: string, file: string): Page[] {
  const text = raw.replace(/^\uFEFF/, '');
  const lines = new LineIndex(text);
  const longest = lines.longestLine(text.length);
  if (longest.chars > MAX_LINE_CHARS)
    throw UserError.at(file, `line of ${longest.chars.toLocaleString('en-US')} characters: ${EXPECTED} (--output json)`, longest.line, 1);
  const split = jsonDocuments(text);
  if ('problem' in split) {
    const at = lines.at(split.offset);
    throw UserError.at(file, `${split.problem}: ${EXPECTED}`, at.line, at.col);
  }
  if (split.docs.length === 0) throw invalidJson(text, file, lines, 0);
  const pages: Page[] = [];
  for (const doc of split.docs) {
    const docText = text.slice(doc.start, doc.end);
    let data: unknown;
    try {
      data = JSON.parse(docText);
    } catch {
      throw invalidJson(docText, file, lines, doc.start);
    }
    const items = Array.isArray(data) ? data : [data];
    for (const item of items) pages.push(checkPage(item, Array.isArray(data) ? undefined : docText, file, lines.at(doc.start).line));
  }
  return pages;
}

function checkPage(item: unknown, docText: string | undefined, file: string, baseLine: number): Page {
  const parsed = PageSchema.safeParse(item);
  if (parsed.success) return parsed.data;
  // Place the problem: re-read this document with positions and shift it to where it starts.
  const located = docText !== undefined ? zodProblems(parseYamlLocated(docText, file), parsed.error)[0] : undefined;
  const issue = parsed.error.issues[0];
  const message = located?.message ?? `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'not a get-metric-data result'}`;
  const line = located?.line !== undefined ? baseLine + located.line - 1 : baseLine;
  throw UserError.at(file, `${message} (${EXPECTED})`, line, located?.col);
}

/** Which series a result is: by the Id the query gave it, else by a Label naming a per-model metric. */
function seriesOf(r: Result): SeriesId | undefined {
  const id = r.Id.toLowerCase();
  if ((SERIES_IDS as string[]).includes(id)) return id as SeriesId;
  const label = (r.Label ?? '').toLowerCase();
  return SERIES_IDS.find((s) => CLOUDWATCH_SERIES[s].scope === PER_MODEL && CLOUDWATCH_SERIES[s].metricName.toLowerCase() === label);
}

function mostCommon(values: Iterable<number>): number | null {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | null = null;
  let bestCount = 0;
  for (const [v, c] of counts) if (c > bestCount || (c === bestCount && best !== null && v > best)) [best, bestCount] = [v, c];
  return best;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):?(\d{2}))$/i;

/** An ISO 8601 time with any zone offset (CLI v2), or epoch seconds (CLI v1's default) → epoch ms; NaN when neither. */
function timestampMs(ts: string | number): number {
  if (typeof ts === 'number') return Number.isInteger(ts) && ts >= EPOCH_S_RANGE[0] && ts <= EPOCH_S_RANGE[1] ? ts * 1000 : Number.NaN;
  const m = ISO.exec(ts);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, sec, frac, zone, sign, oh, om] = m;
  if (+mo! < 1 || +mo! > 12 || +d! < 1 || +d! > 31 || +h! > 23 || +mi! > 59 || +sec! > 59 || (oh !== undefined && (+oh > 23 || +om! > 59)))
    return Number.NaN;
  const offsetMin = zone!.toUpperCase() === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (+oh! * 60 + +om!);
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +sec!) + Math.round(Number(frac ?? 0) * 1000) - offsetMin * 60_000;
  return ms >= EPOCH_S_RANGE[0] * 1000 && ms <= EPOCH_S_RANGE[1] * 1000 ? ms : Number.NaN;
}

/** The largest value a datapoint of each kind may hold: counts within BOUNDS.tps for an hour, units within BOUNDS.units. */
function valueProblem(id: SeriesId, v: number): string | undefined {
  if (v < 0) return `${v} is negative`;
  const units = CLOUDWATCH_SERIES[id].stat === 'Average';
  const max = units ? BOUNDS.units : BOUNDS.tps * 3600;
  return v > max
    ? `${v.toExponential(2)} is more than ${units ? `${BOUNDS.units.toLocaleString('en-US')} units` : `${BOUNDS.tps.toLocaleString('en-US')} requests a second`}`
    : undefined;
}

type Points = Map<SeriesId, Map<number, number>>;
type CloudWatchWarning = CloudWatchHistory['warnings'][number];

function statusOf(r: Result, page: Page, lastPage: boolean, file: string, warnings: CloudWatchWarning[]): void {
  const status = r.StatusCode ?? 'Complete';
  if (status === 'Forbidden' || status === 'InternalError') {
    const why =
      status === 'Forbidden'
        ? 'the caller may not read it (cloudwatch:GetMetricData)'
        : 'CloudWatch failed to read it; run the query again';
    throw UserError.at(file, `MetricDataResults '${quote(r.Id)}': StatusCode ${status}: ${why}; its zeros are not a measurement`);
  }
  // PartialData with a NextToken is the first of several pages; only the last page's word counts.
  if (status === 'PartialData' && !(page.NextToken !== undefined && !lastPage)) {
    warnings.push({
      code: 'cloudwatch-partial-data',
      message: `MetricDataResults '${quote(r.Id)}': StatusCode PartialData and no further page in the file: some datapoints are missing (read as no requests); fetch the remaining pages with NextToken`,
    });
  } else if (status !== 'Complete' && status !== 'PartialData') {
    throw UserError.at(
      file,
      `MetricDataResults '${quote(r.Id)}': unknown StatusCode '${quote(status)}' (expected Complete, PartialData, InternalError or Forbidden)`,
    );
  }
  for (const m of [...(r.Messages ?? []), ...(page.Messages ?? [])]) {
    warnings.push({
      code: 'cloudwatch-message',
      message: `CloudWatch said ${quote(m.Code ?? 'a message')}${m.Value ? `: ${quote(m.Value)}` : ''}`,
    });
  }
}

function collectPoints(pages: Page[], file: string, warnings: CloudWatchWarning[]): Points {
  const points: Points = new Map();
  pages.forEach((page, p) => {
    for (const r of page.MetricDataResults) {
      const id = seriesOf(r);
      if (!id) continue;
      statusOf(r, page, p === pages.length - 1, file, warnings);
      const name = `MetricDataResults '${quote(r.Id)}'`;
      if (r.Timestamps.length !== r.Values.length)
        throw UserError.at(file, `${name}: ${r.Timestamps.length} timestamps but ${r.Values.length} values`);
      const into = points.get(id) ?? new Map<number, number>();
      points.set(id, into);
      for (let i = 0; i < r.Timestamps.length; i++) {
        const ts = r.Timestamps[i]!;
        const ms = timestampMs(ts);
        if (!Number.isFinite(ms)) {
          throw UserError.at(
            file,
            `${name}: timestamp '${quote(String(ts))}' is not an ISO 8601 time with a zone or epoch seconds from 2000 to 2100`,
          );
        }
        const v = r.Values[i]!;
        const bad = valueProblem(id, v);
        if (bad) throw UserError.at(file, `${name}: value at ${new Date(ms).toISOString()}: ${bad}`);
        const had = into.get(ms);
        if (had !== undefined && had !== v)
          throw UserError.at(file, `${name}: two different values at ${new Date(ms).toISOString()} (${had} and ${v})`);
        into.set(ms, v);
        if (into.size > MAX_MINUTES)
          throw UserError.at(file, `${name}: more than ${MAX_MINUTES.toLocaleString('en-US')} datapoints (366 days of minutes)`);
      }
    }
  });
  return points;
}

const sumOf = (m: Map<number, number> | undefined) => {
  let total = 0;
  for (const v of m?.values() ?? []) total += v;
  return total;
};

interface Demand {
  successful: Map<number, number>;
  throttled: Map<number, number>;
  scope: 'model' | 'operation';
}

/**
 * The per-model request series when they hold any request; else the DetectCustomLabels series
 * (with a warning); refused when demand reads as zero while units were in service.
 */
function chooseDemand(points: Points, file: string, region: string | undefined, warnings: CloudWatchWarning[]): Demand {
  const model = { successful: points.get('successful'), throttled: points.get('throttled') };
  const op = { successful: points.get('opsuccessful'), throttled: points.get('opthrottled') };
  const hasModel = model.successful !== undefined || model.throttled !== undefined;
  const hasOp = op.successful !== undefined || op.throttled !== undefined;
  if (!hasModel && !hasOp) {
    throw UserError.at(
      file,
      `no SuccessfulRequestCount or ThrottledCount results (Id 'successful'/'throttled', or 'opsuccessful'/'opthrottled'): demand is successful + throttled requests; make the file with 'capacity-plan cloudwatch-query'`,
    );
  }
  const modelRequests = sumOf(model.successful) + sumOf(model.throttled);
  const opRequests = sumOf(op.successful) + sumOf(op.throttled);
  if (modelRequests > 0 || (hasModel && !hasOp && !unitsInService(points))) {
    return { successful: model.successful ?? new Map(), throttled: model.throttled ?? new Map(), scope: 'model' };
  }
  if (opRequests > 0) {
    warnings.push({
      code: 'cloudwatch-operation-series',
      message: `the per-model request series are empty, so demand comes from Operation = ${OPERATION}: every Custom Labels model of the account in that region, not this model alone`,
    });
    return { successful: op.successful ?? new Map(), throttled: op.throttled ?? new Map(), scope: 'operation' };
  }
  if (unitsInService(points)) {
    const listMetrics = `aws cloudwatch list-metrics --namespace ${CLOUDWATCH_NAMESPACE} --metric-name SuccessfulRequestCount${region ? ` --region ${region}` : ''}`;
    throw UserError.at(
      file,
      `no requests recorded while InServiceInferenceUnits shows units in service: the request series are likely asked with dimensions CloudWatch does not record; check which exist with '${listMetrics}'`,
    );
  }
  return {
    successful: model.successful ?? op.successful ?? new Map(),
    throttled: model.throttled ?? op.throttled ?? new Map(),
    scope: hasModel ? 'model' : 'operation',
  };
}

function unitsInService(points: Points): boolean {
  for (const v of points.get('inservice')?.values() ?? []) if (v > 0) return true;
  return false;
}

/** The common period and start of every datapoint, checked against CloudWatch's periods and the 366-day bound. */
function gridOf(points: Points, file: string): { start: number; periodSeconds: number; periods: number } {
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
    if ((ms - start) % periodMs !== 0)
      throw UserError.at(
        file,
        `datapoint at ${new Date(ms).toISOString()} is off the ${periodSeconds} s grid that starts at ${new Date(start).toISOString()}`,
      );
  }
  const periods = (all[all.length - 1]! - start) / periodMs + 1;
  const minutes = (periods * periodSeconds) / 60;
  if (minutes > MAX_MINUTES) throw UserError.at(file, `the history spans ${(minutes / 1440).toFixed(1)} days: at most 366 days`);
  return { start, periodSeconds, periods };
}

/**
 * Reads get-metric-data output: any order, several pages, gaps; pure apart from the file name in
 * errors. `region` only makes the list-metrics command in a refusal complete.
 */
export function parseCloudWatch(text: string, file: string, region?: string): CloudWatchHistory {
  const pages = parsePages(text, file);
  const warnings: CloudWatchWarning[] = [];
  const points = collectPoints(pages, file, warnings);
  const demand = chooseDemand(points, file, region, warnings);
  const { start, periodSeconds, periods } = gridOf(points, file);
  const periodMs = periodSeconds * 1000;
  const perPeriod = periodSeconds / 60;
  const minutes = periods * perPeriod;
  const demandTps = new Float64Array(minutes);
  const throttledPerMinute = new Float64Array(minutes);
  const inService = points.get('inservice');
  const inServiceUnits = inService ? new Float64Array(minutes) : null;
  let emptyPeriods = 0;
  for (let p = 0; p < periods; p++) {
    const ms = start + p * periodMs;
    const s = demand.successful.get(ms);
    const t = demand.throttled.get(ms);
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
    documents: pages.length,
    emptyPeriods,
    periods,
    demandScope: demand.scope,
    warnings: dedupe(warnings),
  };
}

/** One warning per code and text: a message repeated on every page says nothing new. */
function dedupe(warnings: CloudWatchWarning[]): CloudWatchWarning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => !seen.has(w.code + w.message) && seen.add(w.code + w.message)).slice(0, 20);
}
