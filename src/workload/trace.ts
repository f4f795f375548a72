import { UserError, type Problem } from '../core/errors.js';
import { quoteField } from '../core/escape.js';
import { readUserFile } from '../core/files.js';

/**
 * A traffic trace: CSV with a header naming a timestamp column (timestamp, time, ts or
 * datetime) and a rate column (rps / requests_per_second / tps, or rpm / requests_per_minute).
 * Other columns are ignored. Timestamps are ISO 8601 (no zone = UTC) or Unix seconds, strictly
 * increasing, whole minutes apart. Each row's rate holds until the next row; the last row holds
 * for the trace's shortest step (one minute for a single row). At most 366 days.
 */
interface Trace {
  file: string;
  /** Mean requests per second in each minute from the first timestamp. */
  demandTps: Float64Array;
  startEpochMs: number;
  rows: number;
  unit: 'rps' | 'rpm';
}

const TRACE_MAX_MINUTES = 366 * 24 * 60;
const TIME_COLUMNS = ['timestamp', 'time', 'ts', 'datetime'];
const RPS_COLUMNS = ['rps', 'requests_per_second', 'tps'];
const RPM_COLUMNS = ['rpm', 'requests_per_minute'];
const MAX_PROBLEMS = 20;

/**
 * What a header error quotes: the first few cells, each cut short. A file that is not a trace at
 * all (a key file, /proc/self/environ) has one long "header"; an error never echoes it back.
 */
function headerCells(header: string[]): string {
  const shown = header.slice(0, 5).map((h) => quoteField(h, 24));
  return `${shown.join(', ')}${header.length > 5 ? `, … (${header.length} columns)` : ''}`;
}

function parseTime(s: string): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(s)) return Number.NaN;
  // Date.parse reads a zone-less date-time as local time: pin it to UTC.
  const iso = s.replace(' ', 'T');
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(iso) && iso.includes('T');
  return Date.parse(hasZone || !iso.includes('T') ? iso : `${iso}Z`);
}

/**
 * Parses a trace. Pure apart from its name: bad rows become problems with their 1-based line.
 * A two-column numeric CSV needs no quoting rules; splitting by hand keeps line numbers exact and
 * is fast on a year of rows.
 */
/**
 * Longest line read, in characters. A row is a timestamp and a rate (about 40 characters); a
 * header with a few extra columns a few hundred. Splitting a 60 MB line into cells took gigabytes.
 */
export const MAX_TRACE_LINE_CHARS = 4096;

const tooLong = `line is longer than ${MAX_TRACE_LINE_CHARS.toLocaleString('en-US')} characters; a trace row is a timestamp and a rate`;

export function parseTrace(text: string, file: string): Trace {
  const lines = text.split(/\r?\n/);
  let li = 0;
  while (li < lines.length && (lines[li]!.trim() === '' || lines[li]!.trim().startsWith('#'))) li++;
  if (li >= lines.length) throw UserError.at(file, 'trace is empty', 1, 1);
  const headerLine = li + 1;
  if (lines[li]!.length > MAX_TRACE_LINE_CHARS) throw UserError.at(file, tooLong, headerLine);
  const header = lines[li]!.split(',').map((h) => h.trim().toLowerCase().replace(/^"|"$/g, ''));
  const timeCol = header.findIndex((h) => TIME_COLUMNS.includes(h));
  const rpsCol = header.findIndex((h) => RPS_COLUMNS.includes(h));
  const rpmCol = header.findIndex((h) => RPM_COLUMNS.includes(h));
  if (timeCol < 0)
    throw UserError.at(file, `header needs a timestamp column (${TIME_COLUMNS.join(', ')}), got ${headerCells(header)}`, headerLine);
  if (rpsCol < 0 && rpmCol < 0) {
    throw UserError.at(
      file,
      `header needs a rate column (${[...RPS_COLUMNS, ...RPM_COLUMNS].join(', ')}), got ${headerCells(header)}`,
      headerLine,
    );
  }
  if (rpsCol >= 0 && rpmCol >= 0)
    throw UserError.at(file, 'header has both a per-second and a per-minute rate column: keep one', headerLine);
  const unit = rpsCol >= 0 ? 'rps' : 'rpm';
  const rateCol = rpsCol >= 0 ? rpsCol : rpmCol;
  const toTps = unit === 'rps' ? 1 : 1 / 60;

  const times: number[] = [];
  const rates: number[] = [];
  const lineOf: number[] = [];
  const problems: Problem[] = [];
  const bad = (line: number, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ file, line, message });
  };
  for (let i = li + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.length > MAX_TRACE_LINE_CHARS) {
      bad(i + 1, tooLong);
      continue;
    }
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const line = i + 1;
    const cells = raw.split(',');
    if (cells.length < header.length) {
      bad(line, `expected ${header.length} columns, got ${cells.length}`);
      continue;
    }
    const ts = cells[timeCol]!.trim().replace(/^"|"$/g, '');
    const rs = cells[rateCol]!.trim();
    const ms = parseTime(ts);
    const rate = rs === '' ? Number.NaN : Number(rs);
    if (!Number.isFinite(ms)) {
      bad(line, `cannot read timestamp ${quoteField(ts)} (use ISO 8601 like 2025-03-01T09:00:00Z, or Unix seconds)`);
      continue;
    }
    if (!Number.isFinite(rate) || rate < 0) {
      bad(line, `${header[rateCol]} must be a number 0 or more, got ${quoteField(rs)}`);
      continue;
    }
    const prev = times[times.length - 1];
    if (prev !== undefined) {
      const gapMs = ms - prev;
      if (gapMs <= 0) {
        bad(line, `timestamp ${ts} is not after the row before (line ${lineOf[lineOf.length - 1]})`);
        continue;
      }
      if (gapMs % 60_000 !== 0) {
        bad(line, `timestamp ${ts} is ${gapMs / 1000} s after the row before: rows must be whole minutes apart`);
        continue;
      }
    }
    times.push(ms);
    rates.push(rate * toTps);
    lineOf.push(line);
  }
  if (problems.length) throw new UserError(problems);
  if (times.length === 0) throw UserError.at(file, 'trace has a header but no rows', headerLine);

  const start = times[0]!;
  // The last row lasts the trace's finest step (one minute for a single row).
  let lastGap = Number.POSITIVE_INFINITY;
  for (let r = 1; r < times.length; r++) lastGap = Math.min(lastGap, times[r]! - times[r - 1]!);
  if (!Number.isFinite(lastGap)) lastGap = 60_000;
  const minutes = (times[times.length - 1]! - start + lastGap) / 60_000;
  if (minutes > TRACE_MAX_MINUTES) {
    throw UserError.at(file, `trace spans ${(minutes / 1440).toFixed(1)} days: at most 366 days`, lineOf[lineOf.length - 1]);
  }
  const demandTps = new Float64Array(minutes);
  for (let r = 0; r < times.length; r++) {
    const from = (times[r]! - start) / 60_000;
    const to = r + 1 < times.length ? (times[r + 1]! - start) / 60_000 : minutes;
    demandTps.fill(rates[r]!, from, to);
  }
  return { file, demandTps, startEpochMs: start, rows: times.length, unit };
}

export async function readTrace(path: string): Promise<Trace> {
  return parseTrace(await readUserFile(path, 'trace file'), path);
}
