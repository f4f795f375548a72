import type { Tensor } from 'onnxruntime-node';
import { emptyCandidates } from '../nms.js';
import { badShape, floatData, fmt, is, isStatic, keepBest, numberData, outputNamed, type Dim, type OutputDecoder } from './common.js';

/**
 * Boxes after NMS in separate outputs: torchvision's detection models exported to ONNX (boxes
 * [N, 4], labels [N], scores [N], in input pixels) and mmdeploy's end2end detectors (dets [1, N, 5]
 * with the score as fifth value, labels [1, N]).
 */

const EXPECTED = 'boxes [1, N, 4] or [N, 4] with scores [1, N] or [N], or dets [1, N, 5]; and labels [1, N] or [N]';

const rows = (shape: readonly Dim[]) => (shape.length === 3 ? shape[1]! : shape.length === 2 ? shape[0]! : undefined);

export const boxesLabels: OutputDecoder = {
  expectedShape: EXPECTED,
  outputsRead(spec, names) {
    const find = (...parts: string[]) =>
      names.find((n) => parts.includes(n)) ?? names.find((n) => parts.some((p) => n.toLowerCase().includes(p)));
    const boxes = spec.boxes ?? find('dets', 'boxes') ?? names[0];
    const labels = spec.classes ?? find('labels', 'classes') ?? names[1];
    const scores = spec.scores ?? find('scores');
    return scores === undefined ? [boxes, labels] : [boxes, labels, scores];
  },
  shapeProblem(spec, _ctx, shapes) {
    const [boxes = [], labels = [], scores] = shapes;
    const got = `${fmt(boxes)}, ${fmt(labels)}${scores ? ` and ${fmt(scores)}` : ''}`;
    const k = boxes.at(-1);
    const boxesOk = (boxes.length === 3 && is(boxes[0]!, 1)) || boxes.length === 2;
    if (!boxesOk || !(is(k!, 4) || is(k!, 5))) return badShape('boxes-labels', EXPECTED, got);
    if (k === 4 && scores === undefined)
      return badShape('boxes-labels', EXPECTED, got, '', ' (4 values per box need a scores output: name it with output.scores)');
    const n = rows(boxes);
    for (const s of [labels, ...(scores ? [scores] : [])]) {
      const m = s.length === 2 ? (is(s[0]!, 1) ? s[1] : undefined) : s.length === 1 ? s[0] : undefined;
      if (m === undefined || (n !== null && n !== undefined && m !== null && m !== n))
        return badShape('boxes-labels', EXPECTED, got, '', ' (N differs)');
    }
    if (spec.num_classes !== undefined && labels.length === 0) return badShape('boxes-labels', EXPECTED, got);
    return null;
  },
  decode(tensors, spec, ctx, map) {
    const [boxT, labelT, scoreT] = tensors as [Tensor, Tensor, Tensor | undefined];
    const k = boxT.dims.at(-1)!;
    const n = boxT.dims.at(-2)!;
    const boxes = floatData(boxT);
    const labels = numberData(labelT);
    const scores = scoreT === undefined ? null : floatData(scoreT);
    const normalized = spec.boxes_normalized ?? false;
    const sx = normalized ? ctx.inputWidth : 1;
    const sy = normalized ? ctx.inputHeight : 1;
    const c = emptyCandidates();
    for (let i = 0; i < n; i++) {
      const score = scores === null ? boxes[i * k + 4]! : scores[i]!;
      if (!(score >= spec.score_threshold) || labels[i]! < 0) continue;
      const b = i * k;
      c.boxes.push(boxes[b]! * sx, boxes[b + 1]! * sy, boxes[b + 2]! * sx, boxes[b + 3]! * sy);
      c.scores.push(score);
      c.classes.push(labels[i]!);
    }
    return { output: keepBest(c, spec, map, false), classCount: spec.num_classes ?? null, cap: spec.max_detections };
  },
  propose(graph) {
    const dets = outputNamed(graph.outputs, 'dets');
    const boxes = dets ?? outputNamed(graph.outputs, 'boxes');
    const labels = outputNamed(graph.outputs, 'labels');
    const scores = outputNamed(graph.outputs, 'scores');
    if (boxes === undefined || labels === undefined || labels.shape.length > 2 || boxes.shape.length < 2) return null;
    const k = boxes.shape.at(-1);
    if (!(k === 5 || (k === 4 && scores !== undefined && scores.shape.length <= 2))) return null;
    const mmdeploy = k === 5;
    const output = {
      format: 'boxes-labels' as const,
      ...(boxes.name === (mmdeploy ? 'dets' : 'boxes') ? {} : { boxes: boxes.name }),
      ...(labels.name === 'labels' ? {} : { classes: labels.name }),
      ...(!mmdeploy && scores!.name !== 'scores' ? { scores: scores!.name } : {}),
      score_threshold: 0.3,
    };
    return {
      task: 'detection',
      output,
      // torchvision normalises and resizes inside the graph (GeneralizedRCNNTransform): it takes RGB 0..1.
      // mmdeploy end2end takes mmdet's normalisation: RGB, mean 123.675/116.28/103.53, std 58.395/57.12/57.375 on 0..255.
      input: mmdeploy
        ? {
            color: 'RGB',
            scale: 1,
            mean: [123.675, 116.28, 103.53],
            std: [58.395, 57.12, 57.375],
            resize: isStatic(graph.inputWidth ?? undefined) ? 'stretch' : { longest_side_max: 1333, multiple_of: 32 },
          }
        : {
            color: 'RGB',
            scale: 1 / 255,
            mean: [0, 0, 0],
            std: [1, 1, 1],
            resize: isStatic(graph.inputWidth ?? undefined) ? 'stretch' : { longest_side_max: 800, multiple_of: 1 },
          },
      guesses: [
        mmdeploy
          ? `outputs ${boxes.name} ${fmt(boxes.shape)} and ${labels.name} ${fmt(labels.shape)}: an mmdeploy end2end detector (x1, y1, x2, y2, score; NMS in the graph); mmdet's normalisation on RGB`
          : `outputs ${boxes.name} ${fmt(boxes.shape)}, ${labels.name} ${fmt(labels.shape)} and ${scores!.name} ${fmt(scores!.shape)}: a torchvision detection model (boxes in input pixels, NMS in the graph); it normalises and resizes inside the graph, taking RGB 0..1`,
      ],
      unknown: [
        mmdeploy
          ? 'the test-time resize of the mmdet config (longest side 1333 assumed)'
          : 'the longest side to feed (the model resizes to its own min_size inside)',
      ],
    };
  },
};
