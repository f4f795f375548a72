import * as z from 'zod';
import { inputTensorProblem } from './memory.js';
import { ModelInputSchema, positiveInt } from '../../contracts/model-input.js';

export { ModelInputSchema, type ExtraInput } from '../../contracts/model-input.js';

/**
 * A model spec: how to feed an ONNX model (input) and how to read its answer (output). Users
 * declare theirs in a bench suite file; the built-ins are declared the same way (builtins.ts).
 * Strict objects: a typo in a key is an error, never a silent default.
 */

const fraction = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .min(0, { error: `${what} must be between 0 and 1` })
    .max(1, { error: `${what} must be between 0 and 1` });

const OUTPUT_FORMATS = [
  'logits',
  'yolov5',
  'yolov8',
  'yolox',
  'ssd',
  'ssd-priors',
  'db',
  'tf-od',
  'boxes-scored',
  'boxes-labels',
  'nanodet',
  'yunet',
  'blazeface',
  'yolo-fastestv2',
] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** What each value of a boxes-scored row means (NMS done inside the graph). */
export const BOX_COLUMNS = ['batch', 'x1', 'y1', 'x2', 'y2', 'score', 'class'] as const;
export const REQUIRED_BOX_COLUMNS = ['x1', 'y1', 'x2', 'y2', 'score', 'class'] as const;
export type BoxColumn = (typeof BOX_COLUMNS)[number];

const ModelOutputSchema = z
  .strictObject({
    format: z
      .enum(OUTPUT_FORMATS, { error: `output.format must be one of ${OUTPUT_FORMATS.join(', ')}` })
      .describe('How to read the output tensor(s).'),
    score_threshold: fraction('output.score_threshold')
      .default(0.25)
      .describe('Detections below this score are dropped (db: the box score threshold).'),
    iou_threshold: fraction('output.iou_threshold')
      .default(0.45)
      .describe('Per-class NMS: a box overlapping a better one of its class by more than this IoU is dropped.'),
    top_k: positiveInt('output.top_k').default(5).describe('logits: how many classes to report.'),
    max_detections: positiveInt('output.max_detections')
      .default(300)
      .describe('Detection formats: keep at most this many boxes after NMS.'),
    num_classes: positiveInt('output.num_classes').optional().describe('Number of classes; when given, output shapes are checked exactly.'),
    softmax: z
      .union([z.boolean(), z.literal('auto')], { error: 'output.softmax must be true, false or auto' })
      .default('auto')
      .describe(
        'logits: apply softmax; false if the model already outputs probabilities; auto: softmax unless the values already are probabilities (all in 0..1, summing to 1).',
      ),
    strides: z
      .array(positiveInt('output.strides'))
      .min(1)
      .optional()
      .describe(
        'yolox, yolov5 with anchors, nanodet, yunet, ssd-priors, blazeface: the feature-map strides, in output order (default 8, 16, 32; a one-output NanoDet-Plus head and ssd-priors: 8, 16, 32, 64; blazeface: 8, 16, 16, 16, or 16, 32, 32, 32 at 256x256).',
      ),
    anchors: z
      .array(z.array(z.number().positive()).min(2))
      .min(1)
      .optional()
      .refine((a) => a === undefined || a.every((level) => level.length % 2 === 0), {
        error: 'output.anchors: each stride lists width, height pairs',
      })
      .describe(
        'yolov5: the anchor boxes (width, height pairs in input pixels), one list per stride, for a head exported without its decoding: rows then hold sigmoid outputs on the grid, decoded as YOLOv5 does; yolo-fastestv2: its anchors (default its COCO anchors).',
      ),
    reg_max: z
      .number()
      .int()
      .min(0)
      .max(64)
      .default(7)
      .describe("nanodet: the largest bin of each side's distance distribution (4 × (reg_max + 1) values per box)."),
    boxes: z
      .string()
      .min(1)
      .optional()
      .describe(
        'ssd, ssd-priors: name of the boxes output [1, N, 4] (default: the first output); blazeface: the regressors; tf-od: default detection_boxes.',
      ),
    scores: z
      .string()
      .min(1)
      .optional()
      .describe(
        'ssd, ssd-priors: name of the scores output [1, N, C] (default: the second output); blazeface: the classificators; tf-od: default detection_scores.',
      ),
    classes: z
      .string()
      .min(1)
      .optional()
      .describe('tf-od, boxes-labels: name of the classes output [1, N] (tf-od default: detection_classes; boxes-labels: labels).'),
    count: z
      .string()
      .min(1)
      .optional()
      .describe(
        'tf-od: name of the number-of-detections output [1] (default: num_detections); boxes-scored: an output holding how many rows count (PaddleDetection).',
      ),
    box_order: z
      .enum(['xyxy', 'yxyx'])
      .optional()
      .describe('ssd, tf-od: coordinate order of each box (default: xyxy for ssd, yxyx for tf-od).'),
    boxes_normalized: z
      .boolean()
      .optional()
      .describe(
        'ssd, tf-od, boxes-scored: box coordinates are fractions of the input size (true) or input pixels (false); default true for ssd and tf-od, false for boxes-scored.',
      ),
    columns: z
      .array(z.enum(BOX_COLUMNS))
      .optional()
      .refine((c) => c === undefined || (REQUIRED_BOX_COLUMNS.every((k) => c.includes(k)) && new Set(c).size === c.length), {
        error: `output.columns must name each of ${REQUIRED_BOX_COLUMNS.join(', ')} once (and optionally batch)`,
      })
      .describe('boxes-scored: what each value of a row is (default: x1, y1, x2, y2, score, class, with batch first for 7 values).'),
    boxes_in_image: z
      .boolean()
      .default(false)
      .describe('boxes-scored: boxes are already in original-image pixels (PaddleDetection exports fed scale_factor).'),
    background_class: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('ssd, ssd-priors: a class index that means "no object" (e.g. 0), never reported.'),
    min_boxes: z
      .array(z.array(z.number().positive()).min(1))
      .min(1)
      .optional()
      .describe(
        "ssd-priors: the prior sizes in input pixels, one list per stride (default UltraFace's [[10, 16, 24], [32, 48], [64, 96], [128, 192, 256]]).",
      ),
    center_variance: z.number().positive().default(0.1).describe('ssd-priors: the scale of the encoded centre offsets.'),
    size_variance: z.number().positive().default(0.2).describe('ssd-priors: the scale of the encoded log sizes.'),
    binary_threshold: fraction('output.binary_threshold')
      .default(0.3)
      .describe('db: probability above which a pixel belongs to an object.'),
    unclip_ratio: z.number().positive().default(1.5).describe('db: how much each region is expanded (DB unclip ratio).'),
  })
  .superRefine((o, ctx) => {
    const named = ['ssd', 'ssd-priors', 'blazeface', 'tf-od', 'boxes-labels'].includes(o.format);
    if (named && o.boxes !== undefined && o.boxes === o.scores) {
      ctx.addIssue({ code: 'custom', path: ['scores'], message: 'output.boxes and output.scores must name different outputs' });
    }
  });

export const ModelSpecSchema = z
  .strictObject({
    name: z.string().min(1, { error: 'model name must not be empty' }).describe('Name used in results and reports.'),
    task: z.enum(['classification', 'detection']).describe('classification or detection.'),
    path: z.string().min(1).describe('The .onnx file, relative to the suite file.'),
    input: ModelInputSchema,
    output: ModelOutputSchema,
  })
  .superRefine((m, ctx) => {
    const tooBig = inputTensorProblem(m.input, m.input.channels);
    if (tooBig) ctx.addIssue({ code: 'custom', path: ['input', typeof m.input.resize === 'string' ? 'width' : 'resize'], message: tooBig });
    const classification = m.output.format === 'logits';
    if (classification !== (m.task === 'classification')) {
      ctx.addIssue({
        code: 'custom',
        path: ['output', 'format'],
        message: classification
          ? `output format logits is for task classification, not ${m.task}`
          : `output format ${m.output.format} is for task detection, not ${m.task}`,
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
  .union([z.string(), z.record(z.string(), z.unknown())], {
    error: 'a model is a built-in name (e.g. ocr-det) or a model spec (name, task, path, input, output)',
  })
  .transform((value, ctx): string | ModelSpec => {
    const r =
      typeof value === 'string'
        ? z.string().min(1, { error: 'model name must not be empty' }).safeParse(value)
        : ModelSpecSchema.safeParse(value);
    if (r.success) return r.data;
    for (const issue of r.error.issues) ctx.addIssue({ ...issue } as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });
