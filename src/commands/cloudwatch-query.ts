import { UserError } from '../core/errors.js';
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

export async function cloudwatchQueryCommand(opts: CloudWatchQueryOptions): Promise<number> {
  const days = Number(opts.days);
  if (!Number.isFinite(days) || days <= 0 || days > 455) throw new UserError(`--days: expected a number of days from 1 to 455 (CloudWatch keeps hourly data 455 days), got '${opts.days}'`);
  for (const [flag, v] of [['--project', opts.project], ['--version', opts.version]] as const) {
    if (v.trim() === '' || v.length > 255 || /[\u0000-\u001f\u007f]/.test(v)) throw new UserError(`${flag}: expected a name of 1-255 printable characters`);
  }
  if (opts.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(opts.region)) throw new UserError(`--region: expected an AWS region such as us-east-1, got '${opts.region}'`);
  const periodSeconds = periodForDays(days);
  const periodMs = periodSeconds * 1000;
  const endRaw = opts.end === undefined ? Date.now() : Date.parse(opts.end);
  if (!Number.isFinite(endRaw)) throw new UserError(`--end: expected an ISO 8601 time such as 2026-11-30T00:00:00Z, got '${opts.end}'`);
  // Whole periods only: CloudWatch aligns datapoints to the period, and a partial last period reads low.
  const endMs = Math.floor(endRaw / periodMs) * periodMs;
  const startMs = endMs - Math.round((days * 86_400_000) / periodMs) * periodMs;
  const queries = cloudwatchQueries(opts.project, opts.version, periodSeconds);
  const queryFile = opts.out ?? 'cloudwatch-query.json';
  const command = [
    'aws cloudwatch get-metric-data',
    ...(opts.region ? [`--region ${opts.region}`] : []),
    `--start-time ${iso(startMs)}`,
    `--end-time ${iso(endMs)}`,
    `--metric-data-queries file://${shellQuote(queryFile)}`,
    '--output json > cloudwatch.json',
  ].join(' ');
  const queryJson = JSON.stringify(queries, null, 2) + '\n';
  if (opts.out) await writeOutputFile(opts.out, queryJson);
  if (opts.format === 'json') {
    process.stdout.write(JSON.stringify({ periodSeconds, startTime: iso(startMs), endTime: iso(endMs), queries, command }, null, 2) + '\n');
    return 0;
  }
  const lines = [
    `# ${opts.project} / ${opts.version}: ${days} days at ${periodSeconds} s periods (${formatCount((endMs - startMs) / periodMs)} datapoints per metric)`,
    opts.out ? `# the query is in ${opts.out}; run:` : `# save the query below as ${queryFile}, then run:`,
    command,
    '# and point the workload at it:  traffic: { cloudwatch: ./cloudwatch.json }',
  ];
  if (!opts.out) lines.push('', queryJson.trimEnd());
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
