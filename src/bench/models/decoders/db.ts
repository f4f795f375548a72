import { dbBoxes, DB_DEFAULTS } from '../db.js';
import type { ModelOutputSpec } from '../spec.js';
import type { Detection } from '../types.js';
import { badShape, floatData, fmt, is, isStatic, mapBox, type BoxMapping, type DecodeContext, type OutputDecoder } from './common.js';

/** A text probability map [1, 1, H, W] (or [1, H, W]), as DBNet (PaddleOCR's detector) outputs it. */

const EXPECTED = '[1, 1, H, W]';

/** A probability map → DB boxes, map pixels → input pixels → original pixels. */
function dbDetections(
  prob: Float32Array,
  dims: readonly number[],
  spec: Pick<ModelOutputSpec, 'score_threshold' | 'binary_threshold' | 'unclip_ratio'>,
  ctx: Pick<DecodeContext, 'inputWidth' | 'inputHeight'>,
  map: BoxMapping,
): Detection[] {
  const mapH = dims[dims.length - 2]!;
  const mapW = dims[dims.length - 1]!;
  const toInX = ctx.inputWidth / mapW;
  const toInY = ctx.inputHeight / mapH;
  const boxes = dbBoxes(prob, mapW, mapH, {
    ...DB_DEFAULTS,
    binaryThreshold: spec.binary_threshold,
    boxThreshold: spec.score_threshold,
    unclipRatio: spec.unclip_ratio,
  });
  return boxes.map(({ box, score }) => ({
    box: mapBox(box[0] * toInX, box[1] * toInY, box[2] * toInX, box[3] * toInY, map),
    score,
    classId: 0,
  }));
}

export const db: OutputDecoder = {
  expectedShape: EXPECTED,
  outputsRead: (_spec, names) => [names[0]],
  shapeProblem(_spec, _ctx, shapes) {
    const main = shapes[0] ?? [];
    const ok = (main.length === 4 && is(main[0]!, 1) && is(main[1]!, 1)) || (main.length === 3 && is(main[0]!, 1));
    return ok ? null : badShape('db', EXPECTED, fmt(main));
  },
  decode(tensors, spec, ctx, map) {
    const t = tensors[0]!;
    const detections = dbDetections(floatData(t), t.dims, spec, ctx, map);
    return { output: { kind: 'detection', detections }, classCount: 1, cap: Number.POSITIVE_INFINITY };
  },
  propose(graph) {
    const first = graph.outputs[0];
    if (graph.outputs.length !== 1 || first === undefined || first.shape.length !== 4 || first.shape[1] !== 1 || isStatic(first.shape[2]))
      return null;
    if (graph.metadata.task === 'classify') return null;
    return {
      task: 'detection',
      output: { format: 'db', score_threshold: 0.6 },
      input: graph.paddle
        ? {
            color: 'BGR',
            scale: 1 / 255,
            mean: [0.485, 0.456, 0.406],
            std: [0.229, 0.224, 0.225],
            resize: { longest_side_max: 960, multiple_of: 32 },
          }
        : { resize: { longest_side_max: 960, multiple_of: 32 } },
      guesses: [
        `output ${first.name} ${fmt(first.shape)} is one map that follows the input's size: a segmentation-style text detector (db)`,
        ...(graph.paddle
          ? ["PaddleOCR's detector preprocessing: BGR, x/255, ImageNet mean and std, longest side 960 in multiples of 32"]
          : []),
      ],
      unknown: graph.paddle ? [] : ['the normalisation and the longest side the detector was tuned for'],
    };
  },
};
