import { hasControlChars } from '../core/escape.js';
import { UserError } from '../core/errors.js';
import { readJsonOfVersions } from '../core/versioned-json.js';
import { BENCH_SCHEMA_ID, BENCH_V1_SCHEMA_ID, BenchResultSchema, type BenchResult } from './bench.js';

/** Reads a bench result file (bench@2, or bench@1 upgraded as it parses); refuses unknown schema versions rather than misreading them. */
export async function readBenchResult(path: string): Promise<BenchResult> {
  const result = await readJsonOfVersions<BenchResult>(path, 'bench', {
    [BENCH_SCHEMA_ID]: BenchResultSchema,
    [BENCH_V1_SCHEMA_ID]: BenchResultSchema,
  });
  // Model names reach terminals, PR comments and HTML: no escape sequences or line breaks.
  if (result.models.some((m) => hasControlChars(m.name)))
    throw UserError.at(path, 'a model name contains control characters (escape sequences, line breaks)');
  return result;
}
