import { hasControlChars, truncate } from '../core/escape.js';
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
    throw UserError.at(path, `not valid JSON${jsonErrorWhere(text, (err as Error).message)}`);
  }
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (schema !== BENCH_SCHEMA_ID) {
    const shown = typeof schema === 'string' ? JSON.stringify(truncate(schema)) : typeof schema === 'number' || typeof schema === 'boolean' ? String(schema) : schema === undefined || schema === null ? 'null' : 'of another type';
    throw UserError.at(path, `unsupported bench file schema ${shown}; this version reads ${BENCH_SCHEMA_ID}`);
  }
  const parsed = BenchResultSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw UserError.at(path, `malformed bench file at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const named = parsed.data.models.find((m) => hasControlChars(m.name));
  if (named) throw UserError.at(path, 'a model name contains control characters (escape sequences, line breaks)');
  return parsed.data;
}

/**
 * Where JSON.parse failed, without its snippet: V8 quotes the start of the text ("root:x:0:0..."),
 * which for a file that is not JSON at all would echo its contents.
 */
function jsonErrorWhere(text: string, v8Message: string): string {
  const m = /position (\d+)/.exec(v8Message);
  if (!m) return '';
  const before = text.slice(0, Math.min(Number(m[1]), text.length));
  return ` (line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')})`;
}
