import type * as z from 'zod';
import { UserError } from '../core/errors.js';
import { truncate } from '../core/escape.js';
import { checkJsonBounds, describeSchemaId, parseJsonText } from '../core/saved-json.js';
import { parseYamlLocated, zodProblems } from '../core/yaml.js';
import { BENCH_SCHEMA_ID, BENCH_V1_SCHEMA_ID, BenchResultSchema, type BenchResult } from '../contracts/bench.js';
import { BacktestResultSchema, type BacktestResult } from '../contracts/backtest.js';
import { GateResultSchema, type GateResult } from '../contracts/gate.js';
import { BACKTEST_SCHEMA_ID, GATE_SCHEMA_ID, LOADTEST_SCHEMA_ID, PLAN_SCHEMA_ID, SIMULATION_SCHEMA_ID } from '../contracts/ids.js';
import { PlanReportSchema, type PlanReport } from '../contracts/plan.js';
import { SimulationResultSchema, type SimulationResult } from '../contracts/simulation.js';
import { LoadtestResultSchema, LoadtestResultV1Schema, LOADTEST_V1_SCHEMA_ID, type LoadtestResult } from '../contracts/loadtest.js';

/**
 * Saved results read back for `capacity-plan report`: the JSON's `schema` id picks the reader,
 * and each reader validates the whole result, with the very schema its result is defined by
 * (src/contracts/), before any view touches it.
 */

/** A saved result, tagged with what it is so the caller can pick that result's formatters. */
export type SavedResult =
  | { kind: 'plan'; result: PlanReport }
  | { kind: 'simulation'; result: SimulationResult }
  | { kind: 'backtest'; result: BacktestResult }
  | { kind: 'gate'; result: GateResult }
  | { kind: 'bench'; result: BenchResult }
  | { kind: 'loadtest'; result: LoadtestResult };

/**
 * What each schema id is and how to read it. A new result type (e.g. `capacity-plan/loadtest@2`)
 * is a schema and one entry here, a kind in SavedResult, and its formatters in commands/report.ts.
 */
const READERS: Record<string, (data: unknown, refuse: (e: z.ZodError) => never) => SavedResult> = {
  [PLAN_SCHEMA_ID]: (d, refuse) => ({ kind: 'plan', result: parsed(PlanReportSchema, d, refuse) }),
  [SIMULATION_SCHEMA_ID]: (d, refuse) => ({ kind: 'simulation', result: parsed(SimulationResultSchema, d, refuse) }),
  [BACKTEST_SCHEMA_ID]: (d, refuse) => ({ kind: 'backtest', result: parsed(BacktestResultSchema, d, refuse) }),
  [GATE_SCHEMA_ID]: (d, refuse) => ({ kind: 'gate', result: parsed(GateResultSchema, d, refuse) }),
  // The bench schema fills defaults (empty warning lists), so its output is the result.
  [BENCH_SCHEMA_ID]: (d, refuse) => {
    const r = BenchResultSchema.safeParse(d);
    return { kind: 'bench', result: r.success ? r.data : refuse(r.error) };
  },
  // Read on as the current version: its warnings become {code: 'uncoded', message}.
  [BENCH_V1_SCHEMA_ID]: (d, refuse) => {
    const r = BenchResultSchema.safeParse(d);
    return { kind: 'bench', result: r.success ? r.data : refuse(r.error) };
  },
  [LOADTEST_SCHEMA_ID]: (d, refuse) => {
    const r = LoadtestResultSchema.safeParse(d);
    return { kind: 'loadtest', result: r.success ? r.data : refuse(r.error) };
  },
  // Read on as the current version: its warnings become {code: 'uncoded', message}.
  [LOADTEST_V1_SCHEMA_ID]: (d, refuse) => {
    const r = LoadtestResultV1Schema.safeParse(d);
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
  // Where the JSON breaks, never what the file says there; bounded before any schema walks it.
  const data = parseJsonText(text, file);
  checkJsonBounds(data, file);
  const schema = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as { schema?: unknown }).schema : undefined;
  const reader = typeof schema === 'string' && Object.hasOwn(READERS, schema) ? READERS[schema]! : undefined;
  if (!reader) {
    const what =
      schema === undefined
        ? 'has no "schema" key'
        : typeof schema === 'string'
          ? `has schema ${JSON.stringify(truncate(schema))}`
          : `has ${describeSchemaId(schema)}`;
    throw UserError.at(file, `${what}; report reads ${Object.keys(READERS).join(', ')}`, 1, 1);
  }
  // Positions only on failure: re-read the JSON (a YAML subset) with locations to point at the first bad value.
  return reader(data, (error) => {
    throw new UserError(zodProblems(parseYamlLocated(text, file), error).slice(0, 1));
  });
}
