import type { Tensor } from 'onnxruntime-node';
import { emptyCandidates, type Candidates } from '../nms.js';
import type { ModelOutputSpec } from '../spec.js';
import { badShape, floatData, fmt, is, keepBest, numberData, outputNamed, type DecodeContext, type OutputDecoder } from './common.js';

/**
 * The TensorFlow Object Detection API's outputs: the first num_detections rows of detection_boxes
 * (y1, x1, y2, x2, fractions of the input by default), scores and classes (the label map's ids,
 * reported as they are). NMS already ran inside the graph.
 */

/** The tf-od outputs' default names, as the TensorFlow Object Detection API's exporter names them. */
const TF_OD_OUTPUTS = {
  boxes: 'detection_boxes',
  scores: 'detection_scores',
  classes: 'detection_classes',
  count: 'num_detections',
} as const;
const EXPECTED = 'detection_boxes [1, N, 4], detection_scores [1, N], detection_classes [1, N] and num_detections [1]';

function tfOd(tensors: readonly Tensor[], spec: ModelOutputSpec, ctx: DecodeContext): Candidates {
  const [boxT, scoreT, classT, countT] = tensors as [Tensor, Tensor, Tensor, Tensor];
  const boxes = floatData(boxT);
  const scores = floatData(scoreT);
  const classes = numberData(classT);
  const n = Math.max(0, Math.min(boxT.dims[1]!, Math.round(numberData(countT)[0] ?? 0)));
  const normalized = spec.boxes_normalized ?? true;
  const sx = normalized ? ctx.inputWidth : 1;
  const sy = normalized ? ctx.inputHeight : 1;
  const yx = (spec.box_order ?? 'yxyx') === 'yxyx';
  const c = emptyCandidates();
  for (let i = 0; i < n; i++) {
    if (scores[i]! < spec.score_threshold) continue;
    const b = i * 4;
    const [x1, y1, x2, y2] = yx
      ? [boxes[b + 1]!, boxes[b]!, boxes[b + 3]!, boxes[b + 2]!]
      : [boxes[b]!, boxes[b + 1]!, boxes[b + 2]!, boxes[b + 3]!];
    c.boxes.push(x1 * sx, y1 * sy, x2 * sx, y2 * sy);
    c.scores.push(scores[i]!);
    c.classes.push(Math.round(classes[i]!));
  }
  return c;
}

export const tfod: OutputDecoder = {
  expectedShape: EXPECTED,
  outputsRead: (spec) => [
    spec.boxes ?? TF_OD_OUTPUTS.boxes,
    spec.scores ?? TF_OD_OUTPUTS.scores,
    spec.classes ?? TF_OD_OUTPUTS.classes,
    spec.count ?? TF_OD_OUTPUTS.count,
  ],
  shapeProblem(_spec, _ctx, shapes) {
    const [boxes = [], scores = [], classes = [], count = []] = shapes;
    const got = `${fmt(boxes)}, ${fmt(scores)}, ${fmt(classes)} and ${fmt(count)}`;
    if (boxes.length !== 3 || !is(boxes[0]!, 1) || !is(boxes[2]!, 4)) return badShape('tf-od', EXPECTED, got);
    const n = boxes[1]!;
    for (const s of [scores, classes])
      if (s.length !== 2 || !is(s[0]!, 1) || (n !== null && !is(s[1]!, n))) return badShape('tf-od', EXPECTED, got);
    if (count.length > 2 || !count.every((d) => is(d, 1))) return badShape('tf-od', EXPECTED, got);
    return null;
  },
  decode(tensors, spec, ctx, map) {
    // Label-map ids (COCO's run to 90 with gaps): no class count to check against.
    return { output: keepBest(tfOd(tensors, spec, ctx), spec, map, false), classCount: null, cap: spec.max_detections };
  },
  propose(graph) {
    const found = {
      boxes: outputNamed(graph.outputs, TF_OD_OUTPUTS.boxes),
      scores: outputNamed(graph.outputs, TF_OD_OUTPUTS.scores),
      classes: outputNamed(graph.outputs, TF_OD_OUTPUTS.classes),
      count: outputNamed(graph.outputs, TF_OD_OUTPUTS.count),
    };
    if (!found.boxes || !found.scores || !found.classes || !found.count) return null;
    const output: Record<string, string> = { format: 'tf-od' };
    for (const key of ['boxes', 'scores', 'classes', 'count'] as const) {
      const name = found[key]!.name;
      if (name !== TF_OD_OUTPUTS[key]) output[key] = name;
    }
    return {
      task: 'detection',
      output: output as { format: 'tf-od' },
      input: { resize: graph.inputWidth === null ? { longest_side_max: 1024, multiple_of: 1 } : 'stretch' },
      guesses: [
        'outputs detection_boxes, detection_scores, detection_classes and num_detections: the TensorFlow Object Detection API (tf-od; boxes y1, x1, y2, x2 as fractions; NMS in the graph)',
      ],
      unknown: [],
    };
  },
};
