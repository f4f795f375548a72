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
  pushCxCyWh,
  type DecodeContext,
  type Dim,
  type GraphFacts,
  type OutputDecoder,
} from './common.js';

/**
 * What the row-per-box YOLO heads share: yolov5 ([1, N, 5+C] rows: cx, cy, w, h, objectness,
 * class scores) and yolox (the same rows before decoding, on a grid per stride); and the grid of
 * anchor points YOLOX and NanoDet lay over the input.
 */

export const YOLOX_STRIDES = [8, 16, 32] as const;

/** Number of anchor points a grid head has for this input size and these strides. */
export function anchorCount(inputWidth: number, inputHeight: number, strides: readonly number[]): number {
  return strides.reduce((n, s) => n + Math.floor(inputWidth / s) * Math.floor(inputHeight / s), 0);
}

/** The anchors' grid cells in YOLOX/NanoDet order: for each stride, row-major over its grid. */
function* gridCells(
  inputWidth: number,
  inputHeight: number,
  strides: readonly number[],
): Generator<{ stride: number; gx: number; gy: number }> {
  for (const stride of strides) {
    const w = Math.floor(inputWidth / stride);
    const h = Math.floor(inputHeight / stride);
    for (let gy = 0; gy < h; gy++) for (let gx = 0; gx < w; gx++) yield { stride, gx, gy };
  }
}

/** YOLOv5's default (COCO) anchors, width-height pairs per stride 8, 16, 32 (models/yolov5s.yaml). */
export const YOLOV5_ANCHORS = [
  [10, 13, 16, 30, 33, 23],
  [30, 61, 62, 45, 59, 119],
  [116, 90, 156, 198, 373, 326],
];

/** Rows a YOLOv5 head without its decoding has: each stride's grid once per anchor. */
export function anchoredRowCount(
  inputWidth: number,
  inputHeight: number,
  strides: readonly number[],
  anchors: readonly (readonly number[])[],
) {
  return strides.reduce(
    (n, s, level) => n + Math.floor(inputWidth / s) * Math.floor(inputHeight / s) * ((anchors[level]?.length ?? 0) / 2),
    0,
  );
}

/** The rows of an undecoded YOLOv5 head in its order: for each stride, each anchor, the grid row-major. */
function* anchoredCells(
  inputWidth: number,
  inputHeight: number,
  strides: readonly number[],
  anchors: readonly (readonly number[])[],
): Generator<{ stride: number; gx: number; gy: number; aw: number; ah: number }> {
  for (const [level, stride] of strides.entries()) {
    const pairs = anchors[level] ?? [];
    for (let a = 0; a + 1 < pairs.length; a += 2)
      for (const cell of gridCells(inputWidth, inputHeight, [stride])) yield { ...cell, aw: pairs[a]!, ah: pairs[a + 1]! };
  }
}

/**
 * [1, N, 5+C] rows; YOLOX rows are raw and decoded on the grid; YOLOv5 rows with `anchors` are sigmoid
 * outputs decoded as YOLOv5's Detect does: centre ((2v − 0.5) + g)·s, size (2v)²·anchor.
 */
function yoloRows(d: Float32Array, n: number, k: number, spec: ModelOutputSpec, ctx: DecodeContext): Candidates {
  const c = emptyCandidates();
  const thr = spec.score_threshold;
  const strides = spec.strides ?? YOLOX_STRIDES;
  const cells = spec.format === 'yolox' ? gridCells(ctx.inputWidth, ctx.inputHeight, strides) : null;
  const anchored = spec.anchors ? anchoredCells(ctx.inputWidth, ctx.inputHeight, strides, spec.anchors) : null;
  for (let i = 0; i < n; i++) {
    const cell = cells?.next().value;
    const anchor = anchored?.next().value;
    const row = i * k;
    const obj = d[row + 4]!;
    if (obj < thr) continue;
    let best = 0,
      bestScore = -Infinity;
    for (let j = 5; j < k; j++)
      if (d[row + j]! > bestScore) {
        bestScore = d[row + j]!;
        best = j - 5;
      }
    const score = obj * bestScore;
    if (score < thr) continue;
    if (anchor) {
      const s = anchor.stride;
      const w = 2 * d[row + 2]!;
      const h = 2 * d[row + 3]!;
      pushCxCyWh(
        c,
        (2 * d[row]! - 0.5 + anchor.gx) * s,
        (2 * d[row + 1]! - 0.5 + anchor.gy) * s,
        w * w * anchor.aw,
        h * h * anchor.ah,
        score,
        best,
      );
    } else if (cell) {
      const s = cell.stride;
      pushCxCyWh(
        c,
        (d[row]! + cell.gx) * s,
        (d[row + 1]! + cell.gy) * s,
        Math.exp(d[row + 2]!) * s,
        Math.exp(d[row + 3]!) * s,
        score,
        best,
      );
    } else pushCxCyWh(c, d[row]!, d[row + 1]!, d[row + 2]!, d[row + 3]!, score, best);
  }
  return c;
}

export function rowsProblem(
  spec: ModelOutputSpec,
  ctx: { inputWidth: number | null; inputHeight: number | null },
  main: readonly Dim[],
): string | null {
  const bad = (q = '', hint = '') => badShape(spec.format, '[1, N, 5+C]', fmt(main), q, hint);
  if (main.length !== 3 || !is(main[0]!, 1) || !atLeast(main[2]!, 6)) return bad();
  const [, n, k] = main;
  const C = spec.num_classes;
  if (C !== undefined && !is(k!, 5 + C)) return bad(` with C=${C}`);
  if (C === undefined && n !== null && k !== null && k! > n!) return bad('', ' (more values per box than boxes: transposed? try yolov8)');
  if (spec.format === 'yolov5' && spec.anchors && ctx.inputWidth !== null && ctx.inputHeight !== null) {
    const strides = spec.strides ?? YOLOX_STRIDES;
    if (spec.anchors.length !== strides.length)
      return `output format yolov5: output.anchors has ${spec.anchors.length} lists, one per stride, but there are ${strides.length} strides`;
    const rows = anchoredRowCount(ctx.inputWidth, ctx.inputHeight, strides, spec.anchors);
    if (!is(n!, rows)) return bad(` with N=${rows} for ${ctx.inputWidth}x${ctx.inputHeight}, strides ${strides.join(',')} and the anchors`);
  }
  if (spec.format === 'yolox' && ctx.inputWidth !== null && ctx.inputHeight !== null) {
    const strides = spec.strides ?? YOLOX_STRIDES;
    const anchors = anchorCount(ctx.inputWidth, ctx.inputHeight, strides);
    if (!is(n!, anchors)) return bad(` with N=${anchors} for ${ctx.inputWidth}x${ctx.inputHeight} and strides ${strides.join(',')}`);
  }
  return null;
}

/** The one rank-3 output with more rows than values per row, or null. */
export function rowsOutput(graph: GraphFacts) {
  const first = graph.outputs[0];
  if (graph.outputs.length !== 1 || first === undefined || first.shape.length !== 3) return null;
  const [, n, k] = first.shape;
  // paddle2onnx's symbolic rows of thousands of values are a text recogniser's CTC output, not boxes.
  if (graph.paddle && !isStatic(n)) return null;
  return isStatic(k) && k >= 6 && (!isStatic(n) || n > k) ? { first, n, k } : null;
}

export const decodeRows: OutputDecoder['decode'] = (tensors, spec, ctx, map) => {
  const t = tensors[0]!;
  const [n, k] = t.dims.length === 2 ? t.dims : t.dims.slice(1);
  return {
    output: finish(yoloRows(floatData(t), n!, k!, spec, ctx), spec, map),
    classCount: k! - 5,
    cap: Math.min(spec.max_detections, n!),
  };
};
