import { badShape, floatData, fmt, isStatic, type OutputDecoder } from './common.js';

/** A classifier's score vector in any shape with one dimension other than 1: [1, C], [C], [1, C, 1, 1], [1, 1, C]. */

const EXPECTED = '[1, C]';

/** Values that already are probabilities (a model ending in softmax): all in 0..1, summing to 1 (float32 rounding allowed). */
function areProbabilities(values: Float32Array): boolean {
  let sum = 0;
  for (const v of values) {
    if (!(v >= 0 && v <= 1)) return false;
    sum += v;
  }
  return Math.abs(sum - 1) <= 1e-3;
}

/** Probabilities (softmax of logits, or the values as they are) → the k best classes, best first. */
function topK(values: Float32Array, k: number, softmax: boolean): Array<{ classId: number; score: number }> {
  const n = values.length;
  const probs = new Float32Array(n);
  if (softmax) {
    let max = -Infinity;
    for (let i = 0; i < n; i++) if (values[i]! > max) max = values[i]!;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += probs[i] = Math.exp(values[i]! - max);
    for (let i = 0; i < n; i++) probs[i] = probs[i]! / sum;
  } else probs.set(values);
  const top: Array<{ classId: number; score: number }> = [];
  const taken = new Uint8Array(n);
  for (let j = 0; j < Math.min(k, n); j++) {
    let best = -1;
    for (let i = 0; i < n; i++) if (!taken[i] && (best < 0 || probs[i]! > probs[best]!)) best = i;
    taken[best] = 1;
    top.push({ classId: best, score: probs[best]! });
  }
  return top;
}

/** One score per class in any shape: a single dimension other than 1 (a symbolic first one is the batch). */
function scoreVector(shape: readonly (number | string)[]): boolean {
  const wide = shape.filter((d, i) => d !== 1 && !(i === 0 && !isStatic(d) && shape.length > 1));
  return shape.length >= 1 && shape.length <= 4 && wide.length === 1;
}

export const logits: OutputDecoder = {
  expectedShape: EXPECTED,
  outputsRead: (_spec, names) => [names[0]],
  shapeProblem(spec, _ctx, shapes) {
    const main = shapes[0] ?? [];
    const wide = main.filter((d) => d !== 1 && d !== null);
    if (main.length === 0 || wide.length > 1 || wide.some((d) => d! < 1)) return badShape('logits', EXPECTED, fmt(main));
    if (spec.num_classes !== undefined && wide.length === 1 && wide[0] !== spec.num_classes)
      return badShape('logits', EXPECTED, fmt(main), ` with C=${spec.num_classes}`);
    return null;
  },
  decode(tensors, spec) {
    const values = floatData(tensors[0]!);
    const top = topK(values, spec.top_k, spec.softmax === 'auto' ? !areProbabilities(values) : spec.softmax);
    return { output: { kind: 'classification', top }, classCount: values.length, cap: spec.top_k };
  },
  propose(graph) {
    const first = graph.outputs[0];
    if (graph.outputs.length !== 1 || first === undefined || !scoreVector(first.shape)) return null;
    const classes = first.shape.find((d, i) => isStatic(d) && d !== 1 && !(i === 0 && first.shape.length > 1 && !isStatic(d)));
    return {
      task: 'classification',
      output: {
        format: 'logits',
        ...(isStatic(classes) ? { num_classes: classes, ...(classes < 5 ? { top_k: classes } : {}) } : {}),
        softmax: 'auto',
      },
      guesses: [`output ${first.name} ${fmt(first.shape)} is one score vector: a classifier (logits)`],
      unknown: [
        'whether the scores are logits or probabilities: softmax: auto decides per image (values in 0..1 summing to 1 are probabilities)',
      ],
    };
  },
};
