import { UserError } from '../core/errors.js';
import { readUserFile } from '../core/files.js';
import { BENCH_SCHEMA_ID, BenchResultSchema, type BenchResult } from './result-schema.js';

/** Reads a bench result file; refuses unknown schema versions rather than misreading them. */
export async function readBenchResult(path: string): Promise<BenchResult> {
  const text = await readUserFile(path, 'bench result file');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw UserError.at(path, `not valid JSON: ${(err as Error).message}`);
  }
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (schema !== BENCH_SCHEMA_ID) {
    throw UserError.at(path, `unsupported bench file schema ${JSON.stringify(schema ?? null)}; this version reads ${BENCH_SCHEMA_ID}`);
  }
  const parsed = BenchResultSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw UserError.at(path, `malformed bench file at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
