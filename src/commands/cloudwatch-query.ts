import { EXIT, type ExitCode, UserError } from '../core/errors.js';
import { numberFlag } from '../core/flags.js';
import { writeOutputFile } from '../core/files.js';
import { formatCount } from '../core/numbers.js';
import { cloudwatchQueries, periodForDays } from '../workload/cloudwatch.js';

export interface CloudWatchQueryOptions {
  project: string;
  version: string;
  days: string;
  region?: string;
  end?: string;
  format: string;
  out?: string;
}

/** Shell-quotes one argument for a POSIX shell: names come from the user and may hold anything. */
const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const DAY_MS = 86_400_000;
/** CloudWatch keeps hourly data 455 days: a window must start no earlier. */
const RETENTION_DAYS = 455;
/** The printed command is good for this long: its period is chosen for a start this much older than now. */
const RUN_WITHIN_DAYS = 1;

/**
 * The window and period the command asks for: whole periods ending at --end (default now), and
 * a period CloudWatch answers for the start's age when the command runs (within RUN_WITHIN_DAYS).
 */
export function queryWindow(days: number, endMs: number, nowMs: number): { startMs: number; endMs: number; periodSeconds: number } {
  let periodSeconds = 60;
  for (;;) {
    const periodMs = periodSeconds * 1000;
    // Whole periods only: CloudWatch aligns datapoints to the period, and a partial last period reads low.
    const end = Math.floor(endMs / periodMs) * periodMs;
    const start = end - Math.round((days * DAY_MS) / periodMs) * periodMs;
    const needed = periodForDays((nowMs - start) / DAY_MS + RUN_WITHIN_DAYS);
    if (needed <= periodSeconds) return { startMs: start, endMs: end, periodSeconds };
    periodSeconds = needed;
  }
}

function parseEnd(raw: string | undefined, nowMs: number, days: number): number {
  if (raw === undefined) return nowMs;
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/i.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms)) throw new UserError(`--end: expected an ISO 8601 time such as 2026-11-30T00:00:00Z, got '${raw.slice(0, 40)}'`);
  if (ms > nowMs + DAY_MS) throw new UserError(`--end: ${raw.slice(0, 40)} is in the future: CloudWatch has no datapoints there`);
  if (nowMs - ms + days * DAY_MS > (RETENTION_DAYS - RUN_WITHIN_DAYS) * DAY_MS) {
    throw new UserError(
      `--end: a window of ${days} days ending ${raw.slice(0, 40)} starts more than ${RETENTION_DAYS - RUN_WITHIN_DAYS} days ago: CloudWatch keeps data ${RETENTION_DAYS} days`,
    );
  }
  return ms;
}

export async function cloudwatchQueryCommand(opts: CloudWatchQueryOptions): Promise<ExitCode> {
  const days = numberFlag('--days', opts.days, {
    what: 'a number of days',
    min: 1,
    max: RETENTION_DAYS - RUN_WITHIN_DAYS,
  });
  for (const [flag, v] of [
    ['--project', opts.project],
    ['--version', opts.version],
  ] as const) {
    if (v.trim() === '' || v.length > 255 || /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(v))
      throw new UserError(`${flag}: expected a name of 1-255 printable characters`);
  }
  // The printed command must run as printed: without a region the CLI asks its default one, not the model's.
  if (opts.region === undefined)
    throw new UserError("--region: required: CloudWatch keeps a model's metrics in the model's region (the region in its ARN)");
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(opts.region))
    throw new UserError(`--region: expected an AWS region such as us-east-1, got '${opts.region.slice(0, 40)}'`);
  const nowMs = Date.now();
  const { startMs, endMs, periodSeconds } = queryWindow(days, parseEnd(opts.end, nowMs, days), nowMs);
  const queries = cloudwatchQueries(opts.project, opts.version, periodSeconds);
  const queryFile = opts.out ?? 'cloudwatch-query.json';
  const command = [
    'aws cloudwatch get-metric-data',
    `--region ${opts.region}`,
    `--start-time ${iso(startMs)}`,
    `--end-time ${iso(endMs)}`,
    `--metric-data-queries file://${shellQuote(queryFile)}`,
    '--output json > cloudwatch.json',
  ].join(' ');
  const queryJson = JSON.stringify(queries, null, 2) + '\n';
  if (opts.out) await writeOutputFile(opts.out, queryJson);
  if (opts.format === 'json') {
    process.stdout.write(JSON.stringify({ periodSeconds, startTime: iso(startMs), endTime: iso(endMs), queries, command }, null, 2) + '\n');
    return EXIT.ok;
  }
  const lines = [
    `# ${opts.project} / ${opts.version}: ${days} days at ${periodSeconds} s periods (${formatCount((endMs - startMs) / (periodSeconds * 1000))} datapoints per metric)`,
    `# the period is the one CloudWatch answers for this start if the command runs within ${RUN_WITHIN_DAYS * 24} h`,
    opts.out ? `# the query is in ${opts.out}; run:` : `# save the query below as ${queryFile}, then run:`,
    command,
    '# and point the workload at it:  traffic: { cloudwatch: ./cloudwatch.json }',
  ];
  if (!opts.out) lines.push('', queryJson.trimEnd());
  process.stdout.write(lines.join('\n') + '\n');
  return EXIT.ok;
}
