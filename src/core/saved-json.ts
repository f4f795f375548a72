import { quoteField } from './escape.js';
import { UserError } from './errors.js';
import { MAX_INPUT_BYTES, readUserFile } from './files.js';
import { confinePath, type PathPolicy } from './paths.js';

/**
 * Saved results (plan, simulation, backtest, gate, bench, load test JSON) read back by `report`,
 * `gate --baseline` and workloads are untrusted input, like workloads: a pull request can commit
 * one, or a symlink named like one. The reading side is here, in three steps the one result
 * reader runs in order: where the file may be and how large (readSavedFile), what the JSON parser
 * may say about it (parseJsonText), and how deep, wide and long its value may be
 * (checkJsonBounds). None of them ever quotes the file's content.
 */

/** How far a saved result may go: far above what any command writes, and far below what hurts. */
export interface JsonBounds {
  /** Nesting of arrays and objects; results nest a handful of levels. */
  maxDepth: number;
  /** Values in the whole document (a year of one-minute series is about two million). */
  maxNodes: number;
  /** Elements of one array: a year of minutes (527,040) fits. */
  maxArrayLength: number;
  /** Characters of one string (derivations and messages are a few hundred). */
  maxStringChars: number;
  /** Keys whose strings are names, held to the workload's own name bound. */
  nameKeys: readonly string[];
  maxNameChars: number;
  /** Keys whose arrays become report rows (plans, workloads, classes, conditions, steps). */
  rowKeys: readonly string[];
  maxRows: number;
}

export const SAVED_RESULT_BOUNDS: JsonBounds = {
  maxDepth: 64,
  maxNodes: 5_000_000,
  maxArrayLength: 1_000_000,
  maxStringChars: 20_000,
  nameKeys: ['name', 'id', 'previousName'],
  maxNameChars: 200,
  rowKeys: ['plans', 'workloads', 'classes', 'conditions', 'steps', 'models', 'strategies', 'rules', 'warnings', 'assumptions', 'skus'],
  maxRows: 10_000,
};

export interface SavedFileOptions {
  /** The file that names this one (a workload naming a load test); undefined: the command line. */
  namingFile?: string;
  /** What the file is, in messages: "result file", "baseline file". */
  what?: string;
  maxBytes?: number;
}

/**
 * A saved result's text, read only when it is a regular UTF-8 file of at most `maxBytes` that
 * resolves, after symlinks, inside the naming file's folder (its own folder for a command-line
 * path), the working directory or an --allow-path folder. A symlink to /etc/passwd or
 * /proc/self/environ is refused by where it leads, before a byte of it is read.
 */
export async function readSavedFile(file: string, policy: PathPolicy, opts: SavedFileOptions = {}): Promise<string> {
  const path = await confinePath(file, opts.namingFile, policy);
  return readUserFile(opts.namingFile === undefined ? file : path, opts.what ?? 'result file', opts.maxBytes ?? MAX_INPUT_BYTES);
}

/**
 * JSON.parse whose error says where (line:col), never what: V8's own message quotes the text
 * around the error (`Unexpected token 'r', "root:x:0:0"...`), which for a file that is not JSON
 * at all would echo its contents.
 */
export function parseJsonText(text: string, file: string, what = 'result file'): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const offset = firstJsonError(text);
    if (offset < 0) throw UserError.at(file, `${what} is not valid JSON`);
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const col = offset - before.lastIndexOf('\n');
    const why = offset >= text.length ? 'it ends too early' : 'unexpected character';
    throw UserError.at(file, `${what} is not valid JSON (${why})`, line, col);
  }
}

/** A schema id (or whatever stands in its place) as an error may show it: at most 40 characters. */
export function describeSchemaId(id: unknown): string {
  if (id === undefined) return 'no "schema" key';
  if (typeof id === 'string') return `schema ${quoteField(id)}`;
  if (typeof id === 'number' || typeof id === 'boolean' || id === null) return `schema ${String(id)}`;
  return 'a "schema" that is not a string';
}

interface Frame {
  node: Record<string, unknown> | unknown[];
  keys: string[] | null;
  length: number;
  next: number;
}

/**
 * Refuses a parsed value that breaks `bounds`, naming the path of the first offending value
 * (`plans[3].name`). Iterative over an explicit stack: a value nested 50,000 deep is refused at
 * depth 65, never a stack overflow, and the work is one visit per value.
 */
export function checkJsonBounds(value: unknown, file: string, bounds: JsonBounds = SAVED_RESULT_BOUNDS): void {
  const stack: Frame[] = [];
  let nodes = 0;
  const refuse = (message: string): never => {
    throw UserError.at(file, `${pathOf(stack) || '(root)'}: ${message}`);
  };
  const visit = (v: unknown, key: string | number | undefined) => {
    if (++nodes > bounds.maxNodes) refuse(`more than ${bounds.maxNodes.toLocaleString('en-US')} values in the file`);
    if (typeof v === 'string') return checkString(v, key, bounds, refuse);
    if (v === null || typeof v !== 'object') return;
    if (stack.length >= bounds.maxDepth) refuse(`nested more than ${bounds.maxDepth} levels deep`);
    const keys = Array.isArray(v) ? null : Object.keys(v);
    const length = keys ? keys.length : (v as unknown[]).length;
    if (Array.isArray(v)) {
      if (length > bounds.maxArrayLength) refuse(`more than ${bounds.maxArrayLength.toLocaleString('en-US')} elements`);
      if (typeof key === 'string' && bounds.rowKeys.includes(key) && length > bounds.maxRows)
        refuse(`more than ${bounds.maxRows.toLocaleString('en-US')} entries`);
    }
    stack.push({ node: v as Frame['node'], keys, length, next: 0 });
  };
  visit(value, undefined);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.length) {
      stack.pop();
      continue;
    }
    const i = top.next++;
    const key = top.keys ? top.keys[i]! : i;
    visit((top.node as Record<string | number, unknown>)[key], key);
  }
}

function checkString(s: string, key: string | number | undefined, bounds: JsonBounds, refuse: (m: string) => never): void {
  if (s.length > bounds.maxStringChars) refuse(`a string longer than ${bounds.maxStringChars.toLocaleString('en-US')} characters`);
  if (typeof key === 'string' && bounds.nameKeys.includes(key) && s.length > bounds.maxNameChars)
    refuse(`must be at most ${bounds.maxNameChars} characters`);
}

/** `plans[3].name`: the path to the value being visited (each frame's last visited key). */
function pathOf(stack: readonly Frame[]): string {
  let out = '';
  for (const [depth, f] of stack.entries()) {
    if (f.next === 0) break;
    // A path 64 levels deep would fill the line: its start says where.
    if (depth === 6) return `${out}…`;
    const key = f.keys ? f.keys[f.next - 1]! : f.next - 1;
    out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${quoteKey(key)}`;
  }
  return out;
}

/** A key from the file in a path: plain when it is a plain name, else quoted and cut short. */
function quoteKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]{0,39}$/.test(key) ? key : quoteField(key);
}

const JSON_WS = new Set([' ', '\t', '\n', '\r']);
const JSON_LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/**
 * Offset of the first syntax error in `text` (text.length when it ends too early), or -1 when
 * there is none. Run only after JSON.parse failed, to place the error without quoting it. An
 * explicit stack of open containers, so depth costs no call stack.
 */
export function firstJsonError(text: string): number {
  const open: string[] = [];
  let expect: 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'after' = 'value';
  let i = 0;
  for (;;) {
    while (i < text.length && JSON_WS.has(text[i]!)) i++;
    if (i >= text.length) return expect === 'after' && open.length === 0 ? -1 : i;
    const c = text[i]!;
    const top = open[open.length - 1];
    if (expect === 'after') {
      if (top === undefined) return i;
      if (c === ',') expect = top === '{' ? 'key' : 'value';
      else if ((c === '}' && top === '{') || (c === ']' && top === '[')) open.pop();
      else return i;
      i++;
    } else if ((expect === 'key-or-close' && c === '}') || (expect === 'value-or-close' && c === ']')) {
      open.pop();
      i++;
      expect = 'after';
    } else if (expect === 'key' || expect === 'key-or-close') {
      if (c !== '"') return i;
      i = scanString(text, i);
      if (i < 0) return -i - 1;
      while (i < text.length && JSON_WS.has(text[i]!)) i++;
      if (text[i] !== ':') return i;
      i++;
      expect = 'value';
    } else if (c === '{' || c === '[') {
      open.push(c);
      i++;
      expect = c === '{' ? 'key-or-close' : 'value-or-close';
    } else {
      i = c === '"' ? scanString(text, i) : scanLiteral(text, i);
      if (i < 0) return -i - 1;
      expect = 'after';
    }
  }
}

/** End of the string starting at `start` (its opening quote), or -(offset of the error) - 1. */
function scanString(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    const code = text.charCodeAt(j);
    if (code === 0x22) return j + 1;
    if (code < 0x20) return -j - 1;
    if (code === 0x5c) {
      const e = text[j + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) return -(j + 1) - 1;
        j += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) j++;
      else return -(j + 1) - 1;
    }
  }
  return -text.length - 1;
}

function scanLiteral(text: string, start: number): number {
  JSON_LITERAL.lastIndex = start;
  return JSON_LITERAL.exec(text) ? JSON_LITERAL.lastIndex : -start - 1;
}
