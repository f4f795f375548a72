import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { UserError } from '../../core/errors.js';
import { dbBoxes, DB_DEFAULTS } from './db.js';
import { float16BitsToFloat32 } from './float16.js';
import { emptyCandidates, nmsPerClass, type Candidates } from './nms.js';
import type { BoxColumn, ModelOutputSpec, OutputFormat } from './spec.js';
import type { Detection, ModelOutput } from './types.js';

/**
 * Output decoders, one per declared output format: check the output shapes, turn tensors into
 * classes or boxes (in model-input pixels), NMS per class, then map boxes back to the original image.
 */

/** Model-input pixels → original-image pixels: x_orig = (x − offsetX) / scaleX, clamped to the image. */
export interface BoxMapping {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
  srcWidth: number;
  srcHeight: number;
}

export interface DecodeContext {
  /** The model file as the user named it, for error messages. */
  file: string;
  inputWidth: number;
  inputHeight: number;
  /** Output names in model order. */
  outputNames: readonly string[];
  /** False when the model's image input has no batch dimension ([3, H, W]); its outputs may lack one too. */
  imageBatched?: boolean;
}

type Dim = number | null; // null: symbolic (unknown until run)

const fmt = (dims: readonly Dim[]) => `[${dims.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;

export const EXPECTED_SHAPE: Record<OutputFormat, string> = {
  logits: '[1, C]',
  yolov5: '[1, N, 5+C]',
  yolov8: '[1, 4+C, N]',
  yolox: '[1, N, 5+C]',
  ssd: 'boxes [1, N, 4] and scores [1, N, C]',
  db: '[1, 1, H, W]',
  'tf-od': 'detection_boxes [1, N, 4], detection_scores [1, N], detection_classes [1, N] and num_detections [1]',
  'boxes-scored': '[1, N, K] or [N, K], K = 6 (x1, y1, x2, y2, score, class) or 7 (batch first)',
};

/** The tf-od outputs' default names, as the TensorFlow Object Detection API's exporter names them. */
export const TF_OD_OUTPUTS = { boxes: 'detection_boxes', scores: 'detection_scores', classes: 'detection_classes', count: 'num_detections' } as const;

/** The outputs a format reads, in the order shapeProblem and the decoders take them. */
export function outputsRead(spec: ModelOutputSpec, outputNames: readonly string[]): Array<string | undefined> {
  switch (spec.format) {
    case 'ssd':
      return [spec.boxes ?? outputNames[0], spec.scores ?? outputNames[1]];
    case 'tf-od':
      return [spec.boxes ?? TF_OD_OUTPUTS.boxes, spec.scores ?? TF_OD_OUTPUTS.scores, spec.classes ?? TF_OD_OUTPUTS.classes, spec.count ?? TF_OD_OUTPUTS.count];
    default:
      return [outputNames[0]];
  }
}

/** A boxes-scored row's columns: declared, or the common layouts for 6 and 7 values. */
export function boxColumns(spec: Pick<ModelOutputSpec, 'columns'>, valuesPerRow: number | null): readonly BoxColumn[] | null {
  if (spec.columns !== undefined) return spec.columns;
  if (valuesPerRow === 6) return ['x1', 'y1', 'x2', 'y2', 'score', 'class'];
  if (valuesPerRow === 7) return ['batch', 'x1', 'y1', 'x2', 'y2', 'score', 'class'];
  return null;
}

/** Number of anchor points a YOLOX head has for this input size and these strides. */
export function yoloxAnchorCount(inputWidth: number, inputHeight: number, strides: readonly number[]): number {
  return strides.reduce((n, s) => n + Math.floor(inputWidth / s) * Math.floor(inputHeight / s), 0);
}

/**
 * Why a set of output shapes does not fit the declared format, or null when it fits. Symbolic
 * dimensions (null) are accepted; called on the model's metadata at session creation and on
 * every real output. An input size of null (a tensor sized by each image) is checked per image.
 */
export function shapeProblem(spec: ModelOutputSpec, ctx: { inputWidth: number | null; inputHeight: number | null }, shapes: readonly (readonly Dim[])[]): string | null {
  const C = spec.num_classes;
  const is = (d: Dim, v: number) => d === null || d === v;
  const atLeast = (d: Dim, v: number) => d === null || d >= v;
  const main = shapes[0] ?? [];
  const bad = (got: string, qualifier = '', hint = '') => `output format ${spec.format} expects ${EXPECTED_SHAPE[spec.format]}${qualifier}, got ${got}${hint}`;
  switch (spec.format) {
    case 'logits': {
      // A score vector in any shape with one non-1 dimension: [1, C], [C], [1, C, 1, 1], [1, 1, C].
      const wide = main.filter((d) => d !== 1 && d !== null);
      if (main.length === 0 || wide.length > 1 || wide.some((d) => d! < 1)) return bad(fmt(main));
      if (C !== undefined && wide.length === 1 && wide[0] !== C) return bad(fmt(main), ` with C=${C}`);
      return null;
    }
    case 'tf-od': {
      const [boxes = [], scores = [], classes = [], count = []] = shapes;
      const got = `${fmt(boxes)}, ${fmt(scores)}, ${fmt(classes)} and ${fmt(count)}`;
      if (boxes.length !== 3 || !is(boxes[0]!, 1) || !is(boxes[2]!, 4)) return bad(got);
      const n = boxes[1]!;
      for (const s of [scores, classes]) if (s.length !== 2 || !is(s[0]!, 1) || (n !== null && !is(s[1]!, n))) return bad(got);
      if (count.length > 2 || !count.every((d) => is(d, 1))) return bad(got);
      return null;
    }
    case 'boxes-scored': {
      const rank3 = main.length === 3;
      if (!(rank3 || main.length === 2) || (rank3 && !is(main[0]!, 1))) return bad(fmt(main));
      const k = main[main.length - 1]!;
      const columns = boxColumns(spec, k);
      if (columns === null) return k === null ? null : bad(fmt(main), '', ' (declare output.columns for other row layouts)');
      if (!is(k, columns.length)) return bad(fmt(main), ` with ${columns.length} columns (${columns.join(', ')})`);
      return null;
    }
    case 'yolov5':
    case 'yolox': {
      if (main.length !== 3 || !is(main[0]!, 1) || !atLeast(main[2]!, 6)) return bad(fmt(main));
      const [, n, k] = main;
      if (C !== undefined && !is(k!, 5 + C)) return bad(fmt(main), ` with C=${C}`);
      if (C === undefined && n !== null && k !== null && k! > n!) return bad(fmt(main), '', ' (more values per box than boxes: transposed? try yolov8)');
      if (spec.format === 'yolox' && ctx.inputWidth !== null && ctx.inputHeight !== null) {
        const anchors = yoloxAnchorCount(ctx.inputWidth, ctx.inputHeight, spec.strides);
        if (!is(n!, anchors)) return bad(fmt(main), ` with N=${anchors} for ${ctx.inputWidth}x${ctx.inputHeight} and strides ${spec.strides.join(',')}`);
      }
      return null;
    }
    case 'yolov8': {
      if (main.length !== 3 || !is(main[0]!, 1) || !atLeast(main[1]!, 5)) return bad(fmt(main));
      const [, k, n] = main;
      if (C !== undefined && !is(k!, 4 + C)) return bad(fmt(main), ` with C=${C}`);
      if (C === undefined && n !== null && k !== null && k! > n!) return bad(fmt(main), '', ' (more values per box than boxes: not transposed? try yolov5)');
      return null;
    }
    case 'ssd': {
      const boxes = shapes[0] ?? [];
      const scores = shapes[1];
      if (scores === undefined) return `output format ssd expects two outputs (boxes and scores), the model has ${shapes.length}`;
      const got = `boxes ${fmt(boxes)} and scores ${fmt(scores)}`;
      if (boxes.length !== 3 || !is(boxes[0]!, 1) || !is(boxes[2]!, 4)) return bad(got);
      if (scores.length !== 3 || !is(scores[0]!, 1) || !atLeast(scores[2]!, 1)) return bad(got);
      if (boxes[1] !== null && scores[1] !== null && boxes[1] !== scores[1]) return bad(got, '', ' (N differs)');
      if (C !== undefined && !is(scores[2]!, C)) return bad(got, ` with C=${C}`);
      return null;
    }
    case 'db': {
      const ok = (main.length === 4 && is(main[0]!, 1) && is(main[1]!, 1)) || (main.length === 3 && is(main[0]!, 1));
      if (!ok) return bad(fmt(main));
      return null;
    }
  }
}

/** Tensor data as float32 values (float16 outputs are widened). */
export function floatData(t: Tensor): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type === 'float16') {
    const bits = t.data as unknown as Uint16Array;
    const out = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = float16BitsToFloat32(bits[i]!);
    return out;
  }
  if (t.type === 'float64') return Float32Array.from(t.data as Float64Array);
  throw new UserError(`model output is ${t.type}, expected a floating-point tensor`);
}

function pickOutputs(outputs: InferenceSession.OnnxValueMapType, spec: ModelOutputSpec, ctx: DecodeContext): Tensor[] {
  const names = outputsRead(spec, ctx.outputNames);
  const tensors: Tensor[] = [];
  for (const name of names) {
    const t = name === undefined ? undefined : (outputs[name] as Tensor | undefined);
    if (t === undefined) throw UserError.at(ctx.file, `output format ${spec.format}: the model has no output ${name ?? '#' + (tensors.length + 1)} (outputs: ${ctx.outputNames.join(', ')})`);
    tensors.push(t);
  }
  return tensors;
}

/**
 * A model whose image input has no batch dimension may give its YOLO and SSD outputs one dimension
 * less ([4+C, N], [N, 5+C], [N, 4]): read them as a batch of one. Other formats, and models with a
 * batch dimension, take their shapes as they are (so messages show the real shape).
 */
export function withBatch<D extends number | null>(format: OutputFormat, shape: readonly D[], imageBatched: boolean): readonly (D | 1)[] {
  const batchable = format === 'yolov5' || format === 'yolov8' || format === 'yolox' || format === 'ssd';
  return !imageBatched && batchable && shape.length === 2 ? [1, ...shape] : shape;
}

/** Decodes one image's outputs according to the declared format. */
export function decodeOutputs(outputs: InferenceSession.OnnxValueMapType, spec: ModelOutputSpec, ctx: DecodeContext, map: BoxMapping): ModelOutput {
  const tensors = pickOutputs(outputs, spec, ctx);
  const dims = tensors.map((t) => withBatch(spec.format, t.dims, ctx.imageBatched ?? true));
  const problem = shapeProblem(spec, ctx, dims);
  if (problem !== null) throw UserError.at(ctx.file, problem);
  const main = tensors[0]!;
  switch (spec.format) {
    case 'logits': {
      const values = floatData(main);
      return { kind: 'classification', top: topK(values, spec.top_k, spec.softmax === 'auto' ? !areProbabilities(values) : spec.softmax) };
    }
    case 'tf-od':
      return keepBest(tfOd(tensors, spec, ctx), spec, map, false);
    case 'boxes-scored':
      return keepBest(boxesScored(floatData(main), main.dims, spec, ctx), spec, map, spec.boxes_in_image);
    case 'yolov5':
    case 'yolox':
      return finish(yoloRows(floatData(main), dims[0]![1]!, dims[0]![2]!, spec, ctx), spec, map);
    case 'yolov8':
      return finish(yoloV8(floatData(main), dims[0]![1]!, dims[0]![2]!, spec), spec, map);
    case 'ssd':
      return finish(ssd(floatData(main), floatData(tensors[1]!), dims[0]![1]!, dims[1]![2]!, spec, ctx), spec, map);
    case 'db':
      return { kind: 'detection', detections: dbDetections(floatData(main), main.dims, spec, ctx, map) };
  }
}

/** Values that already are probabilities (a model ending in softmax): all in 0..1, summing to 1 (float32 rounding allowed). */
export function areProbabilities(values: Float32Array): boolean {
  let sum = 0;
  for (const v of values) {
    if (!(v >= 0 && v <= 1)) return false;
    sum += v;
  }
  return Math.abs(sum - 1) <= 1e-3;
}

/** Probabilities (softmax of logits, or the values as they are) → the k best classes, best first. */
export function topK(values: Float32Array, k: number, softmax: boolean): Array<{ classId: number; score: number }> {
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

function pushCxCyWh(c: Candidates, cx: number, cy: number, w: number, h: number, score: number, cls: number): void {
  c.boxes.push(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
  c.scores.push(score);
  c.classes.push(cls);
}

/** [1, N, 5+C] rows: cx, cy, w, h, objectness, class scores. YOLOX rows are raw and decoded on the grid. */
function yoloRows(d: Float32Array, n: number, k: number, spec: ModelOutputSpec, ctx: DecodeContext): Candidates {
  const c = emptyCandidates();
  const thr = spec.score_threshold;
  const yolox = spec.format === 'yolox';
  // YOLOX anchor order: for each stride, row-major over its grid.
  let stride = 0, gridW = 0, gx = 0, gy = 0, level = -1, levelEnd = 0;
  for (let i = 0; i < n; i++) {
    if (yolox) {
      while (i >= levelEnd) {
        level++;
        stride = spec.strides[level]!;
        gridW = Math.floor(ctx.inputWidth / stride);
        levelEnd += gridW * Math.floor(ctx.inputHeight / stride);
        gx = 0;
        gy = 0;
      }
    }
    const row = i * k;
    const obj = d[row + 4]!;
    if (obj >= thr) {
      let best = 0, bestScore = -Infinity;
      for (let j = 5; j < k; j++) if (d[row + j]! > bestScore) { bestScore = d[row + j]!; best = j - 5; }
      const score = obj * bestScore;
      if (score >= thr) {
        if (yolox) pushCxCyWh(c, (d[row]! + gx) * stride, (d[row + 1]! + gy) * stride, Math.exp(d[row + 2]!) * stride, Math.exp(d[row + 3]!) * stride, score, best);
        else pushCxCyWh(c, d[row]!, d[row + 1]!, d[row + 2]!, d[row + 3]!, score, best);
      }
    }
    if (yolox && ++gx === gridW) { gx = 0; gy++; }
  }
  return c;
}

/** [1, 4+C, N]: column i is box i (cx, cy, w, h, class scores); no objectness. */
function yoloV8(d: Float32Array, k: number, n: number, spec: ModelOutputSpec): Candidates {
  const c = emptyCandidates();
  const thr = spec.score_threshold;
  for (let i = 0; i < n; i++) {
    let best = 0, bestScore = -Infinity;
    for (let j = 4; j < k; j++) {
      const s = d[j * n + i]!;
      if (s > bestScore) { bestScore = s; best = j - 4; }
    }
    if (bestScore >= thr) pushCxCyWh(c, d[i]!, d[n + i]!, d[2 * n + i]!, d[3 * n + i]!, bestScore, best);
  }
  return c;
}

/** Separate boxes [1, N, 4] and scores [1, N, C]. */
function ssd(boxes: Float32Array, scores: Float32Array, n: number, classes: number, spec: ModelOutputSpec, ctx: DecodeContext): Candidates {
  const c = emptyCandidates();
  const thr = spec.score_threshold;
  const normalized = spec.boxes_normalized ?? true;
  const sx = normalized ? ctx.inputWidth : 1;
  const sy = normalized ? ctx.inputHeight : 1;
  const yx = spec.box_order === 'yxyx';
  for (let i = 0; i < n; i++) {
    let best = -1, bestScore = -Infinity;
    for (let j = 0; j < classes; j++) {
      if (j === spec.background_class) continue;
      const s = scores[i * classes + j]!;
      if (s > bestScore) { bestScore = s; best = j; }
    }
    if (best < 0 || bestScore < thr) continue;
    const b = i * 4;
    const [x1, y1, x2, y2] = yx ? [boxes[b + 1]!, boxes[b]!, boxes[b + 3]!, boxes[b + 2]!] : [boxes[b]!, boxes[b + 1]!, boxes[b + 2]!, boxes[b + 3]!];
    c.boxes.push(x1 * sx, y1 * sy, x2 * sx, y2 * sy);
    c.scores.push(bestScore);
    c.classes.push(best);
  }
  return c;
}

export function mapBox(x1: number, y1: number, x2: number, y2: number, m: BoxMapping): [number, number, number, number] {
  const clampX = (v: number) => Math.min(m.srcWidth, Math.max(0, v));
  const clampY = (v: number) => Math.min(m.srcHeight, Math.max(0, v));
  return [clampX((x1 - m.offsetX) / m.scaleX), clampY((y1 - m.offsetY) / m.scaleY), clampX((x2 - m.offsetX) / m.scaleX), clampY((y2 - m.offsetY) / m.scaleY)];
}

/**
 * TensorFlow Object Detection API outputs: the first num_detections rows of detection_boxes
 * (y1, x1, y2, x2, fractions of the input by default), scores and classes (the label map's ids,
 * reported as they are). NMS already ran inside the graph.
 */
function tfOd(tensors: Tensor[], spec: ModelOutputSpec, ctx: DecodeContext): Candidates {
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
    const [x1, y1, x2, y2] = yx ? [boxes[b + 1]!, boxes[b]!, boxes[b + 3]!, boxes[b + 2]!] : [boxes[b]!, boxes[b + 1]!, boxes[b + 2]!, boxes[b + 3]!];
    c.boxes.push(x1 * sx, y1 * sy, x2 * sx, y2 * sy);
    c.scores.push(scores[i]!);
    c.classes.push(Math.round(classes[i]!));
  }
  return c;
}

/**
 * Rows of boxes after NMS inside the graph ([1, N, K] or [N, K]): YOLOv8/YOLO11 end-to-end
 * exports (x1, y1, x2, y2, score, class), exports with a batch index, PaddleDetection's
 * (class, score, x1, y1, x2, y2). Rows of another image in the batch, with a negative class
 * (PaddleDetection's "no box" row) or below the threshold (zero padding) are skipped.
 */
function boxesScored(d: Float32Array, dims: readonly number[], spec: ModelOutputSpec, ctx: DecodeContext): Candidates {
  const k = dims[dims.length - 1]!;
  const n = dims[dims.length - 2]!;
  const columns = boxColumns(spec, k)!;
  const at = (name: BoxColumn) => columns.indexOf(name);
  const [bi, x1i, y1i, x2i, y2i, si, ci] = (['batch', 'x1', 'y1', 'x2', 'y2', 'score', 'class'] as const).map(at) as [number, number, number, number, number, number, number];
  const normalized = spec.boxes_normalized ?? false;
  const sx = normalized ? ctx.inputWidth : 1;
  const sy = normalized ? ctx.inputHeight : 1;
  const c = emptyCandidates();
  for (let i = 0; i < n; i++) {
    const row = i * k;
    if (bi >= 0 && d[row + bi] !== 0) continue;
    const score = d[row + si]!;
    const cls = Math.round(d[row + ci]!);
    if (score < spec.score_threshold || cls < 0) continue;
    c.boxes.push(d[row + x1i]! * sx, d[row + y1i]! * sy, d[row + x2i]! * sx, d[row + y2i]! * sy);
    c.scores.push(score);
    c.classes.push(cls);
  }
  return c;
}

/** Integer or floating-point tensor values as numbers (TF OD classes and counts may be either). */
function numberData(t: Tensor): ArrayLike<number> {
  if (t.type === 'int64') return Array.from(t.data as BigInt64Array, Number);
  if (t.type === 'int32' || t.type === 'uint8' || t.type === 'int8') return t.data as Int32Array;
  return floatData(t);
}

/** Boxes already through NMS (in the graph): best first, at most max_detections, mapped back (or, when already in the image, only clamped). */
function keepBest(c: Candidates, spec: ModelOutputSpec, map: BoxMapping, inImage: boolean): ModelOutput {
  const order = c.scores.map((_, i) => i).sort((a, b) => c.scores[b]! - c.scores[a]!).slice(0, spec.max_detections);
  const m: BoxMapping = inImage ? { ...map, scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 0 } : map;
  const detections: Detection[] = order.map((i) => ({
    box: mapBox(c.boxes[i * 4]!, c.boxes[i * 4 + 1]!, c.boxes[i * 4 + 2]!, c.boxes[i * 4 + 3]!, m),
    score: c.scores[i]!,
    classId: c.classes[i]!,
  }));
  return { kind: 'detection', detections };
}

function finish(c: Candidates, spec: ModelOutputSpec, map: BoxMapping): ModelOutput {
  const kept = nmsPerClass(c, spec.iou_threshold, spec.max_detections);
  const detections: Detection[] = kept.map((i) => ({
    box: mapBox(c.boxes[i * 4]!, c.boxes[i * 4 + 1]!, c.boxes[i * 4 + 2]!, c.boxes[i * 4 + 3]!, map),
    score: c.scores[i]!,
    classId: c.classes[i]!,
  }));
  return { kind: 'detection', detections };
}

/** A probability map [1, 1, H, W] (or [1, H, W]) → DB boxes, map pixels → input pixels → original pixels. */
export function dbDetections(prob: Float32Array, dims: readonly number[], spec: Pick<ModelOutputSpec, 'score_threshold' | 'binary_threshold' | 'unclip_ratio'>, ctx: Pick<DecodeContext, 'inputWidth' | 'inputHeight'>, map: BoxMapping): Detection[] {
  const mapH = dims[dims.length - 2]!;
  const mapW = dims[dims.length - 1]!;
  const toInX = ctx.inputWidth / mapW;
  const toInY = ctx.inputHeight / mapH;
  const boxes = dbBoxes(prob, mapW, mapH, { ...DB_DEFAULTS, binaryThreshold: spec.binary_threshold, boxThreshold: spec.score_threshold, unclipRatio: spec.unclip_ratio });
  return boxes.map(({ box, score }) => ({ box: mapBox(box[0] * toInX, box[1] * toInY, box[2] * toInX, box[3] * toInY, map), score, classId: 0 }));
}
