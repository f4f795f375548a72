import { UserError } from '../core/errors.js';
import { readUserFile } from '../core/files.js';
import { LOADTEST_SCHEMA_ID, LoadtestResultSchema, type LoadtestResult } from './result-schema.js';

/** Reads a loadtest result file; refuses unknown schema ids rather than misreading them. */
export async function readLoadtestResult(path: string): Promise<LoadtestResult> {
  const text = await readUserFile(path, 'loadtest result file');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw UserError.at(path, `not valid JSON: ${(err as Error).message}`);
  }
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (schema !== LOADTEST_SCHEMA_ID) {
    throw UserError.at(path, `unsupported loadtest file schema ${JSON.stringify(schema ?? null)}; this version reads ${LOADTEST_SCHEMA_ID}`);
  }
  const parsed = LoadtestResultSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw UserError.at(path, `malformed loadtest file at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
