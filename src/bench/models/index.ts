/** The model side of the bench engine: what the harness imports. */
export { createSession, resolveModel } from './registry.js';
export { describeModelFile } from './onnx-proto.js';
export type { ModelSpec } from './spec.js';
export { modelInputSize } from '../../contracts/model-input.js';
export { findingText } from './plausibility.js';
