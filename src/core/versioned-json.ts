import type * as z from 'zod';
import { UserError } from './errors.js';
import { readUserFile } from './files.js';

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
    throw UserError.at(path, `not valid JSON: ${(err as Error).message}`);
  }
  const id = (data as { schema?: unknown } | null)?.schema;
  if (id !== schemaId) {
    throw UserError.at(path, `unsupported ${kind} file schema ${JSON.stringify(id ?? null)}; this version reads ${schemaId}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw UserError.at(path, `malformed ${kind} file at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
