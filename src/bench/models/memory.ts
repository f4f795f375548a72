/**
 * The memory budget for one model input tensor: 256 MiB. A 4096×4096 RGB float32 input is
 * 192 MiB and fits; onnxruntime needs several times the input for activations, so a tensor
 * past this would exhaust a CI runner (a 60000×60000 input reached 10.7 GB and crashed the
 * process natively, with no message). Every model format's input size is checked here, before
 * a session runs.
 */
const MAX_INPUT_TENSOR_BYTES = 256 * 1024 * 1024;

const BYTES_PER_ELEMENT = { float32: 4, float16: 2, uint8: 1 } as const;

interface InputSize {
  width?: number | undefined;
  height?: number | undefined;
  resize: string | { longest_side_max: number; multiple_of: number };
  dtype: keyof typeof BYTES_PER_ELEMENT;
}

/**
 * Why the largest input tensor this spec can produce would not fit the budget, or undefined when
 * it fits. A fixed size is its width × height; a tensor that follows each image is at most a
 * square of longest_side_max, rounded up to multiple_of.
 */
export function inputTensorProblem(input: InputSize, channels = 3): string | undefined {
  let width = input.width ?? 0;
  let height = input.height ?? 0;
  if (typeof input.resize !== 'string') {
    const { longest_side_max: side, multiple_of: step } = input.resize;
    width = height = Math.max(step, Math.ceil(side / step) * step);
  }
  const bytes = width * height * channels * BYTES_PER_ELEMENT[input.dtype];
  if (bytes <= MAX_INPUT_TENSOR_BYTES) return undefined;
  return `input ${width}x${height}x${channels} ${input.dtype} is ${(bytes / 2 ** 20).toFixed(0)} MiB: more than the ${MAX_INPUT_TENSOR_BYTES / 2 ** 20} MiB memory budget for one input tensor`;
}
