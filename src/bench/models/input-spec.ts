import * as z from 'zod';

/**
 * The input half of a model spec (spec.ts): how an image becomes the model's input tensor. Its own
 * module because a bench result file records it and plans read it (read-result.ts) without the
 * rest of the spec's schemas, which only bench and inspect need.
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

/** Resize rules whose tensor has the declared input.width × input.height (see resize.ts). */
const FIXED_RESIZE_MODES = ['stretch', 'letterbox', 'pad-right'] as const;

/** A tensor that follows each image (dynamic-shape detectors, e.g. DBNet): see resize.ts. */
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
