import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelProto, ONNX_DTYPE } from '../../src/bench/models/onnx-proto.js';

/**
 * Builds small, real ONNX models for tests, so every output format is exercised through
 * onnxruntime with outputs we know exactly (no mocks). Encoded with the same protobuf subset
 * the tool uses to read models.
 */

export type Dim = number | string;
type ElemType = keyof typeof ONNX_DTYPE;

export interface ConstOutput {
  name: string;
  dims: number[];
  /** Row-major values of the output tensor (float32). */
  values: number[];
}

function valueInfo(name: string, elemType: ElemType, shape: Dim[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType: ONNX_DTYPE[elemType],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function floatTensor(name: string, dims: number[], values: number[]) {
  const raw = Buffer.from(new Float32Array(values).buffer);
  return { name, dims, dataType: ONNX_DTYPE.float32, rawData: raw };
}

interface Node {
  opType: string;
  input: string[];
  output: string[];
  name?: string;
  attribute?: Array<Record<string, unknown>>;
}

export interface GraphSpec {
  inputs: Array<{ name: string; type?: ElemType; shape: Dim[] }>;
  outputs: Array<{ name: string; type?: ElemType; shape: Dim[] }>;
  nodes: Node[];
  initializers?: Array<{ name: string; dims: number[]; values: number[] }>;
  /** producer_name (default capacity-plan-tests) and metadata_props, as exporters write them. */
  producer?: string;
  metadata?: Record<string, string>;
}

/** Encodes a graph as ONNX bytes (IR 8, opset 13). */
export function encodeModel(g: GraphSpec): Uint8Array {
  const model = ModelProto.fromObject({
    irVersion: 8,
    producerName: g.producer ?? 'capacity-plan-tests',
    metadataProps: Object.entries(g.metadata ?? {}).map(([key, value]) => ({ key, value })),
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'test',
      node: g.nodes.map((n, i) => ({ name: n.name ?? `n${i}`, ...n })),
      initializer: (g.initializers ?? []).map((t) => floatTensor(t.name, t.dims, t.values)),
      input: g.inputs.map((i) => valueInfo(i.name, i.type ?? 'float32', i.shape)),
      output: g.outputs.map((o) => valueInfo(o.name, o.type ?? 'float32', o.shape)),
    },
  });
  return ModelProto.encode(model).finish();
}

/**
 * A model whose outputs are fixed tensors whatever the input (Identity over an initializer), with
 * an image input of the given shape. The input is still declared and checked by onnxruntime.
 */
export function constantOutputsModel(
  input: { name?: string; shape: Dim[]; type?: ElemType },
  outputs: ConstOutput[],
  outputShapes?: Dim[][],
  about: Pick<GraphSpec, 'producer' | 'metadata'> = {},
): Uint8Array {
  return encodeModel({
    ...about,
    inputs: [{ name: input.name ?? 'images', shape: input.shape, type: input.type }],
    outputs: outputs.map((o, i) => ({ name: o.name, shape: outputShapes?.[i] ?? o.dims })),
    initializers: outputs.map((o) => ({ name: `${o.name}_value`, dims: o.dims, values: o.values })),
    nodes: outputs.map((o) => ({ opType: 'Identity', input: [`${o.name}_value`], output: [o.name] })),
  });
}

/**
 * input → Cast(float32) → Flatten → output [1, all values]: shows exactly what the model received
 * (float16 or float32 input), in the input's memory order, and reads as a `logits` output.
 */
export function castToFloat32Model(shape: Dim[], type: ElemType): Uint8Array {
  const fixed = shape.every((d): d is number => typeof d === 'number');
  // Without a batch dimension ([3, H, W]) everything is flattened behind a new leading 1.
  const axis = shape.length === 3 ? 0 : 1;
  return encodeModel({
    inputs: [{ name: 'images', shape, type }],
    outputs: [{ name: 'seen', shape: [1, fixed ? shape.reduce((a, b) => a * b, 1) : 'values'] }],
    nodes: [
      { opType: 'Cast', input: ['images'], output: ['as_float'], attribute: [{ name: 'to', type: 2 /* INT */, i: ONNX_DTYPE.float32 }] },
      { opType: 'Flatten', input: ['as_float'], output: ['seen'], attribute: [{ name: 'axis', type: 2, i: axis }] },
    ],
  });
}

/**
 * A constant-output model that also takes extra inputs and echoes each back as an output named
 * `seen_<input>`, so a test reads what was fed to them (PaddleDetection's scale_factor, im_shape).
 */
export function extraInputsModel(
  image: { name?: string; shape: Dim[] },
  extras: Array<{ name: string; shape: Dim[]; type?: ElemType }>,
  outputs: ConstOutput[],
): Uint8Array {
  return encodeModel({
    inputs: [{ name: image.name ?? 'image', shape: image.shape }, ...extras],
    outputs: [
      ...outputs.map((o) => ({ name: o.name, shape: o.dims })),
      ...extras.map((e) => ({ name: `seen_${e.name}`, shape: e.shape, type: e.type })),
    ],
    initializers: outputs.map((o) => ({ name: `${o.name}_value`, dims: o.dims, values: o.values })),
    nodes: [
      ...outputs.map((o) => ({ opType: 'Identity', input: [`${o.name}_value`], output: [o.name] })),
      ...extras.map((e) => ({ opType: 'Identity', input: [e.name], output: [`seen_${e.name}`] })),
    ],
  });
}

export function writeModel(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}
