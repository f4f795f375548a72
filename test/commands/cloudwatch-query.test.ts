import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

describe('capacity-plan cloudwatch-query', () => {
  it('prints the aws command for the window, whole periods, and the query', () => {
    const r = runCli(['cloudwatch-query', '--project', 'shelf', '--version', 'v1', '--days', '14', '--end', '2026-11-30T10:07:30Z', '--region', 'us-east-1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      'aws cloudwatch get-metric-data --region us-east-1 --start-time 2026-11-16T10:07:00Z --end-time 2026-11-30T10:07:00Z --metric-data-queries file://cloudwatch-query.json --output json > cloudwatch.json',
    );
    expect(r.stdout).toContain('14 days at 60 s periods (20,160 datapoints per metric)');
    const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('\n[') + 1));
    expect(json).toHaveLength(5);
  });

  it('--out writes the query file the command reads; 30 days use 300 s periods', () => {
    const dir = tempDir();
    const out = join(dir, 'q.json');
    const r = runCli(['cloudwatch-query', '--project', 'p', '--version', 'v', '--days', '30', '--end', '2026-11-30T00:00:00Z', '--out', out, '-f', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ periodSeconds: 300, startTime: '2026-10-31T00:00:00Z', endTime: '2026-11-30T00:00:00Z' });
    expect(j.command).toContain(`file://${out}`);
    expect(JSON.parse(readFileSync(out, 'utf8'))[0].MetricStat.Period).toBe(300);
  });

  it('refuses bad flags with one line, exit 2', () => {
    for (const [args, message] of [
      [['--days', '0'], /--days: expected a number of days from 1 to 455/],
      [['--days', '500'], /--days/],
      [['--region', 'moon'], /--region: expected an AWS region/],
      [['--end', 'yesterday'], /--end: expected an ISO 8601 time/],
    ] as const) {
      const r = runCli(['cloudwatch-query', '--project', 'p', '--version', 'v', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(runCli(['cloudwatch-query', '--project', 'p']).code).toBe(2);
  });
});
