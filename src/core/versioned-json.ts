import type * as z from 'zod';
import { truncate } from './escape.js';
import { UserError } from './errors.js';
import { readUserFile } from './files.js';
import { checkJsonBounds, firstJsonError } from './saved-json.js';

/**
 * Reads a capacity-plan result file (`{"schema": "capacity-plan/<kind>@N", ...}`): refuses any
 * schema id but `schemaId` rather than misreading another version, then checks the rest against
 * the zod schema. `kind` names the file in messages ("bench", "loadtest").
 */
export async function readVersionedJson<S extends z.ZodType>(path: string, kind: string, schemaId: string, schema: S): Promise<z.output<S>> {
  const text = await readUserFile(path, `${kind} result file`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    // V8's message quotes the file around the error: say where, never what (it may be any file).
    throw UserError.at(path, `not valid JSON${jsonErrorWhere(text, (err as Error).message)}`);
  }
  // Bounded like every saved result before the schema walks it (core/saved-json.ts).
  checkJsonBounds(data, path);
  const id = (data as { schema?: unknown } | null)?.schema;
  if (id !== schemaId) {
    const shown = typeof id === 'string' ? JSON.stringify(truncate(id)) : typeof id === 'number' || typeof id === 'boolean' ? String(id) : id === undefined || id === null ? 'null' : 'of another type';
    throw UserError.at(path, `unsupported ${kind} file schema ${shown}; this version reads ${schemaId}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw UserError.at(path, `malformed ${kind} file at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}


/**
 * Where JSON.parse failed, without its snippet: V8 quotes the start of the text ("root:x:0:0..."),
 * which for a file that is not JSON at all would echo its contents.
 */
function jsonErrorWhere(text: string, v8Message: string): string {
  const m = /position (\d+)/.exec(v8Message);
  // Some V8 messages give no position, only the snippet: find it without quoting anything.
  const offset = m ? Number(m[1]) : firstJsonError(text);
  if (offset < 0) return '';
  const before = text.slice(0, Math.min(offset, text.length));
  return ` (line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')})`;
}
