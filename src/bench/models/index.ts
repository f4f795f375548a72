/** The model side of the bench engine: what the harness imports. */
export { BUILTIN_MODELS, BUILTIN_MODEL_NAMES, createSession, isBuiltinModel, resolveModel } from './registry.js';
export type { BuiltinModelName } from './registry.js';
export { describeModelFile } from './onnx-proto.js';
export type { ModelFileInfo } from './onnx-proto.js';
export { ModelRefSchema, ModelSpecSchema, OUTPUT_FORMATS } from './spec.js';
export type { ModelRef, ModelSpec, ModelSpecInput, OutputFormat } from './spec.js';
export { decodeToRgb, MAX_DECODE_PIXELS } from './image.js';
export type { DecodedImage, Detection, ModelAdapter, ModelOutput, Prepared } from './types.js';
