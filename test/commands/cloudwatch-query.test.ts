import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryWindow } from '../../src/commands/cloudwatch-query.js';
import { runCli, tempDir } from '../helpers/cli.js';

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

describe('capacity-plan cloudwatch-query', () => {
  it('prints the aws command for the window, whole periods, with --region, and the query', () => {
    // An end 2.5 minutes past a minute, an hour ago: 14 days back is under 15 days old even a day later.
    const endMs = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000 + 150_000;
    const r = runCli([
      'cloudwatch-query',
      '--project',
      'shelf',
      '--version',
      'v1',
      '--days',
      '13',
      '--end',
      iso(endMs),
      '--region',
      'us-east-1',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const end = endMs - 30_000;
    expect(r.stdout).toContain(
      `aws cloudwatch get-metric-data --region us-east-1 --start-time ${iso(end - 13 * DAY_MS)} --end-time ${iso(end)} --metric-data-queries file://cloudwatch-query.json --output json > cloudwatch.json`,
    );
    expect(r.stdout).toContain('13 days at 60 s periods (18,720 datapoints per metric)');
    const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('\n[') + 1));
    expect(json).toHaveLength(7);
  });

  it('--out writes the query file the command reads; 30 days use 300 s periods', () => {
    const dir = tempDir();
    const out = join(dir, 'q.json');
    const endMs = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const r = runCli([
      'cloudwatch-query',
      '--project',
      'p',
      '--version',
      'v',
      '--days',
      '30',
      '--end',
      iso(endMs),
      '--region',
      'eu-west-1',
      '--out',
      out,
      '-f',
      'json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ periodSeconds: 300, startTime: iso(endMs - 30 * DAY_MS), endTime: iso(endMs) });
    expect(j.command).toContain(`file://${out}`);
    expect(JSON.parse(readFileSync(out, 'utf8'))[0].MetricStat.Period).toBe(300);
  });

  it('refuses bad flags with one line, exit 2: no region, dates outside what CloudWatch keeps, year 275760', () => {
    for (const [args, message] of [
      [['--days', '0'], /--days: expected a number of days from 1 to 454/],
      [['--days', '455'], /--days/],
      [['--region', 'moon'], /--region: expected an AWS region/],
      [['--end', 'yesterday'], /--end: expected an ISO 8601 time/],
      [['--end', '+275760-09-13T00:00:00Z'], /--end: expected an ISO 8601 time/],
      [['--end', '9999-01-01T00:00:00Z'], /--end: 9999-01-01T00:00:00Z is in the future/],
      [['--end', '2001-01-01T00:00:00Z'], /starts more than 454 days ago: CloudWatch keeps data 455 days/],
    ] as const) {
      const r = runCli(['cloudwatch-query', '--project', 'p', '--version', 'v', '--region', 'us-east-1', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const noRegion = runCli(['cloudwatch-query', '--project', 'p', '--version', 'v', '--days', '7']);
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toMatch(/--region: required/);
    expect(runCli(['cloudwatch-query', '--project', 'p']).code).toBe(2);
  });
});

describe('queryWindow: a start and period CloudWatch answers when the command runs', () => {
  const now = Date.parse('2026-12-01T00:00:00Z');
  it('the period follows the start age plus a day for running it later, not the window length', () => {
    // 15 days ending now starts 15 days ago: a day later it is 16 days old, past 60 s data.
    expect(queryWindow(15, now, now).periodSeconds).toBe(300);
    expect(queryWindow(14, now, now).periodSeconds).toBe(60);
    expect(queryWindow(62, now, now).periodSeconds).toBe(300);
    expect(queryWindow(63, now, now).periodSeconds).toBe(3600);
    // A week that ended 100 days ago: its start is 107 days old, so hourly.
    expect(queryWindow(7, now - 100 * DAY_MS, now).periodSeconds).toBe(3600);
  });

  it('start and end are whole periods of the chosen period', () => {
    for (const [days, endMs] of [
      [3, now + 1_234_567],
      [30, now - 7_777_777],
      [200, now - 999],
    ] as const) {
      const w = queryWindow(days, endMs, now);
      expect(w.endMs % (w.periodSeconds * 1000)).toBe(0);
      expect(w.startMs % (w.periodSeconds * 1000)).toBe(0);
      expect(w.endMs - w.startMs).toBeCloseTo(days * DAY_MS, -7);
    }
  });
});
