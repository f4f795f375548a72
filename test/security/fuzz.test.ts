import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseSuite } from '../../src/bench/suite.js';
import { UserError } from '../../src/core/errors.js';
import { OWN_FOLDERS_ONLY } from '../../src/core/paths.js';
import { evaluateGate } from '../../src/gate/gate.js';
import { budgetRules } from '../../src/gate/rules.js';
import { gateMarkdown } from '../../src/report/gate/markdown.js';
import { planJson } from '../../src/report/plan/json.js';
import { planMarkdown } from '../../src/report/plan/markdown.js';
import { simulationJson } from '../../src/report/simulation/json.js';
import { colorFor } from '../../src/report/format.js';
import { planWorkloads } from '../../src/plan/recommend.js';
import { simulateWorkload } from '../../src/simulate/simulate-workload.js';
import { loadWorkload } from '../../src/workload/resolve.js';
import { parseTrace } from '../../src/workload/trace.js';
import { runCli, tempDir } from '../helpers/cli.js';

/**
 * Every workload, trace and suite, however extreme its numbers, either works or is refused as
 * bad input (UserError: exit 2) within a time limit: never an internal error (exit 3), never a
 * hang. In-process against the core (load → plan with the Min/Max search → simulate → gate →
 * render), and a smaller number through the real CLI. FUZZ_RUNS and FUZZ_CLI_RUNS scale it up.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/**
 * Seeded, so the cases are the same every run: only a few workloads in 200 plan (most mutations
 * are refused), so an unseeded run could plan none and fail the not-vacuous check of the first
 * property. FUZZ_SEED picks other cases for a long run by hand.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const CLI_RUNS = Number(process.env.FUZZ_CLI_RUNS ?? 4);
/** Per case, in-process: the slowest valid workloads (100,000 units over a profile) take about 1.5 s. */
const CASE_LIMIT_MS = 10_000;
/** The whole run: generous, since a long run (FUZZ_RUNS=100000) takes tens of minutes. */
const RUN_TIMEOUT_MS = Math.max(600_000, RUNS * 100);

const extreme = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(
    0,
    -0,
    -1,
    1e-9,
    1e-300,
    0.001,
    1,
    2 ** 31,
    2 ** 53,
    1e5,
    1e6,
    1e308,
    Number.MAX_VALUE,
    Number.POSITIVE_INFINITY,
    Number.NaN,
  ),
  fc.double({ min: 0.01, max: 1000, noNaN: true }),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** Mostly a plausible value, sometimes an extreme one: every field extreme at once would never get past the schema. */
const mostly = <T>(sane: fc.Arbitrary<T>) => fc.oneof({ arbitrary: sane, weight: 6 }, { arbitrary: extreme, weight: 1 });
const name = fc.oneof(
  { arbitrary: fc.constantFrom('a', 'x | <b>@y</b>', '[x](https://e.vil)', '<!-- capacity-plan-gate -->'), weight: 4 },
  {
    arbitrary: fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom('\u001b[2J', 'a\u0000b'),
    ),
    weight: 1,
  },
);
const hours = (n: number) => fc.array(mostly(fc.double({ min: 0, max: 500, noNaN: true })), { minLength: n, maxLength: n });

const workloadArb = fc.record(
  {
    version: mostly(fc.constant(1)),
    name,
    service: fc.constantFrom('rekognition-custom-labels', 'lookout-for-vision', 'custom'),
    price_per_unit_hour: maybe(mostly(fc.double({ min: 0.01, max: 1000, noNaN: true }))),
    model: fc.record(
      {
        task: fc.constantFrom('classification', 'detection'),
        tps_per_unit: mostly(fc.oneof(fc.double({ min: 0.001, max: 100, noNaN: true }), fc.double({ min: 1e-9, max: 1e6, noNaN: true }))),
        calibration: maybe(mostly(fc.double({ min: 0.1, max: 10, noNaN: true }))),
      },
      { requiredKeys: ['task', 'tps_per_unit'] },
    ),
    images: fc.oneof(
      {
        arbitrary: fc.tuple(
          fc.record(
            {
              share: fc.constant(1),
              width: mostly(fc.integer({ min: 64, max: 4096 })),
              height: mostly(fc.integer({ min: 64, max: 4096 })),
              size_mb: mostly(fc.double({ min: 0.01, max: 3.9, noNaN: true })),
              objects: maybe(mostly(fc.nat(50))),
            },
            { requiredKeys: ['share', 'width', 'height', 'size_mb'] },
          ),
        ),
        weight: 5,
      },
      {
        arbitrary: fc.array(fc.record({ share: fc.constantFrom(1, 0.5, 0.25), width: extreme, height: extreme, size_mb: extreme }), {
          minLength: 1,
          maxLength: 3,
        }),
        weight: 1,
      },
    ),
    traffic: fc.oneof(
      fc.record(
        {
          peak_tps: mostly(fc.double({ min: 0.01, max: 1e6, noNaN: true })),
          baseline_tps: maybe(mostly(fc.double({ min: 0, max: 10, noNaN: true }))),
          peak_hours_per_day: maybe(mostly(fc.double({ min: 0, max: 24, noNaN: true }))),
        },
        { requiredKeys: ['peak_tps'] },
      ),
      fc.record(
        {
          profile: fc.oneof({ arbitrary: hours(24), weight: 4 }, { arbitrary: hours(168), weight: 2 }, { arbitrary: hours(3), weight: 1 }),
          baseline_tps: maybe(extreme),
        },
        { requiredKeys: ['profile'] },
      ),
      fc.record({ trace: fc.constant('t.csv') }),
    ),
    schedule: maybe(
      fc.record({
        hours_per_day: maybe(mostly(fc.integer({ min: 1, max: 24 }))),
        days_per_week: maybe(mostly(fc.integer({ min: 1, max: 7 }))),
      }),
    ),
    availability: maybe(
      fc.record({
        production: maybe(fc.boolean()),
        zones: maybe(mostly(fc.integer({ min: 1, max: 6 }))),
        survive_zone_outage: maybe(fc.boolean()),
      }),
    ),
    scaling: maybe(
      fc.record({
        target_utilization: maybe(mostly(fc.double({ min: 0.1, max: 1, noNaN: true }))),
        autoscale: maybe(fc.boolean()),
        scale_up_minutes: maybe(mostly(fc.integer({ min: 0, max: 1440 }))),
        scale_down_minutes: maybe(mostly(fc.integer({ min: 0, max: 1440 }))),
        max_throttled_pct: maybe(mostly(fc.constantFrom(0, 0.1, 5, 100))),
      }),
    ),
    budget: maybe(
      fc.record({
        monthly_usd: maybe(mostly(fc.double({ min: 1, max: 1e12, noNaN: true }))),
        max_units: maybe(mostly(fc.integer({ min: 1, max: 100_000 }))),
        min_units: maybe(mostly(fc.integer({ min: 1, max: 10 }))),
        max_increase_pct: maybe(extreme),
      }),
    ),
  },
  { requiredKeys: ['version', 'name', 'model', 'images', 'traffic'] },
);

/** A trace: a header, then rows a few minutes apart (at most a few days: the fuzz needs many cases, not long ones). */
const traceArb = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('timestamp,rps', 'ts,rpm', 'time,tps,extra', 'rps', 'timestamp,rps,rpm', ''),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 240 }), mostly(fc.double({ min: 0, max: 200, noNaN: true })), fc.boolean()), {
        maxLength: 200,
      }),
    )
    .map(([header, rows]) => {
      let t = Date.UTC(2025, 2, 3);
      const lines: string[] = [header];
      for (const [stepMin, rate, unix] of rows) {
        t += stepMin * 60_000;
        lines.push(`${unix ? t / 1000 : new Date(t).toISOString()},${rate}`);
      }
      return lines.join('\n') + '\n';
    }),
  fc.string({ maxLength: 300 }),
);

const suiteArb = fc.record({
  version: fc.oneof(fc.constant(1), extreme),
  models: fc.array(
    fc.oneof(
      fc.constantFrom('ocr-det', 'ocr-cls', 'nope'),
      fc.record({
        name,
        task: fc.constantFrom('classification', 'detection'),
        path: fc.constant('m.onnx'),
        input: fc.record({ width: extreme, height: extreme, dtype: fc.constantFrom('float32', 'float16') }),
        output: fc.record({ format: fc.constantFrom('logits', 'yolov8', 'db') }),
      }),
    ),
    { maxLength: 3 },
  ),
  conditions: maybe(
    fc.record({
      resolutions: maybe(
        fc.array(
          fc.oneof(
            fc.tuple(extreme, extreme).map(([w, h]) => `${w}x${h}`),
            fc.string({ maxLength: 12 }),
          ),
          { maxLength: 3 },
        ),
      ),
      sizes_mb: maybe(fc.array(extreme, { maxLength: 3 })),
      objects: maybe(fc.array(extreme, { maxLength: 3 })),
    }),
  ),
  measure: maybe(fc.record({ min_samples: maybe(extreme), max_time_s: maybe(extreme) })),
});

/** Runs `work`; passes when it returns or throws a UserError, within the time limit. */
async function workOrUserError(work: () => Promise<unknown> | unknown): Promise<'ok' | 'refused'> {
  const started = performance.now();
  let outcome: 'ok' | 'refused';
  try {
    await work();
    outcome = 'ok';
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    outcome = 'refused';
  }
  expect(performance.now() - started).toBeLessThan(CASE_LIMIT_MS);
  return outcome;
}

const dir = tempDir('capacity-plan-fuzz-');
const color = colorFor({ isTTY: false }, {});
const tally = { ok: 0, refused: 0 };

describe('fuzz: generated workloads, traces and suites', () => {
  it(
    `in process: load, plan (with the Min/Max search), simulate, gate and render (${RUNS} cases)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(workloadArb, traceArb, async (w, trace) => {
          const file = join(dir, 'w.yaml');
          writeFileSync(file, stringify(w));
          writeFileSync(join(dir, 't.csv'), trace);
          const outcome = await workOrUserError(async () => {
            const loaded = await loadWorkload(file, OWN_FOLDERS_ONLY);
            const report = await planWorkloads([loaded]);
            // JSON writes Infinity and NaN as null: the headline figures must be real numbers.
            const plan = JSON.parse(planJson(report, { color, width: 100 })).plans[0];
            for (const v of [
              plan.minInferenceUnits,
              plan.maxInferenceUnits,
              plan.monthlyCostUsd,
              plan.costByBasis.min,
              plan.costByBasis.max,
            ])
              expect(Number.isFinite(v)).toBe(true);
            planMarkdown(report, { color, width: 100 });
            if (loaded.overTime) simulationJson(simulateWorkload(loaded, loaded.overTime, report.plans[0]!), { color, width: 100 });
            const gate = evaluateGate({
              workloads: [{ plan: report.plans[0]!, file, budget: budgetRules(loaded.workload.budget, loaded.doc, file) }],
              totalRules: [],
              baseline: null,
              failOn: 'error',
            });
            const md = gateMarkdown(gate, { color, width: 100 });
            expect(md.split('<!-- capacity-plan-gate -->')).toHaveLength(2);
          });
          tally[outcome]++;
        }),
        { numRuns: RUNS, seed: SEED },
      );
      if (process.env.FUZZ_RUNS) process.stderr.write(`fuzz: ${tally.ok} workloads planned, ${tally.refused} refused as bad input\n`);
      // The generators reach both outcomes, so the property is not vacuous.
      expect(tally.ok).toBeGreaterThan(0);
      expect(tally.refused).toBeGreaterThan(0);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    `in process: traces and suites parse or are refused (${RUNS} cases each)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(traceArb, async (t) => void (await workOrUserError(() => parseTrace(t, 't.csv')))),
        { numRuns: RUNS },
      );
      await fc.assert(
        fc.asyncProperty(suiteArb, async (s) => void (await workOrUserError(() => parseSuite(stringify(s), 's.yaml')))),
        { numRuns: RUNS },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.string({ unit: 'binary', maxLength: 200 }),
          async (text) => void (await workOrUserError(() => parseSuite(text, 's.yaml'))),
        ),
        { numRuns: RUNS },
      );
    },
    RUN_TIMEOUT_MS,
  );

  it(
    `through the CLI: plan and gate exit 0, 1 (gate) or 2, with no stack trace (${CLI_RUNS} cases)`,
    () => {
      fc.assert(
        fc.property(workloadArb, traceArb, (w, trace) => {
          const cliDir = tempDir('capacity-plan-fuzz-cli-');
          writeFileSync(join(cliDir, 'w.yaml'), stringify(w));
          writeFileSync(join(cliDir, 't.csv'), trace);
          // plan runs the Min/Max search; gate renders the markdown comment. (simulate and validate load the same way.)
          for (const args of [
            ['plan', 'w.yaml'],
            ['gate', 'w.yaml', '-f', 'markdown'],
          ]) {
            const r = runCli(args, { cwd: cliDir });
            expect([0, 2, ...(args[0] === 'gate' ? [1] : [])]).toContain(r.code);
            expect(r.stderr).not.toMatch(/internal error|\n\s+at |Warning:/);
            if (r.code === 2) expect(r.stderr.trim().length).toBeGreaterThan(0);
          }
        }),
        { numRuns: CLI_RUNS },
      );
    },
    RUN_TIMEOUT_MS,
  );
});
