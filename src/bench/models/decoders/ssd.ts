import { emptyCandidates, type Candidates } from '../nms.js';
import type { ModelOutputSpec } from '../spec.js';
import {
  atLeast,
  badShape,
  finish,
  floatData,
  fmt,
  is,
  isStatic,
  type DecodeContext,
  type Dim,
  type GraphFacts,
  type OutputDecoder,
} from './common.js';

/**
 * Separate boxes [1, N, 4] and class scores [1, N, C], in either output order (SSD exports,
 * UltraFace, which puts scores first). Corner boxes; score = best class score, skipping the
 * background class.
 */

const EXPECTED = 'boxes [1, N, 4] and scores [1, N, C]';

export function ssdCandidates(
  boxes: Float32Array,
  scores: Float32Array,
  n: number,
  classes: number,
  spec: ModelOutputSpec,
  ctx: DecodeContext,
): Candidates {
  const c = emptyCandidates();
  const normalized = spec.boxes_normalized ?? true;
  const sx = normalized ? ctx.inputWidth : 1;
  const sy = normalized ? ctx.inputHeight : 1;
  const yx = spec.box_order === 'yxyx';
  for (let i = 0; i < n; i++) {
    let best = -1,
      bestScore = -Infinity;
    for (let j = 0; j < classes; j++) {
      if (j === spec.background_class) continue;
      const s = scores[i * classes + j]!;
      if (s > bestScore) {
        bestScore = s;
        best = j;
      }
    }
    if (best < 0 || bestScore < spec.score_threshold) continue;
    const b = i * 4;
    const [x1, y1, x2, y2] = yx
      ? [boxes[b + 1]!, boxes[b]!, boxes[b + 3]!, boxes[b + 2]!]
      : [boxes[b]!, boxes[b + 1]!, boxes[b + 2]!, boxes[b + 3]!];
    c.boxes.push(x1 * sx, y1 * sy, x2 * sx, y2 * sy);
    c.scores.push(bestScore);
    c.classes.push(best);
  }
  return c;
}

/** Boxes [1, N, 4] and scores [1, N, C] with the same N (and C when num_classes is given), or why not. */
export function ssdShapeProblem(
  format: 'ssd' | 'ssd-priors',
  expected: string,
  spec: ModelOutputSpec,
  shapes: readonly (readonly Dim[])[],
): string | null {
  const boxes = shapes[0] ?? [];
  const scores = shapes[1];
  if (scores === undefined) return `output format ${format} expects two outputs (boxes and scores), the model has ${shapes.length}`;
  const got = `boxes ${fmt(boxes)} and scores ${fmt(scores)}`;
  const swapped =
    scores.length === 3 && scores[2] === 4 && boxes[2] !== 4 ? ' (scores first? name them: output.boxes and output.scores)' : '';
  if (boxes.length !== 3 || !is(boxes[0]!, 1) || !is(boxes[2]!, 4)) return badShape(format, expected, got, '', swapped);
  if (scores.length !== 3 || !is(scores[0]!, 1) || !atLeast(scores[2]!, 1)) return badShape(format, expected, got);
  if (boxes[1] !== null && scores[1] !== null && boxes[1] !== scores[1]) return badShape(format, expected, got, '', ' (N differs)');
  if (spec.num_classes !== undefined && !is(scores[2]!, spec.num_classes))
    return badShape(format, expected, got, ` with C=${spec.num_classes}`);
  return null;
}

/** Operators that only move values around: a box output made of nothing else is the conv head's raw offsets. */
const LAYOUT_OPS = new Set(['Reshape', 'Transpose', 'Flatten', 'Concat', 'Squeeze', 'Unsqueeze', 'Identity']);

/** The output is a Concat of per-level heads only reshaped: its boxes are not decoded in the graph (an ssd-priors head). */
export function rawBoxes(graph: GraphFacts, name: string): boolean {
  const source = graph.sources[name];
  return source !== undefined && source.op === 'Concat' && source.from.length > 0 && source.from.every((op) => LAYOUT_OPS.has(op));
}

export const ssd: OutputDecoder = {
  expectedShape: EXPECTED,
  outputsRead: (spec, names) => [spec.boxes ?? names[0], spec.scores ?? names[1]],
  shapeProblem: (spec, _ctx, shapes) => ssdShapeProblem('ssd', EXPECTED, spec, shapes),
  decode(tensors, spec, ctx, map) {
    const [b, s] = tensors as [(typeof tensors)[0], (typeof tensors)[0]];
    const n = b!.dims.at(-2)!;
    const classes = s!.dims.at(-1)!;
    return {
      output: finish(ssdCandidates(floatData(b!), floatData(s!), n, classes, spec, ctx), spec, map),
      classCount: classes,
      cap: Math.min(spec.max_detections, n),
    };
  },
  propose(graph) {
    const rank3 = graph.outputs.filter((o) => o.shape.length === 3);
    const boxes = rank3.find((o) => o.shape[2] === 4);
    const scores = rank3.find((o) => o !== boxes && isStatic(o.shape[2]) && (o.shape[1] === boxes?.shape[1] || !isStatic(o.shape[1])));
    if (boxes === undefined || scores === undefined || graph.outputs.length !== 2 || rawBoxes(graph, boxes.name)) return null;
    const classes = scores.shape[2] as number;
    // UltraFace (Linzaer's face detector, in the ONNX Model Zoo): scores [1, N, 2] then boxes, RGB (x − 127) / 128, stretched.
    const face = graph.outputs[0] === scores && classes <= 3;
    return {
      task: 'detection',
      output: {
        format: 'ssd',
        boxes: boxes.name,
        scores: scores.name,
        background_class: 0,
        score_threshold: face ? 0.7 : 0.25,
        iou_threshold: face ? 0.3 : 0.45,
      },
      input: face
        ? { color: 'RGB', scale: 1 / 128, mean: [127 / 128, 127 / 128, 127 / 128], std: [1, 1, 1], resize: 'stretch' }
        : { resize: 'stretch' },
      guesses: [
        `outputs ${boxes.name} ${fmt(boxes.shape)} and ${scores.name} ${fmt(scores.shape)}: separate boxes and ${classes} class scores (ssd), class 0 the background`,
        ...(face
          ? [
              `scores first with ${classes} classes: an UltraFace-style face detector; its demo feeds RGB (x − 127) / 128, stretched, score threshold 0.7, IoU 0.3`,
            ]
          : []),
      ],
      unknown: ['box order (xyxy assumed) and whether boxes are fractions of the input (assumed) or pixels'],
    };
  },
};
