import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { FIRST_BUDGET_LINE, writeWorkload, type WorkloadSpec } from '../gate/workloads.js';

const EXPECTED = join(ROOT, 'test', 'gate', 'expected');

/** Compares with a stored file; UPDATE_EXPECTED=1 rewrites it (then review the diff). */
function matchesExpected(actual: string, name: string): void {
  const path = join(EXPECTED, name);
  if (process.env.UPDATE_EXPECTED === '1' || !existsSync(path)) {
    if (process.env.UPDATE_EXPECTED !== '1') throw new Error(`${path} is missing: run with UPDATE_EXPECTED=1 and review it`);
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

/** A pull request that grows one workload, adds one and removes one, with every kind of rule outcome. */
function pullRequest(root = tempDir('gate-out-'), sub = '.'): { dir: string; args: string[] } {
  const dir = join(root, sub);
  mkdirSync(join(dir, 'base'), { recursive: true });
  const base: WorkloadSpec[] = [
    { name: 'shelf-audit', peakTps: 30 },
    { name: 'returns-desk', peakTps: 16 },
    { name: 'dock-cameras', peakTps: 30, baselineTps: 20 },
  ];
  const now: WorkloadSpec[] = [
    { name: 'shelf-audit', peakTps: 50, budget: ['monthly_usd: 5000', 'max_increase_pct: {limit: 50, level: warn}', 'max_units: 8'] },
    { name: 'returns-desk', peakTps: 16, budget: ['monthly_usd: 2000', 'min_units: 2'] },
    { name: 'night-sorter', peakTps: 24, budget: ['max_increase_usd: 2500', 'max_increase_pct: 10'] },
  ];
  const baseFiles = base.map((w) => join('base', writeWorkload(join(dir, 'base'), w)));
  expect(runCli(['plan', ...baseFiles, '--format', 'json', '--out', 'baseline.json'], { cwd: dir }).code).toBe(0);
  const files = now.map((w) => writeWorkload(dir, w));
  return { dir, args: [...files, '--baseline', 'baseline.json', '--max-monthly-cost', '8000', '--max-units', '20'] };
}

describe('gate --format markdown', () => {
  it('matches the stored pull-request comment: baseline diff with failed, warned, unchecked and passed rules', () => {
    const { dir, args } = pullRequest();
    const r = runCli(['gate', ...args, '--format', 'markdown'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toMatch(/^❌ \*\*capacity-plan gate failed\*\*/);
    matchesExpected(r.stdout, 'pull-request.md');
  });

  it('matches the stored comment without a baseline, all rules passing', () => {
    const dir = tempDir('gate-out-');
    const files = [
      writeWorkload(dir, { name: 'shelf-audit', peakTps: 30, peakHoursPerDay: 6, budget: ['monthly_usd: 2000', 'basis: expected'] }),
      writeWorkload(dir, { name: 'returns-desk', peakTps: 16, budget: ['max_units: {limit: 2, level: warn}'] }),
    ];
    const r = runCli(['gate', ...files, '--format', 'markdown', '--max-monthly-cost', '3285'], { cwd: dir });
    expect(r.code).toBe(0);
    matchesExpected(r.stdout, 'no-baseline.md');
  });

  it('--out writes the same text as stdout', () => {
    const { dir, args } = pullRequest();
    const r = runCli(['gate', ...args, '--format', 'markdown', '--out', 'comment.md'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    matchesExpected(readFileSync(join(dir, 'comment.md'), 'utf8'), 'pull-request.md');
  });
});

describe('gate --format github', () => {
  it('annotates the workload file at the line of the budget key, and the total without a file', () => {
    const { dir, args } = pullRequest();
    const r = runCli(['gate', ...args, '--format', 'github'], { cwd: dir });
    expect(r.code).toBe(1);
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    const L = FIRST_BUDGET_LINE;
    expect(annotations).toEqual([
      `::error file=shelf-audit.yaml,line=${L},col=3,title=capacity-plan gate%3A budget.monthly_usd::shelf-audit: monthly cost $5,110.00 is over the $5,000.00 budget by $110.00`,
      `::warning file=shelf-audit.yaml,line=${L + 1},col=3,title=capacity-plan gate%3A budget.max_increase_pct::shelf-audit: monthly cost changed by +75%25 ($2,920.00 → $5,110.00), over the allowed +50%25`,
      '::error title=capacity-plan gate%3A --max-monthly-cost::total: total monthly cost $8,760.00 is over the $8,000.00 budget by $760.00',
    ]);
    // Without $GITHUB_STEP_SUMMARY the markdown follows on stdout so nothing is lost.
    expect(r.stdout).toContain('❌ **capacity-plan gate failed**');
  });

  it('appends the markdown to $GITHUB_STEP_SUMMARY and names files relative to $GITHUB_WORKSPACE', () => {
    const root = tempDir('gate-gh-');
    const { dir, args } = pullRequest(root, 'deploy/workloads');
    const summary = join(root, 'summary.md');
    writeFileSync(summary, '## an earlier step\n');
    const r = runCli(['gate', ...args, '--format', 'github'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: root } });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('| Workload');
    expect(r.stdout).toContain(`::error file=deploy/workloads/shelf-audit.yaml,line=${FIRST_BUDGET_LINE},col=3,`);
    const markdown = runCli(['gate', ...args, '--format', 'markdown'], { cwd: dir }).stdout;
    const fromRoot = markdown.replace(/\((\S+\.yaml):/g, '(deploy/workloads/$1:');
    expect(fromRoot).not.toBe(markdown);
    expect(readFileSync(summary, 'utf8')).toBe('## an earlier step\n' + fromRoot + '\n');
  });

  it('an unwritable $GITHUB_STEP_SUMMARY is exit 2', () => {
    const { dir, args } = pullRequest();
    const r = runCli(['gate', ...args, '--format', 'github'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot append to \$GITHUB_STEP_SUMMARY: EISDIR/);
  });
});
