import { basename, extname, resolve } from 'node:path';
import sharp from 'sharp';
import { UserError } from '../../core/errors.js';
import type { ModelInspection } from '../inspect-result.js';
import { TF_OD_OUTPUTS, yoloxAnchorCount } from './decoders.js';
import { readModelGraph, type GraphValue, type ModelGraphInfo } from './onnx-proto.js';
import { displayPath } from './paths.js';
import { createSession, resolveModel } from './registry.js';
import { ModelSpecSchema } from './spec.js';

/**
 * `capacity-plan inspect MODEL.onnx`: the model's signature, a proposed suite entry with the
 * guesses it rests on and what the file could not tell, and one run of that entry on a synthetic
 * image to confirm the guessed output format fits. The guesses follow what the common exporters
 * write (shapes, names, producer, Ultralytics' metadata); docs/models.md lists the families.
 */

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
/** The synthetic image inspect runs the entry on: landscape, so letterbox and stretch differ. */
const CHECK_IMAGE = { width: 640, height: 480 };

type Dim = number | string;
const isStatic = (d: Dim | undefined): d is number => typeof d === 'number';
const fmt = (shape: readonly Dim[]) => `[${shape.join(', ')}]`;

interface Proposal {
  entry: Record<string, unknown>;
  guesses: string[];
  unknown: string[];
}

/** Where the image's channels are in an input shape, or null when no dimension is 3 where one should be. */
function imageLayout(shape: readonly Dim[]): { layout: 'NCHW' | 'NHWC'; batched: boolean; h: Dim; w: Dim } | null {
  const batched = shape.length === 4;
  if (shape.length !== 4 && shape.length !== 3) return null;
  const s = batched ? shape.slice(1) : shape;
  if (s[0] === 3) return { layout: 'NCHW', batched, h: s[1]!, w: s[2]! };
  if (s[2] === 3) return { layout: 'NHWC', batched, h: s[0]!, w: s[1]! };
  return null;
}

/** One score per class in any shape: a single dimension other than 1 (a symbolic first one is the batch). */
function scoreVector(shape: readonly Dim[]): boolean {
  const wide = shape.filter((d, i) => d !== 1 && !(i === 0 && !isStatic(d) && shape.length > 1));
  return shape.length >= 1 && shape.length <= 4 && wide.length === 1;
}

/**
 * Rows of 6 or 7 values ([1, N, K] or [N, K]) with N up to a few hundred or symbolic: boxes after
 * NMS. Thousands of static rows of 6 are a single-class YOLOv5 head instead.
 */
function endToEnd(shape: readonly Dim[]): boolean {
  const k = shape[shape.length - 1];
  const n = shape[shape.length - 2];
  const fewRows = !isStatic(n) || n <= 1000;
  return (k === 6 || k === 7) && fewRows && (shape.length === 2 || (shape.length === 3 && (shape[0] === 1 || !isStatic(shape[0]))));
}

/** Ultralytics writes its class names as a Python dict literal: `{0: 'person', 1: 'bicycle'}`. */
function ultralyticsClassCount(names: string | undefined): number | undefined {
  if (names === undefined) return undefined;
  const n = (names.match(/\d+\s*:/g) ?? []).length;
  return n > 0 ? n : undefined;
}

function ultralyticsImgsz(v: string | undefined): [number, number] | undefined {
  const m = v?.match(/^\[\s*(\d+)\s*,\s*(\d+)\s*\]$/);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The proposed entry: input from the image input's shape and the producer, output format from the output shapes and names. */
export function proposeEntry(model: ModelGraphInfo, file: string): Proposal {
  const guesses: string[] = [];
  const unknown: string[] = [];
  const producer = model.producer.toLowerCase();
  // paddle2onnx leaves the producer empty but names its symbolic dimensions p2o.DynamicDimension.N.
  const paddle = producer.includes('paddle') || [...model.inputs, ...model.outputs].some((v) => v.shape.some((d) => typeof d === 'string' && d.startsWith('p2o.')));
  const ultralytics = model.metadata.names !== undefined && /ultralytics/i.test(`${model.metadata.author ?? ''} ${model.metadata.description ?? ''}`);
  const name = basename(file, extname(file)).replace(/[^A-Za-z0-9_.-]+/g, '-') || 'model';

  // The image input: the first with 3 channels in a layout we know; the others are extra inputs.
  const image = model.inputs.find((i) => imageLayout(i.shape) !== null) ?? model.inputs[0];
  if (image === undefined) throw UserError.at(displayPath(file), 'the model has no inputs');
  const at = imageLayout(image.shape);
  const input: Record<string, unknown> = {};
  if (model.inputs.length > 1) input.name = image.name;
  if (at === null) unknown.push(`input ${image.name} ${fmt(image.shape)}: no dimension of 3 channels where NCHW or NHWC puts it; layout assumed NCHW`);
  const layout = at?.layout ?? 'NCHW';
  input.layout = layout;
  if (at !== null) guesses.push(`input ${image.name} ${fmt(image.shape)} is ${layout}${at.batched ? '' : ' without a batch dimension'}`);
  const dtype = image.dtype;
  if (dtype === 'uint8' || dtype === 'float16' || dtype === 'float32') input.dtype = dtype;
  else unknown.push(`input ${image.name} is ${dtype}: capacity-plan feeds float32, float16 or uint8 images`);

  // Output format, from the outputs alone (the input size may still be unknown here).
  const outs = model.outputs;
  const first = outs[0];
  const byName = (part: string) => outs.find((o) => o.name === part) ?? outs.find((o) => o.name.includes(part));
  const output: Record<string, unknown> = {};
  let task: 'classification' | 'detection' = 'detection';
  const tfBoxes = byName(TF_OD_OUTPUTS.boxes);
  const tfScores = byName(TF_OD_OUTPUTS.scores);
  const extras = model.inputs.filter((i) => i !== image);
  const paddleDet = extras.some((e) => e.name.includes('scale_factor'));
  if (tfBoxes && tfScores && byName(TF_OD_OUTPUTS.classes) && byName(TF_OD_OUTPUTS.count)) {
    output.format = 'tf-od';
    for (const key of ['boxes', 'scores', 'classes', 'count'] as const) {
      const o = byName(TF_OD_OUTPUTS[key])!;
      if (o.name !== TF_OD_OUTPUTS[key]) output[key] = o.name;
    }
    guesses.push('outputs detection_boxes, detection_scores, detection_classes and num_detections: the TensorFlow Object Detection API (tf-od; boxes y1, x1, y2, x2 as fractions; NMS in the graph)');
  } else if (first !== undefined && outs.length === 1 && first.shape.length === 4 && first.shape[1] === 1 && !isStatic(first.shape[2]) && !(ultralytics && model.metadata.task === 'classify')) {
    output.format = 'db';
    output.score_threshold = 0.6;
    guesses.push(`output ${first.name} ${fmt(first.shape)} is one map that follows the input's size: a segmentation-style text detector (db)`);
  } else if (first !== undefined && (ultralytics ? model.metadata.task === 'classify' : outs.length === 1 && scoreVector(first.shape))) {
    task = 'classification';
    output.format = 'logits';
    const classes = first.shape.filter(isStatic).find((d) => d > 1) ?? ultralyticsClassCount(model.metadata.names);
    if (classes !== undefined) output.num_classes = classes;
    const probabilities = model.outputOps[first.name] === 'Softmax';
    output.softmax = probabilities ? false : 'auto';
    guesses.push(`output ${first.name} ${fmt(first.shape)} is one score vector: a classifier (logits)${probabilities ? ', already probabilities (the graph ends in Softmax)' : ''}`);
    if (!probabilities) unknown.push('whether the scores are logits or probabilities: softmax: auto decides per image (values in 0..1 summing to 1 are probabilities)');
  } else if (first !== undefined && endToEnd(first.shape)) {
    output.format = 'boxes-scored';
    const k = first.shape[first.shape.length - 1] as number;
    if (paddleDet && k === 6) {
      output.columns = ['class', 'score', 'x1', 'y1', 'x2', 'y2'];
      output.boxes_in_image = true;
      guesses.push(`output ${first.name} ${fmt(first.shape)} with a scale_factor input: PaddleDetection's multiclass_nms (class, score, x1, y1, x2, y2 in image pixels)`);
    } else {
      guesses.push(`output ${first.name} ${fmt(first.shape)}: boxes after NMS in the graph (end-to-end export), rows ${k === 7 ? 'batch, ' : ''}x1, y1, x2, y2, score, class`);
      unknown.push(`the order of score and class in each row, and whether this is NMS output at all (a single-class yolov5 head is also 6 values per row)${k === 7 ? ' (YOLOv7 end-to-end exports put class before score: columns: [batch, x1, y1, x2, y2, class, score])' : ''}`);
    }
  } else if (outs.length >= 2 && outs[0]!.shape.length === 3 && outs[0]!.shape[2] === 4 && outs[1]!.shape.length === 3) {
    output.format = 'ssd';
    guesses.push(`outputs ${outs[0]!.name} ${fmt(outs[0]!.shape)} and ${outs[1]!.name} ${fmt(outs[1]!.shape)}: separate boxes and class scores (ssd)`);
    unknown.push('box order (xyxy or yxyx), whether boxes are fractions or pixels, and the background class');
  } else if (first !== undefined && first.shape.length === 3) {
    const [, a, b] = first.shape;
    if (isStatic(a) && isStatic(b) && a < b) {
      output.format = 'yolov8';
      output.num_classes = a - 4;
      guesses.push(`output ${first.name} ${fmt(first.shape)}: one column per box, 4 coordinates and ${a - 4} class scores (yolov8: YOLOv8/YOLO11)`);
    } else if (isStatic(b) && b >= 6) {
      output.format = 'yolov5';
      output.num_classes = b - 5;
      guesses.push(`output ${first.name} ${fmt(first.shape)}: one row per box, 4 coordinates, objectness and ${b - 5} class scores (yolov5)`);
    }
  }
  if (output.format === undefined) unknown.push(`the output format: no known export shape in ${outs.map((o) => `${o.name} ${fmt(o.shape)}`).join(', ') || 'no outputs'}`);
  const format = output.format as string | undefined;
  const nmsFormat = format === 'tf-od' || format === 'boxes-scored';

  // Size and resize rule.
  const meta = ultralyticsImgsz(model.metadata.imgsz);
  const h = at?.h;
  const w = at?.w;
  if (isStatic(h) && isStatic(w)) {
    input.width = w;
    input.height = h;
    if (task === 'classification') {
      input.resize = paddle && w / h >= 3 ? 'pad-right' : 'stretch';
      if (input.resize === 'pad-right') guesses.push(`a ${w}x${h} PaddlePaddle classifier: a text-line model, resized as PaddleOCR does (pad-right)`);
      else unknown.push('how the classifier was trained to see images: stretch assumed (centre-crop pipelines differ a little)');
    } else {
      input.resize = 'letterbox';
      if (paddleDet || (format === 'yolov5' && isStatic(first?.shape[1]) && first?.shape[1] === yoloxAnchorCount(w, h, [8, 16, 32]))) input.letterbox_align = 'top-left';
      if (format === 'yolov5' && input.letterbox_align === 'top-left') {
        output.format = 'yolox';
        guesses.push(`${first!.shape[1]} rows = the anchor count of a ${w}x${h} input at strides 8, 16, 32: a raw YOLOX head (yolox, padded at the bottom right)`);
      } else guesses.push(`a ${w}x${h} detector: letterboxed${input.letterbox_align === 'top-left' ? ' at the top left (PaddleDetection)' : ', centred (Ultralytics)'}`);
    }
  } else if (meta !== undefined) {
    [input.height, input.width] = meta;
    input.resize = task === 'classification' ? 'stretch' : 'letterbox';
    guesses.push(`dynamic input size; the exporter's imgsz metadata says ${meta[1]}x${meta[0]}`);
  } else if (task === 'classification') {
    Object.assign(input, { width: 224, height: 224, resize: 'stretch' });
    unknown.push('the input size (dynamic): 224x224 assumed');
  } else {
    const longest = format === 'db' ? 960 : format === 'tf-od' ? 1024 : 640;
    const multiple = format === 'tf-od' ? 1 : 32;
    input.resize = { longest_side_max: longest, multiple_of: multiple };
    unknown.push(`the input size (dynamic): longest side ${longest}, sides multiples of ${multiple} assumed; declare the size the model was trained at`);
  }

  // Colour and normalisation (the size step may have turned a yolov5 guess into yolox).
  const decided = output.format as string | undefined;
  if (dtype === 'uint8') guesses.push('a uint8 input takes the raw pixels: no normalisation');
  else if (paddle && (decided === 'db' || input.resize === 'pad-right')) {
    input.color = 'BGR';
    const norm = decided === 'db' ? IMAGENET : { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
    Object.assign(input, { scale: 1 / 255, ...norm });
    guesses.push(`PaddleOCR's normalisation for this kind of model: BGR, x/255, mean ${norm.mean.join('/')}, std ${norm.std.join('/')}`);
  } else if (ultralytics || ['yolov8', 'yolov5', 'boxes-scored'].includes(decided ?? '') || decided === 'yolox') {
    input.color = decided === 'yolox' ? 'BGR' : 'RGB';
    input.scale = decided === 'yolox' ? 1 : 1 / 255;
    guesses.push(decided === 'yolox' ? "YOLOX's demo feeds raw 0..255 BGR values (scale 1), no mean or std" : 'YOLO exporters take RGB x/255, no mean or std');
    if (!ultralytics) unknown.push('the colour order (RGB assumed)');
  } else if (task === 'classification') {
    Object.assign(input, { color: 'RGB', scale: 1 / 255, ...IMAGENET });
    unknown.push('the normalisation: ImageNet mean and std on RGB assumed (the most common for classifiers)');
  } else unknown.push('the colour order and normalisation (RGB, x/255 assumed)');

  if (extras.length > 0) {
    input.extra = extras.map((e) => {
      if (e.name.includes('scale_factor')) return { name: e.name, value: 'scale_factor' };
      if (e.name.includes('im_shape')) return { name: e.name, value: 'im_shape' };
      const count = e.shape.reduce<number>((n, d) => n * (isStatic(d) ? d : 1), 1);
      unknown.push(`the value of input ${e.name} ${fmt(e.shape)}: ${count} zero(s) as placeholder`);
      return { name: e.name, value: new Array<number>(count).fill(0) };
    });
    guesses.push(`extra inputs ${extras.map((e) => e.name).join(', ')}`);
  }
  if (!nmsFormat && task === 'detection' && format !== undefined && format !== 'db') unknown.push('the score and IoU thresholds the model was tuned for (0.25 and 0.45 assumed)');

  const order = ['name', 'width', 'height', 'layout', 'color', 'scale', 'mean', 'std', 'resize', 'letterbox_align', 'dtype', 'extra'];
  const ordered = Object.fromEntries(order.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
  const entry: Record<string, unknown> = { name, task, path: file, input: ordered, output };
  return { entry, guesses, unknown };
}

/** A synthetic image with structure (gradients and blocks), so detectors and classifiers see more than a flat colour. */
async function checkImage(): Promise<Buffer> {
  const { width, height } = CHECK_IMAGE;
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const block = ((x >> 6) + (y >> 6)) % 2 === 0;
      px[i] = (x * 255) / width;
      px[i + 1] = (y * 255) / height;
      px[i + 2] = block ? 220 : 30;
    }
  }
  return sharp(px, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** Runs the entry once: does the model take the tensor it builds, and does the output fit the format? */
async function checkEntry(entry: Record<string, unknown>, modelPath: string): Promise<ModelInspection['check']> {
  const parsed = ModelSpecSchema.safeParse({ ...entry, path: modelPath });
  if (!parsed.success) return { ok: false, problem: `the entry is incomplete: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  let session;
  try {
    const adapter = await resolveModel(parsed.data);
    session = await createSession(adapter, 1);
    const prepared = await adapter.preprocess(await adapter.decode(await checkImage(), 'synthetic image'));
    const out = adapter.postprocess(await session.run(prepared.feeds), prepared.meta);
    const summary =
      out.kind === 'classification'
        ? `top class ${out.top[0]?.classId ?? '-'} at ${(out.top[0]?.score ?? 0).toFixed(3)}`
        : `${out.detections.length} detection(s) above the threshold`;
    return { ok: true, imageWidth: CHECK_IMAGE.width, imageHeight: CHECK_IMAGE.height, summary: `the output fits ${String((entry.output as { format: string }).format)}: ${summary}` };
  } catch (err) {
    const message = err instanceof UserError ? err.message : String((err as Error).message ?? err).split('\n')[0]!.slice(0, 300);
    return { ok: false, problem: message };
  } finally {
    await session?.release().catch(() => undefined);
  }
}

/** Everything `inspect` prints, for a model file named as the user named it. */
export async function inspectModel(file: string): Promise<ModelInspection> {
  const modelPath = resolve(file);
  const model = await readModelGraph(modelPath);
  const { entry, guesses, unknown } = proposeEntry(model, file);
  const check = await checkEntry(entry, modelPath);
  const describe = (v: GraphValue) => ({ name: v.name, dtype: v.dtype, shape: v.shape });
  return {
    file: displayPath(modelPath),
    sizeBytes: model.sizeBytes,
    parameterCount: model.parameterCount,
    opset: model.opset,
    producer: model.producer,
    inputs: model.inputs.map(describe),
    outputs: model.outputs.map(describe),
    metadata: model.metadata,
    entry,
    guesses,
    unknown,
    check,
  };
}
