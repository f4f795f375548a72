/**
 * What `capacity-plan inspect` found in a model file: its inputs and outputs as declared, its
 * size and provenance, a proposed suite entry and what one run of that entry showed. Rendered by
 * src/report/inspect/ (plain data: no onnxruntime or protobuf types).
 */

export interface TensorDescription {
  name: string;
  /** onnx element type: float32, uint8, int64, ... */
  dtype: string;
  /** A number for a static dimension, the dimension's name for a symbolic one ('?' when unnamed). */
  shape: Array<number | string>;
}

export interface ModelInspection {
  /** The model file as the user named it. */
  file: string;
  sizeBytes: number;
  parameterCount: number;
  /** The default-domain opset, or null when the model does not import it. */
  opset: number | null;
  /** producer name and version, e.g. "pytorch 2.3.0"; '' when the file does not say. */
  producer: string;
  inputs: TensorDescription[];
  outputs: TensorDescription[];
  /** metadata_props (exporters such as Ultralytics store the class names and input size there). */
  metadata: Record<string, string>;
  /** The proposed model spec, ready to paste under a suite's `models:` (no output.format when none could be guessed). */
  entry: Record<string, unknown>;
  /** Each guess the entry rests on, with its reason. */
  guesses: string[];
  /** What the file could not tell: check these before trusting the numbers. */
  unknown: string[];
  /** The entry run on synthetic images (and the user's photo): it fits, and its outputs pass the plausibility checks; or why not. */
  check: { ok: true; imageWidth: number; imageHeight: number; images: number; summary: string } | { ok: false; problem: string };
}
