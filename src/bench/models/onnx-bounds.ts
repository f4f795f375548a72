import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { UserError } from '../../core/errors.js';

/**
 * Bounds an ONNX file before anything decodes it whole: protobufjs builds one object per node
 * (a graph of 1,000,000 tiny nodes in a few MB took 3.8 GB), and onnxruntime reads the tensors a
 * model keeps in external files beside it (a 4 GB sparse file got past the size limit). This
 * walks the protobuf wire format (github.com/onnx/onnx, onnx/onnx.proto: field numbers below)
 * without building objects: it counts nodes, subgraphs included, and sums external data.
 */

/** Far more than any vision model has (large detectors have tens of thousands). */
export const MAX_GRAPH_NODES = 200_000;
/** Nested subgraphs (If, Loop, Scan bodies) deeper than this are refused, so the walk is bounded too. */
const MAX_GRAPH_DEPTH = 16;

const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_GRAPH = 6;
const ATTRIBUTE_GRAPHS = 11;
const TENSOR_EXTERNAL_DATA = 13;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;

interface Field {
  id: number;
  /** Length-delimited payload (wire type 2); null for scalars. */
  body: Uint8Array | null;
}

/** The fields of one message, in order; throws on a malformed encoding. */
function* fields(buf: Uint8Array): Generator<Field> {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (at >= buf.length) throw new Error('truncated varint');
      const b = buf[at++]!;
      if (shift < 53) value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
    throw new Error('varint too long');
  };
  while (at < buf.length) {
    const key = varint();
    const id = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const len = varint();
      if (at + len > buf.length) throw new Error('field runs past the end');
      yield { id, body: buf.subarray(at, at + len) };
      at += len;
      continue;
    } else throw new Error(`wire type ${wire}`);
    if (at > buf.length) throw new Error('field runs past the end');
    yield { id, body: null };
  }
}

interface Tally {
  nodes: number;
  /** Where each external tensor's data lives, as the model names it (relative to the model's folder). */
  externalFiles: Set<string>;
}

function walkGraph(graph: Uint8Array, depth: number, tally: Tally, file: string): void {
  if (depth > MAX_GRAPH_DEPTH) throw UserError.at(file, `subgraphs nested more than ${MAX_GRAPH_DEPTH} deep; refused`);
  for (const f of fields(graph)) {
    if (f.body === null) continue;
    if (f.id === GRAPH_NODE) {
      if (++tally.nodes > MAX_GRAPH_NODES)
        throw UserError.at(file, `the graph has more than ${MAX_GRAPH_NODES.toLocaleString('en-US')} nodes; refused before loading it`);
      for (const a of fields(f.body)) if (a.id === NODE_ATTRIBUTE && a.body) walkAttribute(a.body, depth, tally, file);
    } else if (f.id === GRAPH_INITIALIZER) {
      for (const t of fields(f.body)) if (t.id === TENSOR_EXTERNAL_DATA && t.body) externalLocation(t.body, tally);
    }
  }
}

function walkAttribute(attribute: Uint8Array, depth: number, tally: Tally, file: string): void {
  for (const f of fields(attribute))
    if ((f.id === ATTRIBUTE_GRAPH || f.id === ATTRIBUTE_GRAPHS) && f.body) walkGraph(f.body, depth + 1, tally, file);
}

function externalLocation(entry: Uint8Array, tally: Tally): void {
  let key = '';
  let value = '';
  for (const f of fields(entry)) {
    if (f.body === null) continue;
    if (f.id === ENTRY_KEY) key = Buffer.from(f.body).toString('utf8');
    if (f.id === ENTRY_VALUE) value = Buffer.from(f.body).toString('utf8');
  }
  if (key === 'location') tally.externalFiles.add(value);
}

/**
 * Refuses a model whose graph has more than MAX_GRAPH_NODES nodes, or whose size with the external
 * data files it names exceeds `maxBytes`; external files must lie in the model's folder. `bytes`
 * is the model file itself, `file` the name for messages.
 */
export async function checkModelBounds(bytes: Uint8Array, modelPath: string, file: string, maxBytes: number): Promise<void> {
  const tally: Tally = { nodes: 0, externalFiles: new Set() };
  try {
    for (const f of fields(bytes)) if (f.id === MODEL_GRAPH && f.body) walkGraph(f.body, 0, tally, file);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw UserError.at(file, `not a valid ONNX model (truncated or not protobuf: ${(err as Error).message})`);
  }
  let total = bytes.length;
  const folder = dirname(modelPath);
  for (const location of tally.externalFiles) {
    const path = resolve(folder, location);
    const inside = relative(folder, path);
    if (location === '' || isAbsolute(location) || inside.startsWith('..') || isAbsolute(inside))
      throw UserError.at(file, "external data must be a file in the model's folder; refused");
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) throw UserError.at(file, 'names an external data file that is missing or not a regular file');
    total += info.size;
    if (total > maxBytes)
      throw UserError.at(file, `with its external data the model is more than ${(maxBytes / 2 ** 30).toFixed(0)} GiB; refused`);
  }
}
