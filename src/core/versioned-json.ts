import type * as z from 'zod';
import { truncate } from './escape.js';
import { UserError } from './errors.js';
import { readUserFile } from './files.js';
import { checkJsonBounds, parseJsonText } from './saved-json.js';

/**
 * Reads a capacity-plan result file (`{"schema": "capacity-plan/<kind>@N", ...}`): refuses any
 * schema id it does not know rather than misreading another version, then checks the rest against
 * that id's zod schema. `schemas` maps each schema id read to the schema that reads it (an older
 * one upgrading as it parses); `kind` names the file in messages ("bench", "loadtest").
 */
export async function readJsonOfVersions<T>(path: string, kind: string, schemas: Record<string, z.ZodType<T>>): Promise<T> {
  const text = await readUserFile(path, `${kind} result file`);
  // Where the JSON breaks, never what the file says there (core/saved-json.ts).
  const data = parseJsonText(text, path, `${kind} result file`);
  // Bounded like every saved result before the schema walks it (core/saved-json.ts).
  checkJsonBounds(data, path);
  const id = (data as { schema?: unknown } | null)?.schema;
  const schema = typeof id === 'string' && Object.hasOwn(schemas, id) ? schemas[id]! : undefined;
  if (!schema) {
    const shown =
      typeof id === 'string'
        ? JSON.stringify(truncate(id))
        : typeof id === 'number' || typeof id === 'boolean'
          ? String(id)
          : id === undefined || id === null
            ? 'null'
            : 'of another type';
    throw UserError.at(path, `unsupported ${kind} file schema ${shown}; this version reads ${Object.keys(schemas).join(' and ')}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw UserError.at(path, `malformed ${kind} file at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
