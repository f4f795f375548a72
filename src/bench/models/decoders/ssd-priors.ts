import type { ModelOutputSpec } from '../spec.js';
import { badShape, finish, floatData, fmt, is, isStatic, type FormatProposal, type GraphFacts, type OutputDecoder } from './common.js';
import { rawBoxes, ssdCandidates, ssdShapeProblem } from './ssd.js';

/**
 * An SSD head without its box decoding: the box output holds offsets from priors (anchor boxes)
 * that the exporter's demo code generates, as Ultra-Light-Fast-Generic-Face-Detector-1MB
 * (UltraFace) does for its `*_without_postprocessing` and `*_simplified` exports. The priors and the
 * decoding follow its training code (vision/utils/box_utils.py generate_priors and
 * convert_locations_to_boxes, vision/ssd/config/fd_config.py):
 *   for each stride s, a ceil(W/s) × ceil(H/s) feature map, rows then columns, then each size m of
 *   min_boxes[level]: prior (cx, cy, w, h) = ((i + 0.5) / fmW, (j + 0.5) / fmH, m / W, m / H),
 *   clamped to 0..1 (as fractions of the input);
 *   box centre = offset·center_variance·prior size + prior centre, size = e^(offset·size_variance)·prior size.
 */

/** UltraFace's prior sizes per stride (fd_config.py min_boxes) and its strides 8, 16, 32, 64. */
const ULTRAFACE_MIN_BOXES = [
  [10, 16, 24],
  [32, 48],
  [64, 96],
  [128, 192, 256],
];
const ULTRAFACE_STRIDES = [8, 16, 32, 64];

const EXPECTED = 'boxes [1, N, 4] (offsets from N priors) and scores [1, N, C]';

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Priors as (cx, cy, w, h) fractions of the input, 4 values each, in the head's order. */
function generatePriors(width: number, height: number, strides: readonly number[], minBoxes: readonly (readonly number[])[]): Float32Array {
  const values: number[] = [];
  strides.forEach((stride, level) => {
    const fmW = Math.ceil(width / stride);
    const fmH = Math.ceil(height / stride);
    for (let j = 0; j < fmH; j++)
      for (let i = 0; i < fmW; i++)
        for (const m of minBoxes[level] ?? [])
          values.push(clamp01((i + 0.5) / fmW), clamp01((j + 0.5) / fmH), clamp01(m / width), clamp01(m / height));
  });
  return Float32Array.from(values);
}

const priorCount = (width: number, height: number, strides: readonly number[], minBoxes: readonly (readonly number[])[]) =>
  strides.reduce((n, s, level) => n + Math.ceil(width / s) * Math.ceil(height / s) * (minBoxes[level]?.length ?? 0), 0);

/** The priors of the last input size and configuration: a fixed-size model decodes every image with the same ones. */
let cached: { key: string; priors: Float32Array } | undefined;
function priorsFor(width: number, height: number, strides: readonly number[], minBoxes: readonly (readonly number[])[]): Float32Array {
  const key = JSON.stringify([width, height, strides, minBoxes]);
  if (cached?.key !== key) cached = { key, priors: generatePriors(width, height, strides, minBoxes) };
  return cached.priors;
}

const optionsOf = (spec: ModelOutputSpec) => ({
  strides: spec.strides ?? ULTRAFACE_STRIDES,
  minBoxes: spec.min_boxes ?? ULTRAFACE_MIN_BOXES,
});

/** Prior offsets → corner boxes as fractions of the input (what ssdCandidates reads). */
function decodeOffsets(offsets: Float32Array, priors: Float32Array, spec: ModelOutputSpec): Float32Array {
  const corners = new Float32Array(priors.length);
  for (let b = 0; b < priors.length; b += 4) {
    const pw = priors[b + 2]!;
    const ph = priors[b + 3]!;
    const cx = offsets[b]! * spec.center_variance * pw + priors[b]!;
    const cy = offsets[b + 1]! * spec.center_variance * ph + priors[b + 1]!;
    const w = Math.exp(offsets[b + 2]! * spec.size_variance) * pw;
    const h = Math.exp(offsets[b + 3]! * spec.size_variance) * ph;
    corners.set([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], b);
  }
  return corners;
}

/** Scores [1, N, C] and boxes [1, N, 4] with the boxes left encoded, or null. */
function encodedPair(graph: GraphFacts) {
  if (graph.outputs.length !== 2) return null;
  const boxes = graph.outputs.find((o) => o.shape.length === 3 && o.shape[2] === 4);
  const scores = graph.outputs.find((o) => o !== boxes && o.shape.length === 3 && isStatic(o.shape[2]));
  if (boxes === undefined || scores === undefined || !rawBoxes(graph, boxes.name)) return null;
  return { boxes, scores };
}

function proposal(graph: GraphFacts): FormatProposal | null {
  const pair = encodedPair(graph);
  if (pair === null) return null;
  const { boxes, scores } = pair;
  const classes = scores.shape[2] as number;
  const { inputWidth: w, inputHeight: h } = graph;
  const n = isStatic(boxes.shape[1]) ? boxes.shape[1] : null;
  const fits = w !== null && h !== null && n === priorCount(w, h, ULTRAFACE_STRIDES, ULTRAFACE_MIN_BOXES);
  return {
    task: 'detection',
    output: {
      format: 'ssd-priors',
      boxes: boxes.name,
      scores: scores.name,
      background_class: 0,
      score_threshold: 0.7,
      iou_threshold: 0.3,
    },
    input: { color: 'RGB', scale: 1 / 128, mean: [127 / 128, 127 / 128, 127 / 128], std: [1, 1, 1], resize: 'stretch' },
    guesses: [
      `outputs ${scores.name} ${fmt(scores.shape)} and ${boxes.name} ${fmt(boxes.shape)}: the box output is the head's reshaped convolutions, so its boxes are offsets from priors (ssd-priors), class 0 of ${classes} the background`,
      ...(fits
        ? [
            `${n} rows = UltraFace's prior count for ${w}x${h} (strides 8, 16, 32, 64; min_boxes [[10, 16, 24], [32, 48], [64, 96], [128, 192, 256]]): its demo feeds RGB (x − 127) / 128, stretched, score threshold 0.7, IoU 0.3`,
          ]
        : []),
    ],
    unknown: fits
      ? []
      : [
          `the priors: ${fmt(boxes.shape)} is not UltraFace's prior count for ${w ?? '?'}x${h ?? '?'}; set output.strides and output.min_boxes (and center_variance, size_variance) to the exporter's prior configuration`,
        ],
  };
}

export const ssdPriors: OutputDecoder = {
  expectedShape: EXPECTED,
  outputsRead: (spec, names) => [spec.boxes ?? names[0], spec.scores ?? names[1]],
  shapeProblem(spec, ctx, shapes) {
    const problem = ssdShapeProblem('ssd-priors', EXPECTED, spec, shapes);
    if (problem !== null) return problem;
    const { strides, minBoxes } = optionsOf(spec);
    if (minBoxes.length !== strides.length)
      return `output format ssd-priors: output.min_boxes has ${minBoxes.length} lists, one per stride, but there are ${strides.length} strides`;
    const n = shapes[0]![1]!;
    if (ctx.inputWidth === null || ctx.inputHeight === null || n === null) return null;
    const expected = priorCount(ctx.inputWidth, ctx.inputHeight, strides, minBoxes);
    if (is(n, expected)) return null;
    return badShape(
      'ssd-priors',
      EXPECTED,
      `N=${n}`,
      ` with N=${expected} priors for ${ctx.inputWidth}x${ctx.inputHeight}, strides ${strides.join(',')} and min_boxes ${JSON.stringify(minBoxes)}`,
      ' (set output.strides and output.min_boxes to the exporter’s prior configuration)',
    );
  },
  decode(tensors, spec, ctx, map) {
    const [b, s] = tensors as [(typeof tensors)[0], (typeof tensors)[0]];
    const n = b!.dims.at(-2)!;
    const classes = s!.dims.at(-1)!;
    const { strides, minBoxes } = optionsOf(spec);
    const priors = priorsFor(ctx.inputWidth, ctx.inputHeight, strides, minBoxes);
    const corners = decodeOffsets(floatData(b!), priors, spec);
    const normalized = { ...spec, boxes_normalized: true, box_order: 'xyxy' as const };
    return {
      output: finish(ssdCandidates(corners, floatData(s!), n, classes, normalized, ctx), spec, map),
      classCount: classes,
      cap: Math.min(spec.max_detections, n),
    };
  },
  propose: proposal,
};
