import { emptyCandidates, type Candidates } from '../nms.js';
import type { ModelOutputSpec } from '../spec.js';
import { atLeast, badShape, finish, floatData, fmt, is, isStatic, pushCxCyWh, type DecodeContext, type Dim, type GraphFacts, type OutputDecoder } from './common.js';

/**
 * The YOLO heads: yolov5 ([1, N, 5+C] rows: cx, cy, w, h, objectness, class scores), yolox (the
 * same rows before decoding, on a grid per stride) and yolov8 ([1, 4+C, N]: one column per box,
 * no objectness).
 */

export const YOLOX_STRIDES = [8, 16, 32] as const;

/** Number of anchor points a grid head has for this input size and these strides. */
export function anchorCount(inputWidth: number, inputHeight: number, strides: readonly number[]): number {
  return strides.reduce((n, s) => n + Math.floor(inputWidth / s) * Math.floor(inputHeight / s), 0);
}

/** The anchors' grid cells in YOLOX/NanoDet order: for each stride, row-major over its grid. */
export function* gridCells(inputWidth: number, inputHeight: number, strides: readonly number[]): Generator<{ stride: number; gx: number; gy: number }> {
  for (const stride of strides) {
    const w = Math.floor(inputWidth / stride);
    const h = Math.floor(inputHeight / stride);
    for (let gy = 0; gy < h; gy++) for (let gx = 0; gx < w; gx++) yield { stride, gx, gy };
  }
}

/** [1, N, 5+C] rows; YOLOX rows are raw and decoded on the grid. */
function yoloRows(d: Float32Array, n: number, k: number, spec: ModelOutputSpec, ctx: DecodeContext): Candidates {
  const c = emptyCandidates();
  const thr = spec.score_threshold;
  const cells = spec.format === 'yolox' ? gridCells(ctx.inputWidth, ctx.inputHeight, spec.strides ?? YOLOX_STRIDES) : null;
  for (let i = 0; i < n; i++) {
    const cell = cells?.next().value;
    const row = i * k;
    const obj = d[row + 4]!;
    if (obj < thr) continue;
    let best = 0, bestScore = -Infinity;
    for (let j = 5; j < k; j++) if (d[row + j]! > bestScore) { bestScore = d[row + j]!; best = j - 5; }
    const score = obj * bestScore;
    if (score < thr) continue;
    if (cell) {
      const s = cell.stride;
      pushCxCyWh(c, (d[row]! + cell.gx) * s, (d[row + 1]! + cell.gy) * s, Math.exp(d[row + 2]!) * s, Math.exp(d[row + 3]!) * s, score, best);
    } else pushCxCyWh(c, d[row]!, d[row + 1]!, d[row + 2]!, d[row + 3]!, score, best);
  }
  return c;
}

function rowsProblem(spec: ModelOutputSpec, ctx: { inputWidth: number | null; inputHeight: number | null }, main: readonly Dim[]): string | null {
  const bad = (q = '', hint = '') => badShape(spec.format, '[1, N, 5+C]', fmt(main), q, hint);
  if (main.length !== 3 || !is(main[0]!, 1) || !atLeast(main[2]!, 6)) return bad();
  const [, n, k] = main;
  const C = spec.num_classes;
  if (C !== undefined && !is(k!, 5 + C)) return bad(` with C=${C}`);
  if (C === undefined && n !== null && k !== null && k! > n!) return bad('', ' (more values per box than boxes: transposed? try yolov8)');
  if (spec.format === 'yolox' && ctx.inputWidth !== null && ctx.inputHeight !== null) {
    const strides = spec.strides ?? YOLOX_STRIDES;
    const anchors = anchorCount(ctx.inputWidth, ctx.inputHeight, strides);
    if (!is(n!, anchors)) return bad(` with N=${anchors} for ${ctx.inputWidth}x${ctx.inputHeight} and strides ${strides.join(',')}`);
  }
  return null;
}

/** The one rank-3 output with more rows than values per row, or null. */
function rowsOutput(graph: GraphFacts) {
  const first = graph.outputs[0];
  if (graph.outputs.length !== 1 || first === undefined || first.shape.length !== 3) return null;
  const [, n, k] = first.shape;
  // paddle2onnx's symbolic rows of thousands of values are a text recogniser's CTC output, not boxes.
  if (graph.paddle && !isStatic(n)) return null;
  return isStatic(k) && k >= 6 && (!isStatic(n) || n > k) ? { first, n, k } : null;
}

const decodeRows: OutputDecoder['decode'] = (tensors, spec, ctx, map) => {
  const t = tensors[0]!;
  const [n, k] = t.dims.length === 2 ? t.dims : t.dims.slice(1);
  return { output: finish(yoloRows(floatData(t), n!, k!, spec, ctx), spec, map), classCount: k! - 5, cap: Math.min(spec.max_detections, n!) };
};

export const yolov5: OutputDecoder = {
  expectedShape: '[1, N, 5+C]',
  outputsRead: (_spec, names) => [names[0]],
  shapeProblem: (spec, ctx, shapes) => rowsProblem(spec, ctx, shapes[0] ?? []),
  decode: decodeRows,
  propose(graph) {
    const rows = rowsOutput(graph);
    if (rows === null) return null;
    return {
      task: 'detection',
      output: { format: 'yolov5', num_classes: rows.k - 5 },
      input: { color: 'RGB', scale: 1 / 255, resize: 'letterbox' },
      guesses: [`output ${rows.first.name} ${fmt(rows.first.shape)}: one row per box, 4 coordinates, objectness and ${rows.k - 5} class scores (yolov5); YOLO exporters take RGB x/255, letterboxed`],
      unknown: ['the colour order (RGB assumed)'],
    };
  },
};

export const yolox: OutputDecoder = {
  expectedShape: '[1, N, 5+C]',
  outputsRead: (_spec, names) => [names[0]],
  shapeProblem: (spec, ctx, shapes) => rowsProblem(spec, ctx, shapes[0] ?? []),
  decode: decodeRows,
  propose(graph) {
    const rows = rowsOutput(graph);
    const { inputWidth: w, inputHeight: h } = graph;
    if (rows === null || w === null || h === null || rows.n !== anchorCount(w, h, YOLOX_STRIDES)) return null;
    return {
      task: 'detection',
      output: { format: 'yolox', num_classes: rows.k - 5 },
      input: { color: 'BGR', scale: 1, resize: 'letterbox', letterbox_align: 'top-left' },
      guesses: [
        `output ${rows.first.name} ${fmt(rows.first.shape)}: ${rows.n} rows = the anchor count of a ${w}x${h} input at strides 8, 16, 32: a raw YOLOX head with ${rows.k - 5} classes (yolox)`,
        "YOLOX's demo feeds raw 0..255 BGR values (scale 1), no mean or std, letterboxed at the top left (padded with 114)",
      ],
      unknown: [],
    };
  },
};

/** [1, 4+C, N]: column i is box i (cx, cy, w, h, class scores); no objectness. */
function yoloV8(d: Float32Array, k: number, n: number, spec: ModelOutputSpec): Candidates {
  const c = emptyCandidates();
  for (let i = 0; i < n; i++) {
    let best = 0, bestScore = -Infinity;
    for (let j = 4; j < k; j++) {
      const s = d[j * n + i]!;
      if (s > bestScore) { bestScore = s; best = j - 4; }
    }
    if (bestScore >= spec.score_threshold) pushCxCyWh(c, d[i]!, d[n + i]!, d[2 * n + i]!, d[3 * n + i]!, bestScore, best);
  }
  return c;
}

export const yolov8: OutputDecoder = {
  expectedShape: '[1, 4+C, N]',
  outputsRead: (_spec, names) => [names[0]],
  shapeProblem(spec, _ctx, shapes) {
    const main = shapes[0] ?? [];
    const bad = (q = '', hint = '') => badShape('yolov8', '[1, 4+C, N]', fmt(main), q, hint);
    if (main.length !== 3 || !is(main[0]!, 1) || !atLeast(main[1]!, 5)) return bad();
    const [, k, n] = main;
    if (spec.num_classes !== undefined && !is(k!, 4 + spec.num_classes)) return bad(` with C=${spec.num_classes}`);
    if (spec.num_classes === undefined && n !== null && k !== null && k! > n!) return bad('', ' (more values per box than boxes: not transposed? try yolov5)');
    return null;
  },
  decode(tensors, spec, _ctx, map) {
    const t = tensors[0]!;
    const [k, n] = t.dims.length === 2 ? t.dims : t.dims.slice(1);
    return { output: finish(yoloV8(floatData(t), k!, n!, spec), spec, map), classCount: k! - 4, cap: Math.min(spec.max_detections, n!) };
  },
  propose(graph) {
    const first = graph.outputs[0];
    if (graph.outputs.length !== 1 || first === undefined || first.shape.length !== 3) return null;
    const [, k, n] = first.shape;
    if (!isStatic(k) || k < 5 || (isStatic(n) && n <= k)) return null;
    return {
      task: 'detection',
      output: { format: 'yolov8', num_classes: k - 4 },
      input: { color: 'RGB', scale: 1 / 255, resize: 'letterbox' },
      guesses: [`output ${first.name} ${fmt(first.shape)}: one column per box, 4 coordinates and ${k - 4} class scores (yolov8: YOLOv8/YOLO11); Ultralytics takes RGB x/255, letterboxed, centred`],
      unknown: [],
    };
  },
};
