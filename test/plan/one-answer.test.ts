import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/contracts/plan.js';
import { evaluateGate } from '../../src/gate/gate.js';
import type { GateResult } from '../../src/gate/result.js';
import { planWorkload } from '../../src/plan/recommend.js';
import { searchPair } from '../../src/plan/search-pair.js';
import { simulateWorkload } from '../../src/simulate/simulate-workload.js';
import { resolveWorkload } from '../../src/workload/resolve.js';
import { WorkloadSchema, type WorkloadInput } from '../../src/workload/schema.js';
import { seriesFromProfile } from '../../src/workload/series.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

/**
 * One answer per workload: the pair `plan` recommends is the pair `gate` checks (at the same
 * monthly cost) and the pair `simulate` runs by default; with survive_zone_outage, a 2-hour outage
 * of the worst zone from the busiest hour throttles at most scale_up_minutes / 120 of its window.
 */

const EXAMPLES = readdirSync(join(ROOT, 'examples', 'workloads')).filter((f) => f.endsWith('.yaml'));

const json = <T>(args: string[], cwd = ROOT): T => {
  const r = runCli([...args, '-f', 'json'], { cwd });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as T;
};

/** The CLI's three answers for one workload file, and the outage check the plan states. */
function threeCommands(file: string, cwd = ROOT) {
  const plan = json<{ plans: Plan[] }>(['plan', file], cwd).plans[0]!;
  const gate = json<GateResult>(['gate', file], cwd).workloads[0]!;
  expect(gate.current).toEqual({
    minInferenceUnits: plan.minInferenceUnits,
    maxInferenceUnits: plan.maxInferenceUnits,
    monthlyCostUsd: plan.monthlyCostUsd,
  });
  expect(gate.basis).toBe(plan.costBasis);
  if (plan.search) {
    const sim = json<{ minInferenceUnits: number; maxInferenceUnits: number; monthlyCostUsd: number; pairSource: string }>(
      ['simulate', file],
      cwd,
    );
    expect([sim.minInferenceUnits, sim.maxInferenceUnits, sim.pairSource]).toEqual([
      plan.minInferenceUnits,
      plan.maxInferenceUnits,
      'plan',
    ]);
    expect(sim.monthlyCostUsd).toBe(plan.costByBasis.simulated);
  }
  return plan;
}

/** simulate --zone-outage at the plan's busiest hour for 2 h: the window's throttled share. */
function outageShare(file: string, plan: Plan, cwd = ROOT): number {
  const o = plan.zoneOutage.outage!;
  const sim = json<{ minInferenceUnits: number; scenarios: { zoneOutage: { throttledPct: number; startMinute: number } } }>(
    ['simulate', file, '--zone-outage', `${o.startMinute}/120`],
    cwd,
  );
  expect(sim.minInferenceUnits).toBe(plan.minInferenceUnits);
  expect(sim.scenarios.zoneOutage.startMinute).toBe(o.startMinute);
  return sim.scenarios.zoneOutage.throttledPct;
}

const weekProfile = (peak: number, off: number, days: number[], from: number, to: number) =>
  Array.from({ length: 168 }, (_, h) => (days.includes(Math.floor(h / 24)) && h % 24 >= from && h % 24 < to ? peak : off));

const workloadText = (over: { profile?: number[]; peak?: number; zones: number; survive: boolean; tps: number; name: string }) =>
  [
    'version: 1',
    `name: ${over.name}`,
    'model: { task: detection, tps_per_unit: ' + over.tps + ' }',
    'images: [{ share: 1, width: 1280, height: 720, size_mb: 0.5, objects: 4 }]',
    over.profile
      ? `traffic: { profile: [${over.profile.join(', ')}] }`
      : `traffic: { peak_tps: ${over.peak}, baseline_tps: 5, peak_hours_per_day: 8 }`,
    `availability: { production: true, zones: ${over.zones}, survive_zone_outage: ${over.survive} }`,
    '',
  ].join('\n');

describe('one answer: plan, gate and simulate agree', () => {
  for (const example of EXAMPLES) {
    it(`examples/workloads/${example}`, () => threeCommands(`examples/workloads/${example}`));
  }

  const dir = tempDir('one-answer-');
  const own: Array<[string, Parameters<typeof workloadText>[0]]> = [
    [
      'weekday office peak, 3 zones, survive',
      { name: 'office-3z', profile: weekProfile(300, 20, [0, 1, 2, 3, 4], 9, 17), zones: 3, survive: true, tps: 5 },
    ],
    [
      'weekday office peak, 2 zones, survive',
      { name: 'office-2z', profile: weekProfile(120, 10, [0, 1, 2, 3, 4], 8, 18), zones: 2, survive: true, tps: 10 },
    ],
    [
      'weekend peak, 3 zones, no promise',
      { name: 'weekend', profile: weekProfile(80, 5, [5, 6], 10, 20), zones: 3, survive: false, tps: 10 },
    ],
    [
      'a day profile, 2 zones, survive',
      { name: 'day', profile: [...Array(8).fill(5), ...Array(10).fill(60), ...Array(6).fill(15)], zones: 2, survive: true, tps: 8 },
    ],
    ['peak and baseline only, 3 zones, survive', { name: 'flat', peak: 45, zones: 3, survive: true, tps: 10 }],
  ];
  for (const [what, spec] of own) {
    it(what, () => {
      const file = join(dir, `${spec.name}.yaml`);
      writeFileSync(file, workloadText(spec));
      const plan = threeCommands(file, dir);
      expect(plan.zoneOutage.required).toBe(spec.survive);
      if (spec.survive) expect(plan.zoneOutage.holds).toBe(true);
      if (spec.survive && spec.profile) {
        expect(plan.headline).toMatch(/survives a 2 h zone outage from /);
        expect(outageShare(file, plan, dir)).toBeLessThanOrEqual((15 / 120) * 100);
      }
    });
  }
});

// Random weekly traffic: a base level, a peak on some days and hours, 2 or 3 zones, with and
// without the zone promise, the autoscaler's lag and the throttling limit varied.
const randomWorkload = fc
  .record({
    base: fc.integer({ min: 0, max: 40 }),
    peak: fc.integer({ min: 20, max: 400 }),
    days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
    from: fc.integer({ min: 0, max: 20 }),
    hours: fc.integer({ min: 1, max: 12 }),
    tps: fc.integer({ min: 2, max: 40 }),
    zones: fc.integer({ min: 2, max: 3 }),
    survive: fc.boolean(),
    up: fc.constantFrom(5, 15, 30),
    limitPct: fc.constantFrom(0.1, 1),
  })
  .map((r) => ({
    input: {
      version: 1 as const,
      name: 'random',
      model: { task: 'detection' as const, tps_per_unit: r.tps },
      images: [{ share: 1, width: 1280, height: 720, size_mb: 0.5 }],
      traffic: { profile: weekProfile(r.peak, r.base, r.days, r.from, Math.min(24, r.from + r.hours)) },
      availability: { production: true, zones: r.zones, survive_zone_outage: r.survive },
      scaling: { scale_up_minutes: r.up, max_throttled_pct: r.limitPct },
    } satisfies WorkloadInput,
    up: r.up,
  }));

describe('one answer: a property over random weekly traffic', () => {
  it("the gate checks and simulate runs the plan's pair; a kept zone promise holds in simulate at the busiest hour", async () => {
    await fc.assert(
      fc.asyncProperty(randomWorkload, async ({ input, up }) => {
        const w = WorkloadSchema.parse(input);
        const series = seriesFromProfile(w.traffic.profile!);
        const r = resolveWorkload(w, {
          tpsSource: { kind: 'constant', tpsPerUnit: w.model.tps_per_unit! },
          price: { pricePerUnitHourUsd: 4, priceSource: 'test' },
          overTime: { series, source: 'profile' },
        });
        const plan = planWorkload(r, searchPair);
        const gate = evaluateGate({
          workloads: [{ plan, file: 'w.yaml', budget: { rules: [] } }],
          totalRules: [],
          baseline: null,
          failOn: 'error',
        });
        expect(gate.workloads[0]!.current).toEqual({
          minInferenceUnits: plan.minInferenceUnits,
          maxInferenceUnits: plan.maxInferenceUnits,
          monthlyCostUsd: plan.monthlyCostUsd,
        });
        const sim = simulateWorkload(r, r.overTime!, plan);
        expect([sim.minInferenceUnits, sim.maxInferenceUnits, sim.monthlyCostUsd]).toEqual([
          plan.minInferenceUnits,
          plan.maxInferenceUnits,
          plan.costByBasis.simulated,
        ]);
        if (!w.availability.survive_zone_outage) return;
        if (!plan.zoneOutage.holds) {
          expect(plan.headline).toContain('does NOT survive a zone outage');
          return;
        }
        const o = plan.zoneOutage.outage!;
        const withOutage = simulateWorkload(r, r.overTime!, plan, { zoneOutage: { startMinute: o.startMinute, durationMinutes: 120 } });
        // throttledPct is rounded to 4 decimals.
        expect(withOutage.scenarios.zoneOutage!.throttledPct).toBeLessThanOrEqual((up / 120) * 100 + 5e-5);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 30) },
    );
  }, 120_000);
});
