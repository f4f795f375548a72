import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import type { z } from 'zod';
import { quoteField, truncate } from './escape.js';
import { UserError, type Problem } from './errors.js';

/** A parsed YAML file that remembers where each value came from, for file:line:col errors. */
export interface LocatedDocument {
  file: string;
  data: unknown;
  /** Location of the value at `path`, or of its nearest existing parent. */
  locate(path: ReadonlyArray<PropertyKey>, opts?: { key?: boolean }): { line: number; col: number };
}

/** Parses YAML; syntax errors and duplicate keys become problems with line and column. */
export function parseYamlLocated(text: string, file: string): LocatedDocument {
  const lineCounter = new LineCounter();
  // Duplicate keys are found below, in one pass: the library's own check compares each key with
  // every earlier one, quadratic in the keys of a map (40,000 keys took most of a minute).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true });
  const problems: Problem[] = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return { file, line: pos.line, col: pos.col, message: firstLine(e.message) };
  });
  if (problems.length > 0) throw new UserError(problems);

  const at = (offset: number) => lineCounter.linePos(offset);
  // Keys become object keys: a list, mapping or alias as a key would be stringified (with a
  // runtime warning on stderr), a null key would become ''. Refused at the key's own position.
  let firstAlias: number | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        if (seen.has(pair.key.value) && pair.key.range)
          problems.push({ file, ...at(pair.key.range[0]), message: 'Map keys must be unique' });
        seen.add(pair.key.value);
      }
    },
    Pair(_, pair) {
      const key = pair.key as YamlNode | null;
      const offset = key?.range?.[0];
      if (offset === undefined) return;
      if (!isScalar(key)) problems.push({ file, ...at(offset), message: 'a key must be a plain name, not a list, mapping or alias' });
      else if (key.value === null)
        problems.push({ file, ...at(offset), message: "a key must not be empty or null (quote it, as 'null', if you mean the word)" });
    },
    Alias(_, node) {
      firstAlias ??= node.range?.[0];
    },
  });
  if (problems.length > 0) throw new UserError(problems);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // The yaml library's guard against alias bombs (billions of nodes from a few lines).
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      throw UserError.at(file, 'too many aliases (*name) expand to too much data', ...positionOf(firstAlias));
    }
    throw err;
  }
  function positionOf(offset: number | undefined): [number?, number?] {
    if (offset === undefined) return [];
    const p = at(offset);
    return [p.line, p.col];
  }
  // Each map's pairs by key, built the first time a path goes through it: a zod problem per key
  // of a 40,000-key map would otherwise search the map once per problem.
  const index = new WeakMap<object, globalThis.Map<string, Pair>>();
  const pairOf = (map: YAMLMap, seg: PropertyKey): Pair | undefined => {
    let byKey = index.get(map);
    if (!byKey) {
      byKey = new globalThis.Map();
      for (const p of map.items) if (isPair(p) && isScalar(p.key) && !byKey.has(String(p.key.value))) byKey.set(String(p.key.value), p);
      index.set(map, byKey);
    }
    return byKey.get(String(seg));
  };
  return {
    file,
    data,
    locate(path, opts) {
      let node: unknown = doc.contents;
      let keyNode: unknown;
      for (const seg of path) {
        if (isMap(node)) {
          const pair = pairOf(node, seg);
          if (!pair) break;
          keyNode = pair.key;
          node = pair.value ?? pair.key;
        } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
          keyNode = undefined;
          node = node.items[seg];
        } else break;
      }
      const target = (opts?.key && keyNode ? keyNode : node) as YamlNode | null | undefined;
      const offset = target?.range?.[0] ?? 0;
      return at(offset);
    },
  };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

/** `images[0].width`: how a path reads in a message. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? String(seg) : `.${String(seg)}`;
  return out;
}

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

/** Turns zod issues into located, human-worded problems. */
export function zodProblems(doc: LocatedDocument, error: z.ZodError): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const path = issue.path;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const loc = doc.locate([...path, key], { key: true });
        const where = path.length ? ` in ${formatPath(path)}` : '';
        problems.push({ file: doc.file, ...loc, message: `unknown key ${quoteField(key)}${where}` });
      }
      continue;
    }
    const value = valueAt(doc.data, path);
    const name = formatPath(path);
    let message = issue.message;
    if (issue.code === 'invalid_type' && value === undefined) {
      message = `missing required key '${String(path[path.length - 1])}'`;
      const loc = doc.locate(path.slice(0, -1));
      problems.push({ file: doc.file, ...loc, message: path.length > 1 ? `${formatPath(path.slice(0, -1))}: ${message}` : message });
      continue;
    }
    if (issue.code === 'invalid_type' && !/must/.test(message)) message = `expected ${issue.expected}, got ${describe(value)}`;
    if (issue.code === 'invalid_value' && 'values' in issue)
      message = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${quoteValue(value)}`;
    const loc = doc.locate(path);
    problems.push({ file: doc.file, ...loc, message: name ? `${name}: ${stripName(message, name)}` : message });
  }
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}

/** `peak_tps: peak_tps must be ...` reads twice; drop the repeated name, but only before "must" so other sentences stay whole. */
function stripName(message: string, name: string): string {
  const last = name.split(/[.[]/).pop() ?? '';
  return message.startsWith(`${last} must `) ? message.slice(last.length + 1) : message;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${quoteValue(v)}`;
  return `${typeof v} ${String(v)}`;
}

/** A value from the file in a message: JSON-quoted (control characters escaped) and cut short. */
function quoteValue(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(truncate(v)) : truncate(JSON.stringify(v) ?? String(v));
}

/** Parses and validates a YAML text against a zod schema; throws one UserError listing every problem. */
export function loadYamlWithSchema<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
): { value: z.infer<S>; doc: LocatedDocument } {
  const doc = parseYamlLocated(text, file);
  if (doc.data === null || doc.data === undefined) throw UserError.at(file, 'file is empty', 1, 1);
  const result = schema.safeParse(doc.data);
  if (!result.success) throw new UserError(zodProblems(doc, result.error));
  return { value: result.data, doc };
}
