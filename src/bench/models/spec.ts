import * as z from 'zod';
import { inputTensorProblem } from './memory.js';

/**
 * A model spec: how to feed an ONNX model (input) and how to read its answer (output). Users
 * declare theirs in a bench suite file; the built-ins are declared the same way (builtins.ts).
 * Strict objects: a typo in a key is an error, never a silent default.
 */

const positiveInt = (what: string) =>
  z.number({ error: `${what} must be a number` }).int({ error: `${what} must be a whole number` }).positive({ error: `${what} must be greater than 0` });
const fraction = (what: string) =>
  z.number({ error: `${what} must be a number` }).min(0, { error: `${what} must be between 0 and 1` }).max(1, { error: `${what} must be between 0 and 1` });
const triple = (what: string) =>
  z.tuple([z.number(), z.number(), z.number()], { error: `${what} must be a list of 3 numbers` });

export const OUTPUT_FORMATS = ['logits', 'yolov5', 'yolov8', 'yolox', 'ssd', 'db', 'tf-od', 'boxes-scored'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** What each value of a boxes-scored row means (NMS done inside the graph). */
export const BOX_COLUMNS = ['batch', 'x1', 'y1', 'x2', 'y2', 'score', 'class'] as const;
export const REQUIRED_BOX_COLUMNS = ['x1', 'y1', 'x2', 'y2', 'score', 'class'] as const;
export type BoxColumn = (typeof BOX_COLUMNS)[number];

/** Resize rules whose tensor has the declared input.width × input.height (see resize.ts). */
export const FIXED_RESIZE_MODES = ['stretch', 'letterbox', 'pad-right'] as const;

/** A tensor that follows each image (dynamic-shape detectors, e.g. DBNet): see resize.ts. */
export const ImageSizedResizeSchema = z.strictObject({
  longest_side_max: positiveInt('input.resize.longest_side_max').describe('Images whose longest side is longer are scaled down to it (never up), aspect kept, pixels.'),
  multiple_of: positiveInt('input.resize.multiple_of').default(32).describe('Each side is then rounded to the nearest multiple of this (half to even, at least one multiple), pixels.'),
});

export const ResizeSchema = z.union([z.enum(FIXED_RESIZE_MODES), ImageSizedResizeSchema], {
  error: `input.resize must be ${FIXED_RESIZE_MODES.join(', ')} or { longest_side_max, multiple_of }`,
});
export type ResizeRule = z.infer<typeof ResizeSchema>;

/** An input besides the image: a constant, or a value derived from how the image was resized (PaddleDetection). */
export const DERIVED_INPUTS = ['scale_factor', 'im_shape'] as const;
export const ExtraInputSchema = z.strictObject({
  name: z.string().min(1).describe('The model input to feed.'),
  value: z
    .union([z.enum(DERIVED_INPUTS), z.array(z.number()).min(1).max(1024)], { error: `extra input value must be ${DERIVED_INPUTS.join(' or ')}, or a list of numbers` })
    .describe('scale_factor: [resized height / image height, resized width / image width]; im_shape: [resized height, resized width]; or constant numbers (shaped as the model input declares).'),
});
export type ExtraInput = z.infer<typeof ExtraInputSchema>;

export const ModelInputSchema = z.strictObject({
  width: positiveInt('input.width').optional().describe('Model input width, pixels (not with a longest_side_max resize: the size follows each image).'),
  height: positiveInt('input.height').optional().describe('Model input height, pixels (not with a longest_side_max resize).'),
  layout: z.enum(['NCHW', 'NHWC']).default('NCHW').describe('Tensor layout.'),
  color: z.enum(['RGB', 'BGR']).default('RGB').describe('Channel order the model was trained on.'),
  scale: z.number().positive().default(1 / 255).describe('Pixel value (0..255) is multiplied by this first, e.g. 0.00392156862745098 (1/255) or 1.'),
  mean: triple('input.mean').default([0, 0, 0]).describe('Subtracted after scaling, per channel in the model\'s colour order.'),
  std: triple('input.std')
    .default([1, 1, 1])
    .refine((s) => s.every((v) => v > 0), { error: 'input.std values must be greater than 0' })
    .describe('Divided after subtracting the mean, per channel.'),
  resize: ResizeSchema.default('stretch').describe(
    'stretch to the input size; letterbox: keep the aspect ratio, centre, pad with pad_value; pad-right: keep the aspect ratio at the input height, pad the right with 0 (after normalisation); ' +
      '{ longest_side_max, multiple_of }: a tensor sized by each image (longest side at most longest_side_max, sides multiples of multiple_of).',
  ),
  pad_value: z.number().min(0).max(255).default(114).describe('Letterbox padding, as a 0..255 pixel value (before scaling).'),
  letterbox_align: z.enum(['center', 'top-left']).default('center').describe('letterbox: where the image sits: center (Ultralytics) or top-left, padded at the bottom and right (YOLOX, PaddleDetection).'),
  dtype: z.enum(['float32', 'float16', 'uint8']).default('float32').describe('Input tensor element type; uint8: the raw 0..255 pixels, no normalisation (TensorFlow exports, quantised models).'),
  name: z.string().min(1).optional().describe('Input name (default: the model\'s first input).'),
  extra: z.array(ExtraInputSchema).max(16).default([]).describe('Inputs besides the image, e.g. PaddleDetection\'s scale_factor and im_shape.'),
}).superRefine((input, ctx) => {
  if (input.dtype === 'uint8') {
    // The tensor holds the pixels themselves: a declared normalisation would be silently ignored.
    const identity = (input.scale === 1 || input.scale === 1 / 255) && input.mean.every((v) => v === 0) && input.std.every((v) => v === 1);
    if (!identity) ctx.addIssue({ code: 'custom', path: ['dtype'], message: 'input.dtype uint8 feeds the raw 0..255 pixels: scale, mean and std do not apply' });
  }
  const names = input.extra.map((e) => e.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i || n === input.name) ctx.addIssue({ code: 'custom', path: ['extra', i, 'name'], message: `input ${n} is fed twice` });
  });
  const imageSized = typeof input.resize !== 'string';
  for (const key of ['width', 'height'] as const) {
    if (!imageSized && input[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `input.${key} is required with resize ${String(input.resize)}` });
    if (imageSized && input[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `input.${key} does not apply with resize longest_side_max: the input size follows each image` });
  }
});

export const ModelOutputSchema = z
  .strictObject({
    format: z.enum(OUTPUT_FORMATS, { error: `output.format must be one of ${OUTPUT_FORMATS.join(', ')}` }).describe('How to read the output tensor(s).'),
    score_threshold: fraction('output.score_threshold').default(0.25).describe('Detections below this score are dropped (db: the box score threshold).'),
    iou_threshold: fraction('output.iou_threshold').default(0.45).describe('Per-class NMS: a box overlapping a better one of its class by more than this IoU is dropped.'),
    top_k: positiveInt('output.top_k').default(5).describe('logits: how many classes to report.'),
    max_detections: positiveInt('output.max_detections').default(300).describe('Detection formats: keep at most this many boxes after NMS.'),
    num_classes: positiveInt('output.num_classes').optional().describe('Number of classes; when given, output shapes are checked exactly.'),
    softmax: z.union([z.boolean(), z.literal('auto')], { error: 'output.softmax must be true, false or auto' }).default('auto').describe('logits: apply softmax; false if the model already outputs probabilities; auto: softmax unless the values already are probabilities (all in 0..1, summing to 1).'),
    strides: z.array(positiveInt('output.strides')).min(1).default([8, 16, 32]).describe('yolox: the feature-map strides, in output order.'),
    boxes: z.string().min(1).optional().describe('ssd: name of the boxes output [1, N, 4] (default: the first output); tf-od: default detection_boxes.'),
    scores: z.string().min(1).optional().describe('ssd: name of the scores output [1, N, C] (default: the second output); tf-od: default detection_scores.'),
    classes: z.string().min(1).optional().describe('tf-od: name of the classes output [1, N] (default: detection_classes).'),
    count: z.string().min(1).optional().describe('tf-od: name of the number-of-detections output [1] (default: num_detections).'),
    box_order: z.enum(['xyxy', 'yxyx']).optional().describe('ssd, tf-od: coordinate order of each box (default: xyxy for ssd, yxyx for tf-od).'),
    boxes_normalized: z.boolean().optional().describe('ssd, tf-od, boxes-scored: box coordinates are fractions of the input size (true) or input pixels (false); default true for ssd and tf-od, false for boxes-scored.'),
    columns: z
      .array(z.enum(BOX_COLUMNS))
      .optional()
      .refine((c) => c === undefined || (REQUIRED_BOX_COLUMNS.every((k) => c.includes(k)) && new Set(c).size === c.length), {
        error: `output.columns must name each of ${REQUIRED_BOX_COLUMNS.join(', ')} once (and optionally batch)`,
      })
      .describe('boxes-scored: what each value of a row is (default: x1, y1, x2, y2, score, class, with batch first for 7 values).'),
    boxes_in_image: z.boolean().default(false).describe('boxes-scored: boxes are already in original-image pixels (PaddleDetection exports fed scale_factor).'),
    background_class: z.number().int().nonnegative().optional().describe('ssd: a class index that means "no object" (e.g. 0), never reported.'),
    binary_threshold: fraction('output.binary_threshold').default(0.3).describe('db: probability above which a pixel belongs to an object.'),
    unclip_ratio: z.number().positive().default(1.5).describe('db: how much each region is expanded (DB unclip ratio).'),
  })
  .superRefine((o, ctx) => {
    if ((o.format === 'ssd' || o.format === 'tf-od') && o.boxes !== undefined && o.boxes === o.scores) {
      ctx.addIssue({ code: 'custom', path: ['scores'], message: 'output.boxes and output.scores must name different outputs' });
    }
  });

export const ModelSpecSchema = z.strictObject({
  name: z.string().min(1, { error: 'model name must not be empty' }).describe('Name used in results and reports.'),
  task: z.enum(['classification', 'detection']).describe('classification or detection.'),
  path: z.string().min(1).describe('The .onnx file, relative to the suite file.'),
  input: ModelInputSchema,
  output: ModelOutputSchema,
}).superRefine((m, ctx) => {
  const tooBig = inputTensorProblem(m.input);
  if (tooBig) ctx.addIssue({ code: 'custom', path: ['input', typeof m.input.resize === 'string' ? 'width' : 'resize'], message: tooBig });
  const classification = m.output.format === 'logits';
  if (classification !== (m.task === 'classification')) {
    ctx.addIssue({
      code: 'custom',
      path: ['output', 'format'],
      message: classification ? `output format logits is for task classification, not ${m.task}` : `output format ${m.output.format} is for task detection, not ${m.task}`,
    });
  }
});

export type ModelSpec = z.infer<typeof ModelSpecSchema>;
export type ModelSpecInput = z.input<typeof ModelSpecSchema>;
export type ModelInputSpec = ModelSpec['input'];
export type ModelOutputSpec = ModelSpec['output'];

/**
 * A model in a suite's `models:` list: a built-in name or a ModelSpec. Not a z.union: when both
 * branches fail zod 4 reports only "Invalid input" at the list item; this picks the branch by the
 * value's type and passes that branch's own issues (with their paths) through, so a typo in
 * `output.format` is reported at that key's line.
 */
export const ModelRefSchema = z
  .union([z.string(), z.record(z.string(), z.unknown())], { error: 'a model is a built-in name (e.g. ocr-det) or a model spec (name, task, path, input, output)' })
  .transform((value, ctx): string | ModelSpec => {
    const r = typeof value === 'string' ? z.string().min(1, { error: 'model name must not be empty' }).safeParse(value) : ModelSpecSchema.safeParse(value);
    if (r.success) return r.data;
    for (const issue of r.error.issues) ctx.addIssue({ ...issue } as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });
export type ModelRef = z.output<typeof ModelRefSchema>;
