import * as z from 'zod';
import { UserError } from '../core/errors.js';
import type { SameShape } from '../core/same-shape.js';
import { parseYamlLocated, zodProblems } from '../core/yaml.js';
import { BENCH_SCHEMA_ID, BenchResultSchema, type BenchResult } from '../bench/result-schema.js';
import { GATE_SCHEMA_ID, type GateResult } from '../gate/result.js';
import { PLAN_SCHEMA_ID } from '../contracts/ids.js';
import { PlanReportSchema, type PlanReport } from '../contracts/plan.js';
import type { BacktestResult } from '../simulate/backtest.js';
import { LOADTEST_SCHEMA_ID, LoadtestResultSchema, type LoadtestResult } from '../loadtest/result-schema.js';
import type { SimulationResult } from '../simulate/result.js';

/**
 * Saved results read back for `capacity-plan report`: the JSON's `schema` id picks the reader,
 * and each reader validates the whole result before any view touches it. The results are
 * TypeScript interfaces written by their own layers (the pure cores build them, with their
 * documentation); each schema here is proven to have exactly its result's shape (SameShape,
 * below), so the compiler refuses any drift between the two, a new optional field included.
 */

const num = z.number();
const nonneg = z.number().nonnegative();
const int = z.number().int().nonnegative();
const str = z.string();
const warning = z.object({ code: str, message: str });

const pairFigures = z.object({ minInferenceUnits: int, maxInferenceUnits: int, monthlyCostUsd: nonneg, throttledPct: nonneg });

const basis = z.enum(['max', 'expected', 'min', 'simulated', 'batch']);

const monthFigures = {
  inferenceHoursPerMonth: nonneg,
  monthlyCostUsd: nonneg,
  requests: z.object({ total: nonneg, served: nonneg, throttled: nonneg }),
  throttledPct: nonneg,
  minutesThrottled: int,
};
const strategyName = z.enum(['fixed-max', 'autoscale', 'schedule']);
const runs = z.array(z.tuple([num, int]));

const SimulationSchema = z.object({
  schema: z.literal('capacity-plan/simulation@1'),
  name: str,
  file: str.optional(),
  traffic: z.object({ source: str, minutesSimulated: int, monthScale: num, peakTps: nonneg, meanTps: nonneg, lowestTps: nonneg }),
  tpsPerUnit: num,
  capacityPerUnitTps: num,
  pricePerUnitHourUsd: nonneg,
  scaleUpMinutes: int,
  scaleDownMinutes: int,
  pairSource: z.enum(['flags', 'plan']),
  minInferenceUnits: int,
  maxInferenceUnits: int,
  strategy: strategyName,
  schedule: z.object({ days: str, from: str, hoursPerDay: num, restartMinutes: int }).nullable(),
  ...monthFigures,
  busiestHour: z.object({ start: str, startMinute: int, requests: nonneg, throttled: nonneg }),
  scenarios: z.object({
    zoneOutage: z.object({ start: str, startMinute: int, durationMinutes: int, requests: nonneg, throttled: nonneg, throttledPct: nonneg }).optional(),
    unitFailure: z.object({ start: str, startMinute: int, downMinutes: int, requests: nonneg, throttled: nonneg, throttledPct: nonneg }).optional(),
  }),
  strategies: z.array(z.object({ name: strategyName, title: str, minInferenceUnits: int, maxInferenceUnits: int, ...monthFigures })),
  recommended: pairFigures.extend({ maxThrottledPct: nonneg }),
  staticPlan: pairFigures,
  busiestDay: z.object({ start: str, bucketMinutes: int, demandTps: z.array(num), capacityTps: z.array(num) }),
  assumptions: z.array(str),
  warnings: z.array(warning),
  series: z.object({
    kind: z.enum(['profile-day', 'profile-week', 'trace']),
    weekOffsetMinutes: int,
    startEpochMs: num.optional(),
    minutes: int,
    demandStepMinutes: z.number().int().positive(),
    demandTps: z.array(num),
    unitsServing: runs,
    unitsBilled: runs,
    throttledMinutes: runs,
  }),
});

const side = z.object({ unitHours: nonneg, throttledRequests: nonneg, minutesThrottled: int });

const BacktestSchema = z.object({
  schema: z.literal('capacity-plan/backtest@1'),
  name: str,
  file: str.optional(),
  trafficSource: str,
  periodSeconds: z.number().positive(),
  minutes: int,
  runningMinutes: int,
  requestsTotal: nonneg,
  minInferenceUnits: int,
  maxInferenceUnits: int,
  pairSource: z.enum(['recorded', 'flags']),
  tpsPerUnit: num,
  capacityPerUnitTps: num,
  scaleUpMinutes: int,
  scaleDownMinutes: int,
  recorded: side,
  simulated: side,
  error: z.object({
    unitHoursPct: num.nullable(),
    meanAbsUnits: nonneg,
    meanUnits: num,
    minutesUnitsExactPct: nonneg,
    throttledRequests: num,
    throttledPctOfRequests: num,
    meanAbsThrottledPerMinute: nonneg,
    throttledMinutes: z.object({ both: int, simulatedOnly: int, recordedOnly: int }),
  }),
  hourly: z.object({ start: str, recordedUnits: z.array(num), simulatedUnits: z.array(num), recordedThrottled: z.array(num), simulatedThrottled: z.array(num) }),
  assumptions: z.array(str),
  warnings: z.array(warning),
});

const level = z.enum(['warn', 'error']);
const verdict = z.enum(['pass', 'warn', 'fail']);
const ruleSource = z.union([z.object({ file: str, key: str, line: int, col: int }), z.object({ flag: str })]);
const rule = z.object({
  id: z.enum(['monthly_usd', 'max_units', 'min_units', 'max_increase_usd', 'max_increase_pct']),
  limit: num,
  level,
  from: ruleSource,
  status: z.enum(['pass', 'warn', 'fail', 'skip']),
  actual: num.nullable(),
  unit: z.enum(['usd', 'pct', 'units']),
  message: str,
});
const figures = z.object({ minInferenceUnits: int, maxInferenceUnits: int, monthlyCostUsd: nonneg.nullable() });
const diff = z.object({ minInferenceUnits: z.number().int(), maxInferenceUnits: z.number().int(), monthlyCostUsd: num.nullable(), monthlyCostPct: num.nullable() });

const GateSchema = z.object({
  schema: z.literal(GATE_SCHEMA_ID),
  status: verdict,
  failOn: level,
  baseline: z.object({ file: str }).nullable(),
  workloads: z.array(
    z.object({
      name: str,
      id: str.optional(),
      matchedBy: z.enum(['id', 'name', 'file', 'content']).optional(),
      previousName: str.optional(),
      file: str.nullable(),
      basis,
      change: z.enum(['added', 'removed', 'changed', 'unchanged', 'renamed']).nullable(),
      current: figures.nullable(),
      baseline: figures.nullable(),
      diff: diff.nullable(),
      rules: z.array(rule),
      status: verdict,
      demand: z.object({ peakTps: nonneg, capacityAtMaxTps: nonneg }).optional(),
    }),
  ),
  total: z.object({ current: figures, baseline: figures.nullable(), diff: diff.nullable(), rules: z.array(rule), status: verdict }),
  counts: z.object({ failed: int, warned: int, passed: int, skipped: int }),
});

// Each reader describes exactly the result its layer writes (see core/same-shape.ts): a field
// added to, removed from or changed in a result type stops the build until its reader follows.
const simulationReaderMatches: SameShape<z.output<typeof SimulationSchema>, SimulationResult> = true;
const backtestReaderMatches: SameShape<z.output<typeof BacktestSchema>, BacktestResult> = true;
const gateReaderMatches: SameShape<z.output<typeof GateSchema>, GateResult> = true;
export const READERS_MATCH_RESULTS = [simulationReaderMatches, backtestReaderMatches, gateReaderMatches];

/** A saved result, tagged with what it is so the caller can pick that result's formatters. */
export type SavedResult =
  | { kind: 'plan'; result: PlanReport }
  | { kind: 'simulation'; result: SimulationResult }
  | { kind: 'backtest'; result: BacktestResult }
  | { kind: 'gate'; result: GateResult }
  | { kind: 'bench'; result: BenchResult }
  | { kind: 'loadtest'; result: LoadtestResult };

/**
 * What each schema id is and how to read it. A new result type (e.g. `capacity-plan/loadtest@1`)
 * is a schema and one entry here, a kind in SavedResult, and its formatters in commands/report.ts.
 */
const READERS: Record<string, (data: unknown, refuse: (e: z.ZodError) => never) => SavedResult> = {
  [PLAN_SCHEMA_ID]: (d, refuse) => ({ kind: 'plan', result: parsed(PlanReportSchema, d, refuse) }),
  'capacity-plan/simulation@1': (d, refuse) => ({ kind: 'simulation', result: parsed(SimulationSchema, d, refuse) }),
  'capacity-plan/backtest@1': (d, refuse) => ({ kind: 'backtest', result: parsed(BacktestSchema, d, refuse) }),
  [GATE_SCHEMA_ID]: (d, refuse) => ({ kind: 'gate', result: parsed(GateSchema, d, refuse) }),
  // The bench schema fills defaults (empty warning lists), so its output is the result.
  [BENCH_SCHEMA_ID]: (d, refuse) => {
    const r = BenchResultSchema.safeParse(d);
    return { kind: 'bench', result: r.success ? r.data : refuse(r.error) };
  },
  // The load-test result has its own zod schema (the contract calibration reads): it is the reader.
  [LOADTEST_SCHEMA_ID]: (d, refuse) => {
    const r = LoadtestResultSchema.safeParse(d);
    return { kind: 'loadtest', result: r.success ? r.data : refuse(r.error) };
  },
};

/**
 * The object as written once it validates: these schemas transform nothing, and zod's output
 * would list keys in schema order, so `report --format json` would not give the file back.
 */
function parsed<T>(schema: z.ZodType<T>, data: unknown, refuse: (e: z.ZodError) => never): T {
  const r = schema.safeParse(data);
  return r.success ? (data as T) : refuse(r.error);
}

/** Parses a saved result's text; one-line refusal (file:line:col where known) for anything else. */
export function parseSavedResult(text: string, file: string): SavedResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw UserError.at(file, `not a capacity-plan result: not valid JSON (${(err as Error).message.replace(/\s+/g, ' ')})`);
  }
  const schema = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as { schema?: unknown }).schema : undefined;
  const reader = typeof schema === 'string' && Object.hasOwn(READERS, schema) ? READERS[schema]! : undefined;
  if (!reader) {
    const what = schema === undefined ? 'has no "schema" key' : `has schema ${JSON.stringify(schema).slice(0, 80)}`;
    throw UserError.at(file, `${what}; report reads ${Object.keys(READERS).join(', ')}`, 1, 1);
  }
  // Positions only on failure: re-read the JSON (a YAML subset) with locations to point at the first bad value.
  return reader(data, (error) => {
    throw new UserError(zodProblems(parseYamlLocated(text, file), error).slice(0, 1));
  });
}
