import type * as z from 'zod';
import { hasControlChars } from '../core/escape.js';
import { UserError } from '../core/errors.js';
import { readUserFile } from '../core/files.js';
import { checkJsonBounds, describeSchemaId, parseJsonText } from '../core/saved-json.js';
import { parseYamlLocated, zodProblems } from '../core/yaml.js';
import type { BenchResult } from './bench.js';
import {
  BACKTEST_SCHEMA_ID,
  BENCH_SCHEMA_ID,
  BENCH_V1_SCHEMA_ID,
  GATE_SCHEMA_ID,
  LOADTEST_SCHEMA_ID,
  LOADTEST_V1_SCHEMA_ID,
  PLAN_SCHEMA_ID,
  PLAN_V1_SCHEMA_ID,
  PLAN_V2_SCHEMA_ID,
  SIMULATION_SCHEMA_ID,
} from './ids.js';
import type { LoadtestResult } from './loadtest.js';

/**
 * The one reader of every saved result: a schema id picks the schema the result is defined by,
 * and the whole file is checked against it before any caller touches it.
 */

interface Reader<K extends string, S extends z.ZodType> {
  /** What the result is, for callers that take several kinds (report picks its formatters by it). */
  kind: K;
  /** The schema, built on first use by a dynamic import: a command that reads no such file never builds it. */
  schema: (data: object) => Promise<S>;
}

const reader = <K extends string, S extends z.ZodType>(kind: K, schema: Reader<K, S>['schema']): Reader<K, S> => ({ kind, schema });

const READERS = {
  [PLAN_SCHEMA_ID]: reader('plan', async () => (await import('./plan.js')).PlanReportSchema),
  [PLAN_V2_SCHEMA_ID]: reader('legacy-plan', async () => (await import('./plan-legacy.js')).PlanV2Schema),
  [PLAN_V1_SCHEMA_ID]: reader('legacy-plan', async (data) => (await import('./plan-legacy.js')).planV1Schema(data)),
  [SIMULATION_SCHEMA_ID]: reader('simulation', async () => (await import('./simulation.js')).SimulationResultSchema),
  [BACKTEST_SCHEMA_ID]: reader('backtest', async () => (await import('./backtest.js')).BacktestResultSchema),
  [GATE_SCHEMA_ID]: reader('gate', async () => (await import('./gate.js')).GateResultSchema),
  // The bench schema fills defaults (empty warning lists) and reads bench@1 as bench@2.
  [BENCH_SCHEMA_ID]: reader('bench', async () => (await import('./bench.js')).BenchResultSchema),
  [BENCH_V1_SCHEMA_ID]: reader('bench', async () => (await import('./bench.js')).BenchResultSchema),
  [LOADTEST_SCHEMA_ID]: reader('loadtest', async () => (await import('./loadtest.js')).LoadtestResultSchema),
  [LOADTEST_V1_SCHEMA_ID]: reader('loadtest', async () => (await import('./loadtest.js')).LoadtestResultV1Schema),
};

type Readers = typeof READERS;
export type SchemaId = keyof Readers;

/** A saved result of one of the schema ids `Id`, tagged with its kind. */
export type SavedResult<Id extends SchemaId = SchemaId> = Id extends SchemaId
  ? Readers[Id] extends Reader<infer K, infer S>
    ? { kind: K; result: z.output<S> }
    : never
  : never;

type IdOfKind<K> = { [Id in SchemaId]: Readers[Id]['kind'] extends K ? Id : never }[SchemaId];

/** Every schema id read as one of `kinds`, current version first: what a command that reads those kinds accepts. */
export function schemaIdsOf<K extends SavedResult['kind']>(kinds: readonly K[]): Array<IdOfKind<K>> {
  return (Object.keys(READERS) as SchemaId[]).filter((id) => (kinds as readonly string[]).includes(READERS[id].kind)) as Array<IdOfKind<K>>;
}

/**
 * Parses a saved result's text as one of `acceptedIds`. Every refusal is one line naming the
 * file, at line:col where there is one: JSON that does not parse (where, never what the file
 * says there), a value past the bounds, a schema id not accepted (listing those that are), or
 * the first value the schema refuses.
 */
export async function readResult<Id extends SchemaId>(text: string, file: string, acceptedIds: readonly Id[]): Promise<SavedResult<Id>> {
  const what = fileKind(acceptedIds);
  const data = parseJsonText(text, file, what);
  checkJsonBounds(data, file);
  const isObject = data !== null && typeof data === 'object' && !Array.isArray(data);
  const id = isObject ? (data as { schema?: unknown }).schema : undefined;
  if (!isObject || !(acceptedIds as readonly unknown[]).includes(id)) {
    const has = isObject ? `has ${describeSchemaId(id)}` : 'is not a JSON object';
    throw UserError.at(file, `${what} ${has}; this capacity-plan reads ${acceptedIds.join(', ')}`, 1, 1);
  }
  const { kind, schema } = READERS[id as Id] as Reader<string, z.ZodType>;
  const parsed = (await schema(data)).safeParse(data);
  // Positions only on failure: re-read the JSON (a YAML subset) with locations to point at the first bad value.
  if (!parsed.success) throw new UserError(zodProblems(parseYamlLocated(text, file), parsed.error).slice(0, 1));
  return { kind, result: inWrittenOrder(data, parsed.data) } as SavedResult<Id>;
}

/**
 * zod's output (defaults filled in, older versions upgraded, unknown keys dropped) in the file's
 * key order: keys the file has keep their place and the keys the schema added follow, so that
 * `report --format json` gives a complete file back as it was written, and a file written before
 * a defaulted field existed reads with that field filled in.
 */
function inWrittenOrder(written: unknown, parsed: unknown): unknown {
  if (Array.isArray(written) && Array.isArray(parsed)) return parsed.map((p, i) => inWrittenOrder(written[i], p));
  if (!isPlainObject(written) || !isPlainObject(parsed)) return parsed;
  const out: Record<string, unknown> = {};
  const keys = [
    ...Object.keys(written).filter((k) => Object.hasOwn(parsed, k)),
    ...Object.keys(parsed).filter((k) => !Object.hasOwn(written, k)),
  ];
  // defineProperty: a key named "__proto__" stays a key and never becomes the prototype.
  for (const k of keys)
    Object.defineProperty(out, k, { value: inWrittenOrder(written[k], parsed[k]), enumerable: true, writable: true, configurable: true });
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** "bench result file" when every accepted id is of one kind of file, else "result file". */
function fileKind(acceptedIds: readonly string[]): string {
  const names = new Set(acceptedIds.map((id) => /^capacity-plan\/([a-z]+)@/.exec(id)?.[1]));
  return names.size === 1 ? `${[...names][0]} result file` : 'result file';
}

/** Reads a bench result file (bench@2, or bench@1 upgraded as it parses). */
export async function readBenchResult(path: string): Promise<BenchResult> {
  const text = await readUserFile(path, 'bench result file');
  const { result } = await readResult(text, path, schemaIdsOf(['bench']));
  // Model names reach terminals, PR comments and HTML: no escape sequences or line breaks.
  if (result.models.some((m) => hasControlChars(m.name)))
    throw UserError.at(path, 'a model name contains control characters (escape sequences, line breaks)');
  return result;
}

/** Reads a load test result file (loadtest@2, or loadtest@1 upgraded as it parses). */
export async function readLoadtestResult(path: string): Promise<LoadtestResult> {
  const text = await readUserFile(path, 'loadtest result file');
  return (await readResult(text, path, schemaIdsOf(['loadtest']))).result;
}
