import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { PlausibilityWatch } from './plausibility.js';
import type { ModelSpec } from './spec.js';

/**
 * The contract between the measurement harness and a model, made from the model's spec by
 * adapter.ts. The harness times each stage separately:
 *   decode (encoded bytes → raw pixels) → preprocess (raw → input tensors) → infer → postprocess.
 * Adapters never time anything themselves.
 */

/** Raw interleaved pixels, uint8, row-major, `channels` per pixel in RGB order. */
export interface DecodedImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

export interface Prepared {
  feeds: Record<string, Tensor>;
  /** Whatever postprocess needs to map outputs back to the original image (scales, padding). */
  meta: unknown;
}

export type { Detection, ModelOutput } from './output-types.js';
import type { ModelOutput } from './output-types.js';

export interface ModelAdapter {
  readonly name: string;
  readonly task: 'classification' | 'detection';
  /** `builtin:ocr-det` or the model file path as the user gave it. */
  readonly source: string;
  readonly modelPath: string;
  /** What the adapter was made from: plain data, to open the same model again elsewhere (a worker thread). */
  readonly resolved: ResolvedModel;
  /** Input spec as recorded in the bench result file (size, layout, normalisation, ...). */
  readonly inputSpec: Record<string, unknown>;
  /**
   * Every output postprocess decodes is checked (plausibility.ts): bench, inspect and serve read
   * the findings from here; whoever shows a new set of images resets it.
   */
  readonly plausibility: PlausibilityWatch;
  /** `name` (a file name or condition id) is used in the UserError for an undecodable or oversized image. */
  decode(bytes: Buffer, name?: string): Promise<DecodedImage>;
  preprocess(image: DecodedImage): Promise<Prepared>;
  /** Throws a UserError naming expected vs actual shapes when outputs don't fit the declared format. */
  postprocess(outputs: InferenceSession.OnnxValueMapType, meta: unknown): ModelOutput;
  /**
   * Called by `createSession` with the new session: checks the model's input/output metadata against
   * the declared spec (UserError on mismatch) and learns input/output names. Create sessions only
   * through `createSession` so this always runs before preprocess/postprocess.
   */
  onSession?(session: InferenceSession): void;
}

/** A model ready to open: its spec and where it came from. */
export interface ResolvedModel {
  spec: ModelSpec;
  /** `builtin:ocr-det`, or the model path as the suite gave it. */
  source: string;
  /** The model file for messages: relative to the working directory when inside it. */
  file: string;
}
