import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const PROFILE = 'examples/workloads/storefront-profile.yaml';
const TRACE = 'examples/workloads/storefront-trace.yaml';
const DAY = [10, 10, 10, 10, 10, 15, 25, 45, 70, 90, 100, 110, 120, 110, 100, 90, 80, 70, 50, 35, 25, 20, 15, 10];

function workload(dir: string, traffic: string, extra = ''): string {
  const file = join(dir, 'w.yaml');
  writeFileSync(
    file,
    `version: 1\nname: t\nmodel:\n  task: classification\n  tps_per_unit: 10\nimages:\n  - {share: 1, width: 640, height: 480, size_mb: 0.2}\ntraffic:\n${traffic}\n${extra}`,
  );
  return file;
}

describe('capacity-plan simulate', () => {
  let json: Record<string, any>;
  beforeAll(() => {
    const r = runCli(['simulate', PROFILE, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    json = JSON.parse(r.stdout);
  });

  it('writes capacity-plan/simulation@1 with the month figures', () => {
    expect(json.schema).toBe('capacity-plan/simulation@1');
    // The day profile repeated over 730 h: 30 whole days and the first 10 hours of another.
    const daySum = DAY.reduce((a, b) => a + b, 0);
    const first10 = DAY.slice(0, 10).reduce((a, b) => a + b, 0);
    expect(json.requests.total).toBe((30 * daySum + first10) * 3600);
    expect(json.requests.served + json.requests.throttled).toBe(json.requests.total);
    // The default pair is the plan's answer, the pair `plan` recommends and `gate` checks.
    const plan = JSON.parse(runCli(['plan', PROFILE, '--format', 'json']).stdout).plans[0];
    expect([json.minInferenceUnits, json.maxInferenceUnits]).toEqual([plan.minInferenceUnits, plan.maxInferenceUnits]);
    expect(json.monthlyCostUsd).toBe(plan.monthlyCostUsd);
    expect(json.pairSource).toBe('plan');
    // The peak/baseline rule's pair is a step: Min at the AZ floor, Max ceil(120 / (10 × 0.8)) = 15.
    expect([json.staticPlan.minInferenceUnits, json.staticPlan.maxInferenceUnits]).toEqual([2, 15]);
    // Billed hours lie between Min and Max running all month.
    expect(json.inferenceHoursPerMonth).toBeGreaterThan(json.minInferenceUnits * 730);
    expect(json.inferenceHoursPerMonth).toBeLessThan(json.maxInferenceUnits * 730);
    expect(json.monthlyCostUsd).toBeCloseTo(json.inferenceHoursPerMonth * 4, 1);
    expect(typeof json.throttledPct).toBe('number');
    expect(typeof json.minutesThrottled).toBe('number');
    expect(json.busiestHour.start).toBe('12:00');
    expect(json.busiestHour.requests).toBe(120 * 3600);
    expect(json.strategies.map((s: { name: string }) => s.name)).toEqual(['fixed-max', 'autoscale']);
    const fixed = json.strategies[0];
    expect(fixed.inferenceHoursPerMonth).toBe(json.maxInferenceUnits * 730);
    expect(fixed.throttledPct).toBe(0);
    // Hourly steps up outrun a 15-minute scale-up from the 2-unit floor: the rule's pair throttles
    // more than 0.1%, so the answer is the search's higher Min (and only 12 = 120 / 10 units at full capacity).
    expect(json.staticPlan.throttledPct).toBeGreaterThan(0.1);
    expect(json.throttledPct).toBeLessThanOrEqual(0.1);
    expect(json.recommended).toMatchObject({
      minInferenceUnits: json.minInferenceUnits,
      maxInferenceUnits: json.maxInferenceUnits,
      throttledPct: json.throttledPct,
      monthlyCostUsd: json.monthlyCostUsd,
    });
    expect(json.maxInferenceUnits).toBeLessThanOrEqual(12);
    expect(json.busiestDay.demandTps).toHaveLength(96);
    expect(json.assumptions.join(' ')).toMatch(/scale_up_minutes = 15: an assumption/);
  });

  it('--min/--max override the plan; a zone outage throttles more than none', () => {
    const base = JSON.parse(runCli(['simulate', TRACE, '--min', '3', '--max', '5', '-f', 'json']).stdout);
    const out = runCli(['simulate', TRACE, '--min', '3', '--max', '5', '--zone-outage', 'wed 11:00/1h', '-f', 'json']);
    expect(out.code).toBe(0);
    const outage = JSON.parse(out.stdout);
    expect([base.minInferenceUnits, base.maxInferenceUnits, base.pairSource]).toEqual([3, 5, 'flags']);
    expect(outage.scenarios.zoneOutage).toMatchObject({ start: '2025-03-05T11:00Z', startMinute: 2 * 1440 + 660, durationMinutes: 60 });
    // Throttling in the outage's own hour, not diluted over the month.
    const z = outage.scenarios.zoneOutage;
    expect(z.throttled).toBeGreaterThan(0);
    expect(z.throttledPct).toBeCloseTo((z.throttled / z.requests) * 100, 2);
    expect(z.throttledPct).toBeGreaterThan(outage.throttledPct);
    expect(outage.requests.throttled).toBeGreaterThan(base.requests.throttled);
    // Lost units stay billed, and the replacements the autoscaler starts are billed too.
    expect(outage.inferenceHoursPerMonth).toBeGreaterThanOrEqual(base.inferenceHoursPerMonth);
    const fail = JSON.parse(runCli(['simulate', TRACE, '--min', '3', '--max', '5', '--unit-failure', 'wed 11:00', '-f', 'json']).stdout);
    expect(fail.scenarios.unitFailure.downMinutes).toBe(15);
    expect(fail.requests.throttled).toBeGreaterThan(base.requests.throttled);
  });

  it('prints a table with the chart and the assumptions, and markdown with the chart as Mermaid', () => {
    const t = runCli(['simulate', PROFILE]);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('─ demand TPS, ┄ serving capacity TPS');
    expect(t.stdout).toContain('scale-up time is an ASSUMPTION');
    expect(t.stdout).toContain('fixed fleet at Max');
    const m = runCli(['simulate', PROFILE, '--format', 'markdown']);
    const chart =
      /```mermaid\n%%\{init: .*\}%%\nxychart-beta\n  title "Demand \(blue\) vs serving capacity \(green\)[^"]*"\n  x-axis "hours from [^"]*" 0 --> 24\n  y-axis "TPS" 0 --> (\d+)\n  line \[([^\]]*)\]\n  line \[([^\]]*)\]\n```/.exec(
        m.stdout,
      );
    expect(chart, m.stdout).not.toBeNull();
    // The busiest day in 15-minute means: 96 points a line, both under the y-axis top.
    const [top, demand, capacity] = [Number(chart![1]), chart![2]!.split(', ').map(Number), chart![3]!.split(', ').map(Number)];
    expect(demand).toHaveLength(96);
    expect(capacity).toHaveLength(96);
    expect(Math.max(...demand, ...capacity)).toBeLessThanOrEqual(top);
    expect(Math.max(...demand)).toBe(JSON.parse(runCli(['simulate', PROFILE, '-f', 'json']).stdout).traffic.peakTps);
    expect(m.stdout).toContain('| strategy');
  });

  it('runs the schedule strategy when the schedule is not 24 × 7', () => {
    const dir = tempDir();
    const file = workload(dir, `  profile: [${DAY.join(', ')}]`, 'schedule:\n  hours_per_day: 12\n  days_per_week: 5\n');
    const r = JSON.parse(runCli(['simulate', file, '-f', 'json']).stdout);
    expect(r.strategy).toBe('schedule');
    expect(r.schedule).toEqual({ days: 'Mon,Tue,Wed,Thu,Fri', from: '07:00-19:00', hoursPerDay: 12, restartMinutes: 15 });
    expect(r.strategies.map((s: { name: string }) => s.name)).toEqual(['fixed-max', 'autoscale', 'schedule']);
    const sched = r.strategies[2];
    expect(sched.throttledPct).toBeGreaterThan(0); // nights, weekends and restart gaps
    expect(sched.inferenceHoursPerMonth).toBeLessThan(r.strategies[1].inferenceHoursPerMonth);
  });

  it('writes --out atomically', () => {
    const out = join(tempDir(), 'sim.json');
    const r = runCli(['simulate', PROFILE, '-f', 'json', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).schema).toBe('capacity-plan/simulation@1');
  });

  it('rejects bad flags with exit 2 and one line', () => {
    for (const args of [
      ['--zone-outage', 'lunchtime'],
      ['--zone-outage', '09:00/forever'],
      ['--unit-failure', 'xyz 10:00'],
      ['--min', '5', '--max', '3'],
      ['--min', 'two'],
    ]) {
      const r = runCli(['simulate', PROFILE, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^capacity-plan: --(zone-outage|unit-failure|min)/);
    }
  });

  it('needs a profile or trace', () => {
    const r = runCli(['simulate', 'examples/workloads/shelf-audit.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/shelf-audit\.yaml:\d+:\d+: simulate needs traffic over time/);
  });

  it('reports bad trace rows as trace-file:line, and a missing trace at the workload line', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 't.csv'), 'timestamp,rps\n2025-03-03T00:00:00Z,4\n2025-03-03T00:01:00Z,lots\n');
    const file = workload(dir, '  trace: t.csv');
    const r = runCli(['simulate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`capacity-plan: ${join(dir, 't.csv')}:3: rps must be a number 0 or more, got 'lots'\n`);
    const missing = workload(dir, '  trace: nope.csv');
    const m = runCli(['plan', missing]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/w\.yaml:9:10: traffic\.trace: .*nope\.csv: trace file not found/);
  });

  it('rejects a profile of the wrong length at its line', () => {
    const file = workload(tempDir(), '  profile: [1, 2, 3]');
    const r = runCli(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/w\.yaml:9:\d+: traffic\.profile: needs 24 hourly values .* got 3/);
  });
});

describe('capacity-plan simulate --backtest', () => {
  const FILE = 'test/fixtures/cloudwatch/backtest.yaml';
  it('replays a CloudWatch history with its recorded Min/Max and prints recorded beside simulated', () => {
    const r = runCli(['simulate', FILE, '--backtest']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Min/Max 2/3 (recorded)');
    expect(r.stdout).toMatch(/Throttled requests\s+│\s+900\s+│\s+600\s+│\s+-300/);
    const j = JSON.parse(runCli(['simulate', FILE, '--backtest', '-f', 'json']).stdout);
    expect(j.schema).toBe('capacity-plan/backtest@1');
    expect(j.error.throttledRequests).toBe(-300);
    expect(runCli(['simulate', FILE, '--backtest', '-f', 'markdown']).stdout).toContain('| Unit-hours in service');
  });

  it('--min/--max replace the recorded pair', () => {
    const j = JSON.parse(runCli(['simulate', FILE, '--backtest', '--min', '2', '--max', '2', '-f', 'json']).stdout);
    expect([j.pairSource, j.simulated.throttledRequests]).toEqual(['flags', 1800]);
  });

  it('needs a CloudWatch history, and takes no scenarios', () => {
    const noHistory = runCli(['simulate', TRACE, '--backtest']);
    expect(noHistory.code).toBe(2);
    expect(noHistory.stderr).toMatch(
      /^capacity-plan: examples\/workloads\/storefront-trace\.yaml:\d+:\d+: --backtest needs traffic\.cloudwatch/,
    );
    const scenario = runCli(['simulate', FILE, '--backtest', '--zone-outage', '09:00/1h']);
    expect(scenario.code).toBe(2);
    expect(scenario.stderr).toMatch(/takes no --zone-outage/);
  });

  it('a CloudWatch history is traffic for plan and simulate too', () => {
    const p = JSON.parse(runCli(['plan', FILE, '-f', 'json']).stdout).plans[0];
    // Busiest minute 40 TPS, quietest 0: at 10 TPS per unit and utilization 1, Max 4.
    expect([p.peakTps, p.baselineTps, p.maxInferenceUnits]).toEqual([40, 0, 4]);
    expect(p.search.trafficSource).toMatch(
      /^traffic\.cloudwatch \.\/backtest\.json \(6 periods of 60 s over 0\.1 h, 1 without requests; 1 JSON document\)$/,
    );
  });
});
