import { createHash } from 'node:crypto';
import protobuf from 'protobufjs';
import { UserError } from '../../core/errors.js';
import { readUserFileBytes } from '../../core/files.js';
import { checkModelBounds } from './onnx-bounds.js';
import { displayPath } from './paths.js';

/**
 * The part of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto, field numbers unchanged) that we read
 * (initializer sizes for parameter counts) and that tests write (small graphs with known outputs).
 * A JSON descriptor instead of the .proto file: no file to ship, no parser at run time.
 * (`onnx-proto` on npm pins protobufjs 6, which is unmaintained; protobufjs 8 with this subset is enough.)
 */
const ONNX_DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            graph: { type: 'GraphProto', id: 7 },
            metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        StringStringEntryProto: {
          fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            floatData: { rule: 'repeated', type: 'float', id: 4 },
            int64Data: { rule: 'repeated', type: 'int64', id: 7 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: {
          fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } },
        },
        TypeProto: {
          fields: { tensorType: { type: 'TensorTypeProto', id: 1 } },
        },
        TensorTypeProto: {
          fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
        },
        Dimension: {
          fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(ONNX_DESCRIPTOR);
/** protobufjs message type for onnx.ModelProto (used by tests to build graphs). */
export const ModelProto = root.lookupType('onnx.ModelProto');

/** ONNX TensorProto.DataType values we use. */
export const ONNX_DTYPE = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11 } as const;

type Int64 = number | { toNumber(): number };
interface DecodedTensor {
  dims?: Int64[];
  dataType?: number;
}
interface DecodedNode {
  opType?: string;
  attribute?: Array<{ name?: string; t?: DecodedTensor }>;
}
interface DecodedModel {
  graph?: { initializer?: DecodedTensor[]; node?: DecodedNode[] };
}

/** float, float16, double, bfloat16: weights; integer constants are shapes and indices, not parameters. */
const FLOAT_TYPES = new Set([1, 10, 11, 16]);

const toNumber = (v: Int64): number => (typeof v === 'number' ? v : v.toNumber());

export interface ModelFileInfo {
  sha256: string;
  sizeBytes: number;
  /**
   * Sum of the element counts of the graph initializers plus floating-point Constant nodes
   * (paddle2onnx, which made the built-ins, stores every weight as a Constant node, not an initializer).
   */
  parameterCount: number;
}

/** Protobuf's limit on one message, so on an ONNX model file that carries its weights (and, for us, with its external data). */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

/** Reads a model file: its hash, size and parameter count. Refuses files that are not ONNX models. */
export async function describeModelFile(modelPath: string): Promise<ModelFileInfo> {
  const path = displayPath(modelPath);
  const bytes = await readUserFileBytes(modelPath, 'model file', MAX_MODEL_BYTES).catch((err: unknown) => {
    throw err instanceof UserError ? UserError.at(path, err.problems[0]?.message ?? err.message) : err;
  });
  await checkModelBounds(bytes, modelPath, path, MAX_MODEL_BYTES);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let model: DecodedModel;
  try {
    model = ModelProto.decode(bytes) as unknown as DecodedModel;
  } catch (err) {
    throw UserError.at(path, `not a valid ONNX model (truncated or not protobuf: ${(err as Error).message})`);
  }
  const graph = model.graph;
  if (graph === undefined || graph === null || (graph.node?.length ?? 0) === 0)
    throw UserError.at(path, 'not a valid ONNX model (no graph)');
  let parameterCount = 0;
  for (const t of graph.initializer ?? []) parameterCount += elementCount(t);
  for (const node of graph.node ?? []) {
    if (node.opType !== 'Constant') continue;
    const t = node.attribute?.find((a) => a.name === 'value')?.t;
    if (t !== undefined && FLOAT_TYPES.has(t.dataType ?? 0)) parameterCount += elementCount(t);
  }
  return { sha256, sizeBytes: bytes.length, parameterCount };
}

function elementCount(t: DecodedTensor): number {
  let n = 1;
  for (const d of t.dims ?? []) n *= toNumber(d);
  return n;
}

/** onnx TensorProto.DataType → the element type's name (as onnxruntime names them). */
const DTYPE_NAMES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};

interface DecodedValueInfo {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: Array<{ dimValue?: Int64; dimParam?: string }> } } };
}
interface DecodedGraphModel {
  producerName?: string;
  producerVersion?: string;
  opsetImport?: Array<{ domain?: string; version?: Int64 }>;
  metadataProps?: Array<{ key?: string; value?: string }>;
  graph?: {
    input?: DecodedValueInfo[];
    output?: DecodedValueInfo[];
    initializer?: Array<{ name?: string }>;
    node?: Array<{ opType?: string; input?: string[]; output?: string[] }>;
  };
}

export interface GraphValue {
  name: string;
  dtype: string;
  /** Static dimensions as numbers, symbolic ones by name ('?' when unnamed). */
  shape: Array<number | string>;
}

export interface ModelGraphInfo extends ModelFileInfo {
  opset: number | null;
  producer: string;
  /** Graph inputs that are fed (initializers listed as inputs by old exporters left out). */
  inputs: GraphValue[];
  outputs: GraphValue[];
  metadata: Record<string, string>;
  /** The operator that produces each graph output (a final Softmax means probabilities). */
  outputOps: Record<string, string>;
  /** The inputs of the node that produces each value: with outputOps, what a graph output is computed from. */
  producerInputs: Record<string, string[]>;
}

/** Reads what `inspect` shows of a model: describeModelFile's checks and counts, then the graph's signature. */
export async function readModelGraph(modelPath: string): Promise<ModelGraphInfo> {
  const info = await describeModelFile(modelPath);
  const model = ModelProto.decode(await readUserFileBytes(modelPath, 'model file')) as unknown as DecodedGraphModel;
  const graph = model.graph ?? {};
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const value = (v: DecodedValueInfo): GraphValue => ({
    name: v.name ?? '',
    dtype: DTYPE_NAMES[v.type?.tensorType?.elemType ?? 0] ?? 'unknown',
    shape: (v.type?.tensorType?.shape?.dim ?? []).map((d) =>
      d.dimValue !== undefined && toNumber(d.dimValue) > 0 ? toNumber(d.dimValue) : d.dimParam || '?',
    ),
  });
  const outputOps: Record<string, string> = {};
  const producerInputs: Record<string, string[]> = {};
  for (const node of graph.node ?? [])
    for (const out of node.output ?? []) {
      outputOps[out] = node.opType ?? '';
      producerInputs[out] = node.input ?? [];
    }
  const opset = (model.opsetImport ?? []).find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  return {
    ...info,
    opset: opset?.version === undefined ? null : toNumber(opset.version),
    producer: [model.producerName, model.producerVersion].filter((s) => s !== undefined && s !== '').join(' '),
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name)).map(value),
    outputs: (graph.output ?? []).map(value),
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
    outputOps,
    producerInputs,
  };
}
