import { createHash } from 'node:crypto';
import protobuf from 'protobufjs';
import { UserError } from '../../core/errors.js';
import { readUserFileBytes } from '../../core/files.js';
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
            graph: { type: 'GraphProto', id: 7 },
          },
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
export const ONNX_DTYPE = { float32: 1, int64: 7, float16: 10 } as const;

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

/** Protobuf's limit on one message, so on an ONNX model file that carries its weights. */
const MAX_MODEL_BYTES = 2 ** 31 - 1;

/** Reads a model file: its hash, size and parameter count. Refuses files that are not ONNX models. */
export async function describeModelFile(modelPath: string): Promise<ModelFileInfo> {
  const path = displayPath(modelPath);
  const bytes = await readUserFileBytes(modelPath, 'model file', MAX_MODEL_BYTES).catch((err: unknown) => {
    throw err instanceof UserError ? UserError.at(path, err.problems[0]?.message ?? err.message) : err;
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let model: DecodedModel;
  try {
    model = ModelProto.decode(bytes) as unknown as DecodedModel;
  } catch (err) {
    throw UserError.at(path, `not a valid ONNX model (truncated or not protobuf: ${(err as Error).message})`);
  }
  const graph = model.graph;
  if (graph === undefined || graph === null || (graph.node?.length ?? 0) === 0) throw UserError.at(path, 'not a valid ONNX model (no graph)');
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
