import type { Tensor } from 'onnxruntime-node';
import { emptyCandidates, type Candidates } from '../nms.js';
import type { ModelOutputSpec } from '../spec.js';
import type { GraphValue } from '../onnx-proto.js';
import { badShape, finish, floatData, fmt, isStatic, pushCxCyWh, type DecodeContext, type Dim, type OutputDecoder } from './common.js';

/**
 * Yolo-FastestV2 (dog-qiuqiu/Yolo-FastestV2): anchor boxes on two grids (strides 16 and 32 for its
 * 352×352 input), 3 anchors per cell sharing one class distribution. Two exports exist:
 *  - its pytorch2onnx.py: per stride one output [1, H, W, 4A + A + C] already squashed (sigmoid
 *    boxes and objectness, softmax classes), read as its ncnn demo (yolo-fastestv2.cpp predHandle) does;
 *  - forks that export the raw heads: per stride reg [1, 4A, H, W], obj [1, A, H, W], cls [1, C, H, W]
 *    logits, squashed as its utils.handel_preds does.
 * Box centre ((2v − 0.5) + cell)·stride, size (2v)²·anchor; score = objectness × best class.
 */

/** Its COCO anchors (data/coco.data), width-height pairs per stride. */
const FASTEST_ANCHORS = [
  [12.64, 19.39, 37.88, 51.48, 55.71, 138.31],
  [126.91, 78.23, 131.57, 214.55, 279.92, 258.87],
];

const EXPECTED = 'per stride [1, H, W, 5A + C], or reg [1, 4A, H, W], obj [1, A, H, W] and cls [1, C, H, W]';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

interface Level {
  /** Value of (cell, channel), with the squashing the export leaves to us. */
  at(cell: number, channel: number): number;
  h: number;
  w: number;
  classes: number;
}

type Shape = readonly Dim[];

/** How the outputs are laid out: one fused NHWC output per stride, or three raw NCHW outputs. */
function layoutOf(shapes: readonly Shape[], anchors: number): 'fused' | 'raw' | null {
  const rank4 = shapes.length > 0 && shapes.every((s) => s.length === 4);
  if (!rank4) return null;
  const raw =
    shapes.length % 3 === 0 && shapes.every((_, i) => i % 3 !== 0 || (shapes[i]![1] === 4 * anchors && shapes[i + 1]![1] === anchors));
  if (raw) return 'raw';
  return shapes.every((s) => s[3] === null || (s[3] ?? 0) > 5 * anchors) ? 'fused' : null;
}

const anchorsOf = (spec: ModelOutputSpec) => spec.anchors ?? FASTEST_ANCHORS;

/** The levels' values, squashed as the export leaves them. */
function levels(tensors: readonly Tensor[], anchors: number): Level[] {
  if (
    layoutOf(
      tensors.map((t) => t.dims),
      anchors,
    ) === 'fused'
  )
    return tensors.map((t) => {
      const [, h, w, k] = t.dims as [number, number, number, number];
      const d = floatData(t);
      return { h, w, classes: k - 5 * anchors, at: (cell, ch) => d[cell * k + ch]! };
    });
  const out: Level[] = [];
  for (let i = 0; i + 2 < tensors.length; i += 3) {
    const [reg, obj, cls] = [floatData(tensors[i]!), floatData(tensors[i + 1]!), floatData(tensors[i + 2]!)];
    const [, classes, h, w] = tensors[i + 2]!.dims as [number, number, number, number];
    const plane = h * w;
    // Channel-major planes; softmax over the classes of each cell, computed once per cell.
    const softmax = new Float32Array(classes * plane);
    for (let cell = 0; cell < plane; cell++) {
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, cls[c * plane + cell]!);
      let sum = 0;
      for (let c = 0; c < classes; c++) {
        const e = Math.exp(cls[c * plane + cell]! - max);
        softmax[c * plane + cell] = e;
        sum += e;
      }
      for (let c = 0; c < classes; c++) softmax[c * plane + cell] = softmax[c * plane + cell]! / sum;
    }
    out.push({
      h,
      w,
      classes,
      at: (cell, ch) =>
        ch < 4 * anchors
          ? sigmoid(reg[ch * plane + cell]!)
          : ch < 5 * anchors
            ? sigmoid(obj[(ch - 4 * anchors) * plane + cell]!)
            : softmax[(ch - 5 * anchors) * plane + cell]!,
    });
  }
  return out;
}

function candidates(all: Level[], spec: ModelOutputSpec, ctx: DecodeContext): Candidates {
  const c = emptyCandidates();
  const anchorPairs = anchorsOf(spec);
  for (const [i, level] of all.entries()) {
    const stride = ctx.inputHeight / level.h;
    const pairs = anchorPairs[i] ?? [];
    const count = pairs.length / 2;
    for (let cell = 0; cell < level.h * level.w; cell++) {
      const gx = cell % level.w;
      const gy = Math.floor(cell / level.w);
      for (let a = 0; a < count; a++) {
        const obj = level.at(cell, 4 * count + a);
        if (obj < spec.score_threshold) continue;
        let best = 0,
          bestScore = -Infinity;
        for (let k = 0; k < level.classes; k++) {
          const s = level.at(cell, 5 * count + k);
          if (s > bestScore) {
            bestScore = s;
            best = k;
          }
        }
        const score = obj * bestScore;
        if (score < spec.score_threshold) continue;
        const bw = 2 * level.at(cell, a * 4 + 2);
        const bh = 2 * level.at(cell, a * 4 + 3);
        const cx = (2 * level.at(cell, a * 4) - 0.5 + gx) * stride;
        const cy = (2 * level.at(cell, a * 4 + 1) - 0.5 + gy) * stride;
        pushCxCyWh(c, cx, cy, bw * bw * pairs[a * 2]!, bh * bh * pairs[a * 2 + 1]!, score, best);
      }
    }
  }
  return c;
}

/** Two (or more) rank-4 outputs on grids halving in size: fused [1, H, W, K] with K = 15 + C, or raw triples. */
function proposedLayout(outputs: readonly GraphValue[], inputHeight: number | null): { layout: 'fused' | 'raw'; classes: number } | null {
  if (inputHeight === null || outputs.length < 2 || !outputs.every((o) => o.shape.length === 4 && o.shape.every(isStatic))) return null;
  const shapes = outputs.map((o) => o.shape as number[]);
  const layout = layoutOf(shapes, 3);
  if (layout === null) return null;
  const grids = layout === 'fused' ? shapes.map((s) => s[1]!) : shapes.filter((_, i) => i % 3 === 0).map((s) => s[2]!);
  if (grids.some((g, i) => inputHeight / g !== 16 * 2 ** i)) return null;
  const classes = layout === 'fused' ? shapes[0]![3]! - 15 : shapes[2]![1]!;
  return classes >= 1 ? { layout, classes } : null;
}

export const yoloFastestV2: OutputDecoder = {
  expectedShape: EXPECTED,
  outputsRead: (_spec, names) => [...names],
  shapeProblem(spec, _ctx, shapes) {
    const anchors = anchorsOf(spec);
    const perLevel = (anchors[0]?.length ?? 0) / 2;
    const layout = layoutOf(shapes, perLevel);
    const got = shapes.map(fmt).join(', ');
    if (layout === null) return badShape('yolo-fastestv2', EXPECTED, got, ` with A=${perLevel} anchors per cell`);
    const levelCount = layout === 'fused' ? shapes.length : shapes.length / 3;
    if (levelCount !== anchors.length)
      return badShape('yolo-fastestv2', EXPECTED, got, ` with ${anchors.length} strides (output.anchors has ${anchors.length} lists)`);
    return null;
  },
  decode(tensors, spec, ctx, map) {
    const perLevel = (anchorsOf(spec)[0]?.length ?? 0) / 2;
    const all = levels(tensors, perLevel);
    const cap = all.reduce((n, l) => n + l.h * l.w * perLevel, 0);
    return {
      output: finish(candidates(all, spec, ctx), spec, map),
      classCount: all[0]?.classes ?? null,
      cap: Math.min(spec.max_detections, cap),
    };
  },
  propose(graph) {
    const found = proposedLayout(graph.outputs, graph.inputHeight);
    if (found === null) return null;
    return {
      task: 'detection',
      output: { format: 'yolo-fastestv2', num_classes: found.classes, score_threshold: 0.3, iou_threshold: 0.4 },
      // Its demos read with cv2 (BGR), resize to the input without keeping the aspect ratio and divide by 255.
      input: { color: 'BGR', scale: 1 / 255, resize: 'stretch' },
      guesses: [
        `outputs ${graph.outputs.map((o) => `${o.name} ${fmt(o.shape)}`).join(', ')}: Yolo-FastestV2 grids at strides 16 and 32 with 3 anchors per cell and ${found.classes} classes (yolo-fastestv2, ${found.layout === 'fused' ? 'squashed in the graph' : 'raw heads'}); its demo feeds BGR x/255, stretched, thresholds 0.3 and 0.4`,
      ],
      unknown: ['the anchors: its COCO anchors assumed; a model trained on other data has its own (genanchors.py) in output.anchors'],
    };
  },
};
