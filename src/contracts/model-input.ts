import * as z from 'zod';
import type { BenchModel } from './bench.js';

/**
 * The input half of a model spec (bench/models/spec.ts): how an image becomes the model's input
 * tensor, and what size that tensor is for an image. A bench result file records it and plans
 * read it (modelInputSizeOf) without the rest of the spec's schemas, which only bench and inspect
 * need; bench/models/resize.ts places the pixels by the same sizes.
 */

export const positiveInt = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .positive({ error: `${what} must be greater than 0` });
/** One number per channel: 3 for colour, 1 for a grayscale input (a colour spec's 3 also fit a grayscale one: the first is used). */
const perChannel = (what: string) =>
  z.union([z.tuple([z.number(), z.number(), z.number()]), z.tuple([z.number()])], {
    error: `${what} must be a list of 3 numbers (1 for a grayscale input)`,
  });

/** Resize rules whose tensor has the declared input.width × input.height (see bench/models/resize.ts). */
const FIXED_RESIZE_MODES = ['stretch', 'letterbox', 'pad-right'] as const;

/** A tensor that follows each image (dynamic-shape detectors, e.g. DBNet): see imageSizedTensor. */
const ImageSizedResizeSchema = z.strictObject({
  longest_side_max: positiveInt('input.resize.longest_side_max').describe(
    'Images whose longest side is longer are scaled down to it (never up), aspect kept, pixels.',
  ),
  multiple_of: positiveInt('input.resize.multiple_of')
    .default(32)
    .describe('Each side is then rounded to the nearest multiple of this (half to even, at least one multiple), pixels.'),
});

const ResizeSchema = z.union([z.enum(FIXED_RESIZE_MODES), ImageSizedResizeSchema], {
  error: `input.resize must be ${FIXED_RESIZE_MODES.join(', ')} or { longest_side_max, multiple_of }`,
});

/** An input besides the image: a constant, or a value derived from how the image was resized (PaddleDetection). */
const DERIVED_INPUTS = ['scale_factor', 'im_shape'] as const;
const ExtraInputSchema = z.strictObject({
  name: z.string().min(1).describe('The model input to feed.'),
  value: z
    .union([z.enum(DERIVED_INPUTS), z.array(z.number()).min(1).max(1024)], {
      error: `extra input value must be ${DERIVED_INPUTS.join(' or ')}, or a list of numbers`,
    })
    .describe(
      'scale_factor: [resized height / image height, resized width / image width]; im_shape: [resized height, resized width]; or constant numbers (shaped as the model input declares).',
    ),
});
export type ExtraInput = z.infer<typeof ExtraInputSchema>;

export const ModelInputSchema = z
  .strictObject({
    width: positiveInt('input.width')
      .optional()
      .describe('Model input width, pixels (not with a longest_side_max resize: the size follows each image).'),
    height: positiveInt('input.height').optional().describe('Model input height, pixels (not with a longest_side_max resize).'),
    layout: z.enum(['NCHW', 'NHWC']).default('NCHW').describe('Tensor layout.'),
    channels: z
      .union([z.literal(1), z.literal(3)], { error: 'input.channels must be 1 (grayscale) or 3' })
      .default(3)
      .describe('3: colour in `color` order; 1: grayscale (ITU-R 601 luma, as OpenCV and PIL convert).'),
    color: z.enum(['RGB', 'BGR']).default('RGB').describe('Channel order the model was trained on.'),
    scale: z
      .number()
      .positive()
      .default(1 / 255)
      .describe('Pixel value (0..255) is multiplied by this first, e.g. 0.00392156862745098 (1/255) or 1.'),
    mean: perChannel('input.mean').default([0, 0, 0]).describe("Subtracted after scaling, per channel in the model's colour order."),
    std: perChannel('input.std')
      .default([1, 1, 1])
      .refine((s) => s.every((v) => v > 0), { error: 'input.std values must be greater than 0' })
      .describe('Divided after subtracting the mean, per channel.'),
    resize: ResizeSchema.default('stretch').describe(
      'stretch to the input size; letterbox: keep the aspect ratio, centre, pad with pad_value; pad-right: keep the aspect ratio at the input height, pad the right with 0 (after normalisation); ' +
        '{ longest_side_max, multiple_of }: a tensor sized by each image (longest side at most longest_side_max, sides multiples of multiple_of).',
    ),
    pad_value: z.number().min(0).max(255).default(114).describe('Letterbox padding, as a 0..255 pixel value (before scaling).'),
    letterbox_align: z
      .enum(['center', 'top-left'])
      .default('center')
      .describe(
        'letterbox: where the image sits: center (Ultralytics) or top-left, padded at the bottom and right (YOLOX, PaddleDetection).',
      ),
    dtype: z
      .enum(['float32', 'float16', 'uint8'])
      .default('float32')
      .describe('Input tensor element type; uint8: the raw 0..255 pixels, no normalisation (TensorFlow exports, quantised models).'),
    name: z.string().min(1).optional().describe("Input name (default: the model's first input)."),
    extra: z
      .array(ExtraInputSchema)
      .max(16)
      .default([])
      .describe("Inputs besides the image, e.g. PaddleDetection's scale_factor and im_shape."),
  })
  .superRefine((input, ctx) => {
    if (input.dtype === 'uint8') {
      // The tensor holds the pixels themselves: a declared normalisation would be silently ignored.
      const identity =
        (input.scale === 1 || input.scale === 1 / 255) && input.mean.every((v) => v === 0) && input.std.every((v) => v === 1);
      if (!identity)
        ctx.addIssue({
          code: 'custom',
          path: ['dtype'],
          message: 'input.dtype uint8 feeds the raw 0..255 pixels: scale, mean and std do not apply',
        });
    }
    if (input.channels === 3) {
      for (const key of ['mean', 'std'] as const) {
        if (input[key].length !== 3)
          ctx.addIssue({ code: 'custom', path: [key], message: `input.${key} must be a list of 3 numbers for a 3-channel input` });
      }
    }
    const names = input.extra.map((e) => e.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i || n === input.name)
        ctx.addIssue({ code: 'custom', path: ['extra', i, 'name'], message: `input ${n} is fed twice` });
    });
    const imageSized = typeof input.resize !== 'string';
    for (const key of ['width', 'height'] as const) {
      if (!imageSized && input[key] === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: `input.${key} is required with resize ${String(input.resize)}` });
      if (imageSized && input[key] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `input.${key} does not apply with resize longest_side_max: the input size follows each image`,
        });
    }
  });

export type ModelInput = z.output<typeof ModelInputSchema>;
type ImageSizedResize = z.output<typeof ImageSizedResizeSchema>;

/** Python's round(): half to even, as PaddleOCR's `round(resize_h / 32) * 32`. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * The tensor of a `{ longest_side_max, multiple_of }` rule for an image of srcWidth×srcHeight:
 * scaled down (never up) so its longest side is at most longest_side_max, sides truncated to
 * whole pixels, then each rounded to the nearest multiple_of (half to even, at least one
 * multiple): PaddleOCR's DetResizeForTest with limit_type "max".
 */
export function imageSizedTensor(rule: ImageSizedResize, srcWidth: number, srcHeight: number): { width: number; height: number } {
  const longest = Math.max(srcWidth, srcHeight);
  const ratio = longest > rule.longest_side_max ? rule.longest_side_max / longest : 1;
  const m = rule.multiple_of;
  const side = (v: number) => Math.max(roundHalfEven(Math.trunc(v * ratio) / m) * m, m);
  return { width: side(srcWidth), height: side(srcHeight) };
}

/** A fixed-size rule's declared size (the schema makes both present for every fixed rule). */
export function declaredSize(input: Pick<ModelInput, 'width' | 'height' | 'resize'>): { width: number; height: number } {
  if (input.width === undefined || input.height === undefined)
    throw new Error(`resize ${String(input.resize)} needs input.width and input.height`);
  return { width: input.width, height: input.height };
}

/**
 * The model-input tensor's spatial size for an image of srcWidth×srcHeight under a model's input
 * spec: the declared size for the fixed rules (stretch, letterbox and pad-right all fill it), the
 * image-dependent size for longest_side_max.
 */
export function modelInputSize(input: ModelInput, srcWidth: number, srcHeight: number): { width: number; height: number } {
  return typeof input.resize === 'string' ? declaredSize(input) : imageSizedTensor(input.resize, srcWidth, srcHeight);
}

/**
 * The model-input tensor's size for an image of width×height, from the input spec the bench file
 * recorded; null when the file does not say how the model resizes (files written before resize
 * rules were recorded), and the planner then falls back to the whole-pipeline model.
 */
export function modelInputSizeOf(model: BenchModel, width: number, height: number): { width: number; height: number } | null {
  // The recorded spec is the model's input spec plus its output format (see createAdapter's inputSpec).
  const { output: _, ...input } = model.input;
  const parsed = ModelInputSchema.safeParse(input);
  return parsed.success ? modelInputSize(parsed.data, width, height) : null;
}
