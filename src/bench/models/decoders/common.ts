import type { Tensor } from 'onnxruntime-node';
import { UserError } from '../../../core/errors.js';
import { float16BitsToFloat32 } from '../float16.js';
import { nmsPerClass, type Candidates } from '../nms.js';
import type { GraphValue } from '../onnx-proto.js';
import type { ModelInputSpec, ModelOutputSpec, ModelSpecInput } from '../spec.js';
import type { Detection, ModelOutput } from '../types.js';

/**
 * What every output decoder (one module per output format, registered in ../decoders.ts) shares:
 * its interface, the context it decodes in, and the steps after candidate boxes (NMS, mapping
 * boxes back to the original image).
 */

/** Model-input pixels → original-image pixels: x_orig = (x − offsetX) / scaleX, clamped to the image. */
export interface BoxMapping {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
  srcWidth: number;
  srcHeight: number;
}

export interface DecodeContext {
  /** The model file as the user named it, for error messages. */
  file: string;
  inputWidth: number;
  inputHeight: number;
  /** Output names in model order. */
  outputNames: readonly string[];
  /** False when the model's image input has no batch dimension ([3, H, W]); its outputs may lack one too. */
  imageBatched?: boolean;
}

/** null: symbolic (unknown until run). */
export type Dim = number | null;

export interface Decoded {
  output: ModelOutput;
  /** Classes the output can name (for the plausibility check), or null when the output does not say. */
  classCount: number | null;
  /**
   * The most detections this output can give: max_detections (or fewer anchors). Not an NMS output's
   * row count: a symbolic one is the number of detections itself, so every image would be "at the cap".
   */
  cap: number;
}

/** What inspect knows of a model when it asks each format whether the model is one of its own. */
export interface GraphFacts {
  outputs: readonly GraphValue[];
  /** The image input's spatial size, null when symbolic. */
  inputWidth: number | null;
  inputHeight: number | null;
  /** Inputs besides the image (scale_factor, im_shape, ...). */
  extras: readonly GraphValue[];
  metadata: Readonly<Record<string, string>>;
  /** Made by paddle2onnx (PaddleDetection, PaddleOCR). */
  paddle: boolean;
  /** The image input's batch is fixed (1, or no batch dimension): a symbolic output dimension is then not a batch. */
  imageBatchFixed: boolean;
  /** Each graph output's operator and the operators that make its inputs: how an output is computed. */
  sources: Readonly<Record<string, { op: string; from: readonly string[] }>>;
  /**
   * For each graph output, the operators that compute its values, found by walking back through the
   * operators that only move values (Reshape, Transpose, Concat, Slice, ...): Sigmoid alone for a YOLO
   * head whose boxes the graph leaves undecoded, Sigmoid with Mul, Add and Pow for one it decodes.
   */
  headOps: Readonly<Record<string, readonly string[]>>;
}

/** A format's reading of a model: the output entry, what the family implies for the input, and why. */
export interface FormatProposal {
  task: 'classification' | 'detection';
  output: ModelSpecInput['output'];
  /** Preprocessing the family is known to use (its demo code), merged into inspect's input guesses. */
  input?: Partial<Pick<ModelInputSpec, 'color' | 'scale' | 'mean' | 'std' | 'resize' | 'letterbox_align' | 'pad_value'>>;
  guesses: string[];
  unknown: string[];
}

/** One output format: its shapes, its decoding, and how inspect recognises it. */
export interface OutputDecoder {
  /** The shapes it reads, as messages and docs print them. */
  expectedShape: string;
  /** The outputs it reads, in the order shapeProblem and decode take them. */
  outputsRead(spec: ModelOutputSpec, outputNames: readonly string[]): Array<string | undefined>;
  /** Why these output shapes do not fit, or null. Symbolic dimensions (null) are accepted. */
  shapeProblem(
    spec: ModelOutputSpec,
    ctx: { inputWidth: number | null; inputHeight: number | null },
    shapes: readonly (readonly Dim[])[],
  ): string | null;
  /** One image's outputs (shapes already checked) → classes or boxes in original-image pixels. */
  decode(tensors: readonly Tensor[], spec: ModelOutputSpec, ctx: DecodeContext, map: BoxMapping): Decoded;
  /** This format's entry for a model whose outputs look like its own, or null. */
  propose(graph: GraphFacts): FormatProposal | null;
}

export const fmt = (dims: readonly (Dim | string)[]) => `[${dims.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
export const is = (d: Dim | undefined, v: number) => d === null || d === v;
export const atLeast = (d: Dim | undefined, v: number) => d === null || (d !== undefined && d >= v);
export const isStatic = (d: number | string | undefined): d is number => typeof d === 'number';

/** "output format F expects E, got G", with an optional qualifier and hint. */
export function badShape(format: string, expected: string, got: string, qualifier = '', hint = ''): string {
  return `output format ${format} expects ${expected}${qualifier}, got ${got}${hint}`;
}

/** Tensor data as float32 values (float16 outputs are widened). */
export function floatData(t: Tensor): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type === 'float16') {
    const bits = t.data as unknown as Uint16Array;
    const out = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = float16BitsToFloat32(bits[i]!);
    return out;
  }
  if (t.type === 'float64') return Float32Array.from(t.data as Float64Array);
  throw new UserError(`model output is ${t.type}, expected a floating-point tensor`);
}

/** Integer or floating-point tensor values as numbers (classes and counts may be either). */
export function numberData(t: Tensor): ArrayLike<number> {
  if (t.type === 'int64') return Array.from(t.data as BigInt64Array, Number);
  if (t.type === 'int32' || t.type === 'uint8' || t.type === 'int8') return t.data as Int32Array;
  return floatData(t);
}

export function pushCxCyWh(c: Candidates, cx: number, cy: number, w: number, h: number, score: number, cls: number): void {
  c.boxes.push(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
  c.scores.push(score);
  c.classes.push(cls);
}

export function mapBox(x1: number, y1: number, x2: number, y2: number, m: BoxMapping): [number, number, number, number] {
  const clampX = (v: number) => Math.min(m.srcWidth, Math.max(0, v));
  const clampY = (v: number) => Math.min(m.srcHeight, Math.max(0, v));
  return [
    clampX((x1 - m.offsetX) / m.scaleX),
    clampY((y1 - m.offsetY) / m.scaleY),
    clampX((x2 - m.offsetX) / m.scaleX),
    clampY((y2 - m.offsetY) / m.scaleY),
  ];
}

function detectionsOf(c: Candidates, order: readonly number[], map: BoxMapping): Detection[] {
  return order.map((i) => ({
    box: mapBox(c.boxes[i * 4]!, c.boxes[i * 4 + 1]!, c.boxes[i * 4 + 2]!, c.boxes[i * 4 + 3]!, map),
    score: c.scores[i]!,
    classId: c.classes[i]!,
  }));
}

/** Boxes already through NMS (in the graph): best first, at most max_detections, mapped back (or, when already in the image, only clamped). */
export function keepBest(c: Candidates, spec: ModelOutputSpec, map: BoxMapping, inImage: boolean): ModelOutput {
  const order = c.scores
    .map((_, i) => i)
    .sort((a, b) => c.scores[b]! - c.scores[a]!)
    .slice(0, spec.max_detections);
  const m: BoxMapping = inImage ? { ...map, scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 0 } : map;
  return { kind: 'detection', detections: detectionsOf(c, order, m) };
}

/** Candidates → per-class NMS → mapped back to the original image. */
export function finish(c: Candidates, spec: ModelOutputSpec, map: BoxMapping): ModelOutput {
  return { kind: 'detection', detections: detectionsOf(c, nmsPerClass(c, spec.iou_threshold, spec.max_detections), map) };
}

/** The output named exactly, else the first whose name contains the part. */
export function outputNamed(outputs: readonly GraphValue[], part: string): GraphValue | undefined {
  return outputs.find((o) => o.name === part) ?? outputs.find((o) => o.name.toLowerCase().includes(part));
}
