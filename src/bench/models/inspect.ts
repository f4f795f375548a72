import { basename, extname, resolve } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { UserError } from '../../core/errors.js';
import type { ModelInspection } from '../../contracts/inspect.js';
import { DECODERS, PROPOSAL_ORDER, type FormatProposal, type GraphFacts } from './decoders.js';
import { readModelGraph, type GraphValue, type ModelGraphInfo } from './onnx-proto.js';
import { displayPath } from './paths.js';
import { findingText } from './plausibility.js';
import { createSession, resolveModel } from './registry.js';
import { ModelSpecSchema, type ModelSpecInput } from './spec.js';
import type { ModelOutput } from './types.js';

/**
 * `capacity-plan inspect MODEL.onnx`: the model's signature, a proposed suite entry with the
 * guesses it rests on and what the file could not tell, and a run of that entry on synthetic
 * images (and the user's photo) to confirm the format fits and the outputs make sense. The output
 * format is proposed by the decoders themselves (decoders/, asked in PROPOSAL_ORDER); the input
 * side comes from the image input's shape and the exporter's metadata.
 */

const IMAGENET = { mean: [0.485, 0.456, 0.406] as [number, number, number], std: [0.229, 0.224, 0.225] as [number, number, number] };
/** The synthetic images inspect runs the entry on: landscape, so letterbox and stretch differ. */
const CHECK_IMAGE = { width: 640, height: 480 };

type Dim = number | string;
const isStatic = (d: Dim | undefined): d is number => typeof d === 'number';
const fmt = (shape: readonly Dim[]) => `[${shape.join(', ')}]`;

interface Proposal {
  entry: ModelSpecInput;
  guesses: string[];
  unknown: string[];
}

interface ImageInput {
  layout: 'NCHW' | 'NHWC';
  channels: 1 | 3;
  batched: boolean;
  batchFixed: boolean;
  h: Dim;
  w: Dim;
}

/** Where the image's channels (3, or 1 for grayscale) are in an input shape, or null. */
function imageLayout(shape: readonly Dim[]): ImageInput | null {
  if (shape.length !== 4 && shape.length !== 3) return null;
  const batched = shape.length === 4;
  const s = batched ? shape.slice(1) : shape;
  const batchFixed = !batched || shape[0] === 1;
  for (const channels of [3, 1] as const) {
    if (s[0] === channels && s[1] !== channels) return { layout: 'NCHW', channels, batched, batchFixed, h: s[1]!, w: s[2]! };
    if (s[2] === channels) return { layout: 'NHWC', channels, batched, batchFixed, h: s[0]!, w: s[1]! };
  }
  return null;
}

/** Ultralytics writes its metadata as Python literals: names `{0: 'person', ...}`, imgsz `[640, 640]`. */
function ultralyticsFacts(meta: Readonly<Record<string, string>>) {
  const isUltralytics = meta.names !== undefined && /ultralytics/i.test(`${meta.author ?? ''} ${meta.description ?? ''}`);
  const size = meta.imgsz?.match(/^\[\s*(\d+)\s*,\s*(\d+)\s*\]$/);
  return { isUltralytics, imgsz: size ? ([Number(size[1]), Number(size[2])] as [number, number]) : undefined, task: meta.task };
}

/** The image input: the first with 3 (or 1) channels where NCHW or NHWC puts them. */
function findImage(model: ModelGraphInfo, file: string): { image: GraphValue; at: ImageInput | null } {
  const image =
    model.inputs.find((i) => imageLayout(i.shape)?.channels === 3) ??
    model.inputs.find((i) => imageLayout(i.shape) !== null) ??
    model.inputs[0];
  if (image === undefined) throw UserError.at(displayPath(file), 'the model has no inputs');
  return { image, at: imageLayout(image.shape) };
}

/** Operators that only move or select values: a head's values pass through them unchanged. */
const LAYOUT_OPS = new Set(['Reshape', 'Transpose', 'Flatten', 'Concat', 'Squeeze', 'Unsqueeze', 'Identity', 'Slice', 'Split', 'Gather']);
/** Bounds the walk back from an output (a graph of up to 200,000 nodes is accepted). */
const MAX_HEAD_WALK = 10_000;

/** The operators an output's values come from, through layout operators only (see GraphFacts.headOps). */
function headOps(model: ModelGraphInfo, output: string): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  const stack = [output];
  while (stack.length > 0 && seen.size < MAX_HEAD_WALK) {
    const value = stack.pop()!;
    if (seen.has(value)) continue;
    seen.add(value);
    const op = model.outputOps[value];
    if (op === undefined || op === 'Constant') continue;
    const inputs = model.producerInputs[value] ?? [];
    if (!LAYOUT_OPS.has(op)) found.add(op);
    // Only Concat joins values; the other layout operators' later inputs are shapes and indices.
    else stack.push(...(op === 'Concat' ? inputs : inputs.slice(0, 1)));
  }
  return [...found].sort();
}

/** The first format that recognises the outputs, in PROPOSAL_ORDER. */
function proposeFormat(facts: GraphFacts): FormatProposal | null {
  for (const format of PROPOSAL_ORDER) {
    const p = DECODERS[format].propose(facts);
    if (p !== null) return p;
  }
  return null;
}

/** The proposed entry: the image input from its shape and the metadata, the output from the decoders' proposals. */
function proposeEntry(model: ModelGraphInfo, file: string): Proposal {
  const guesses: string[] = [];
  const unknown: string[] = [];
  const paddle =
    model.producer.toLowerCase().includes('paddle') ||
    [...model.inputs, ...model.outputs].some((v) => v.shape.some((d) => typeof d === 'string' && d.startsWith('p2o.')));
  const ultra = ultralyticsFacts(model.metadata);
  const name = basename(file, extname(file)).replace(/[^A-Za-z0-9_.-]+/g, '-') || 'model';
  const { image, at } = findImage(model, file);
  const extras = model.inputs.filter((i) => i !== image);
  const declared = at !== null && isStatic(at.w) && isStatic(at.h) ? { width: at.w, height: at.h } : undefined;
  const metaSize = ultra.imgsz ? { height: ultra.imgsz[0], width: ultra.imgsz[1] } : undefined;
  const size = declared ?? metaSize;
  const facts: GraphFacts = {
    outputs: model.outputs,
    inputWidth: size?.width ?? null,
    inputHeight: size?.height ?? null,
    extras,
    metadata: model.metadata,
    paddle,
    imageBatchFixed: at?.batchFixed ?? true,
    headOps: Object.fromEntries(model.outputs.map((o) => [o.name, headOps(model, o.name)])),
    sources: Object.fromEntries(
      model.outputs.map((o) => [
        o.name,
        { op: model.outputOps[o.name] ?? '', from: (model.producerInputs[o.name] ?? []).map((i) => model.outputOps[i] ?? '') },
      ]),
    ),
  };
  const format = proposeFormat(facts);
  const staticSize = declared ?? (format?.task === 'classification' ? textLineSize(at, paddle, format, guesses) : undefined);

  if (at === null)
    unknown.push(
      `input ${image.name} ${fmt(image.shape)}: no dimension of 3 (or 1) channels where NCHW or NHWC puts it; layout assumed NCHW`,
    );
  else
    guesses.push(
      `input ${image.name} ${fmt(image.shape)} is ${at.layout}${at.channels === 1 ? ', one channel (grayscale)' : ''}${at.batched ? '' : ' without a batch dimension'}`,
    );
  if (!['uint8', 'float16', 'float32'].includes(image.dtype))
    unknown.push(`input ${image.name} is ${image.dtype}: capacity-plan feeds float32, float16 or uint8 images`);
  if (format === null)
    unknown.push(
      `the output format: no known export shape in ${model.outputs.map((o) => `${o.name} ${fmt(o.shape)}`).join(', ') || 'no outputs'}`,
    );
  else {
    guesses.push(...format.guesses);
    unknown.push(...format.unknown);
  }
  const task = format?.task ?? 'detection';
  const output = { ...(format?.output ?? {}) } as Record<string, unknown>;
  if (task === 'classification' && model.outputOps[model.outputs[0]?.name ?? ''] === 'Softmax') output.softmax = false;

  const input: Record<string, unknown> = {
    ...(model.inputs.length > 1 ? { name: image.name } : {}),
    ...sizeOf(staticSize, ultra.imgsz, task, format, guesses, unknown),
  };
  input.layout = at?.layout ?? 'NCHW';
  if (at?.channels === 1) input.channels = 1;
  Object.assign(
    input,
    normalisation(
      at,
      image.dtype,
      task,
      format,
      { paddle, ultralytics: ultra.isUltralytics, width: input.width as number | undefined, height: input.height as number | undefined },
      guesses,
      unknown,
    ),
  );
  if (['uint8', 'float16', 'float32'].includes(image.dtype)) input.dtype = image.dtype;
  if (extras.length > 0) input.extra = extraInputs(extras, guesses, unknown);
  if (
    task === 'detection' &&
    format !== null &&
    !['tf-od', 'boxes-scored', 'boxes-labels', 'db'].includes(String(output.format)) &&
    output.score_threshold === undefined
  ) {
    unknown.push('the score and IoU thresholds the model was tuned for (0.25 and 0.45 assumed)');
  }
  const order = [
    'name',
    'width',
    'height',
    'layout',
    'channels',
    'color',
    'scale',
    'mean',
    'std',
    'resize',
    'pad_value',
    'letterbox_align',
    'dtype',
    'extra',
  ];
  const ordered = Object.fromEntries(order.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
  const entry = { name, task, path: file, input: ordered, output } as unknown as ModelSpecInput;
  return { entry, guesses, unknown };
}

/**
 * PaddleOCR's text-line models fix the height and leave the width free; its classifier pads lines
 * to 4 × the height (ClsResizeImg: 3x48x192), which is what a fixed tensor can hold.
 */
function textLineSize(
  at: ImageInput | null,
  paddle: boolean,
  format: FormatProposal,
  guesses: string[],
): { width: number; height: number } | undefined {
  if (!paddle || at === null || isStatic(at.w)) return undefined;
  if (isStatic(at.h)) {
    guesses.push(
      `a PaddlePaddle input of fixed height ${at.h} and free width: a text line, ${4 * at.h}x${at.h} as PaddleOCR's classifier feeds it`,
    );
    return { width: 4 * at.h, height: at.h };
  }
  // PP-OCR's text-direction classifier (0° or 180°) leaves both sides free; its ClsResizeImg feeds 3x48x192.
  if (format.output.num_classes !== 2) return undefined;
  guesses.push(
    "a PaddlePaddle classifier of two classes and free size: PP-OCR's text-direction classifier, fed 192x48 lines (ClsResizeImg)",
  );
  return { width: 192, height: 48 };
}

/** Width, height and resize rule: the static input size, else the exporter's imgsz, else a stated assumption. */
function sizeOf(
  staticSize: { width: number; height: number } | undefined,
  imgsz: [number, number] | undefined,
  task: string,
  format: FormatProposal | null,
  guesses: string[],
  unknown: string[],
): Record<string, unknown> {
  const resize = format?.input?.resize;
  if (staticSize)
    return { ...staticSize, resize: typeof resize === 'string' ? resize : task === 'classification' ? 'stretch' : 'letterbox' };
  if (imgsz) {
    guesses.push(`dynamic input size; the exporter's imgsz metadata says ${imgsz[1]}x${imgsz[0]}`);
    return { width: imgsz[1], height: imgsz[0], resize: task === 'classification' ? 'stretch' : 'letterbox' };
  }
  if (resize !== undefined && typeof resize !== 'string') {
    unknown.push(
      `the input size (dynamic): longest side ${resize.longest_side_max}, sides multiples of ${resize.multiple_of ?? 32} assumed; declare the size the model was trained at`,
    );
    return { resize };
  }
  if (task === 'classification') {
    unknown.push('the input size (dynamic): 224x224 assumed');
    return { width: 224, height: 224, resize: 'stretch' };
  }
  unknown.push('the input size (dynamic): longest side 640, sides multiples of 32 assumed; declare the size the model was trained at');
  return { resize: { longest_side_max: 640, multiple_of: 32 } };
}

interface Family {
  paddle: boolean;
  ultralytics: boolean;
  width: number | undefined;
  height: number | undefined;
}

/** Colour order and normalisation: the family's (from the format's proposal or the exporter), else a guess that says so. */
function normalisation(
  at: ImageInput | null,
  dtype: string,
  task: string,
  format: FormatProposal | null,
  family: Family,
  guesses: string[],
  unknown: string[],
): Record<string, unknown> {
  if (dtype === 'uint8') {
    guesses.push('a uint8 input takes the raw pixels: no normalisation');
    return {};
  }
  const hint = format?.input ?? {};
  const gray = at?.channels === 1;
  const one = <T>(v: readonly T[] | undefined) => (v === undefined ? undefined : gray ? [v[0]!] : v);
  if (hint.scale !== undefined || hint.mean !== undefined) {
    const { resize: _resize, ...norm } = hint;
    return { ...norm, mean: one(norm.mean), std: one(norm.std) };
  }
  if (family.ultralytics) {
    guesses.push('Ultralytics metadata: RGB x/255, no mean or std');
    return { color: 'RGB', scale: 1 / 255, ...(hint.letterbox_align ? { letterbox_align: hint.letterbox_align } : {}) };
  }
  if (family.paddle && task === 'classification') {
    const pad = family.width !== undefined && family.height !== undefined && family.width / family.height >= 3;
    guesses.push(
      `a PaddlePaddle classifier${pad ? ' on text lines, resized as PaddleOCR does (pad-right)' : ''}: PaddleOCR's normalisation, BGR, x/255, mean 0.5, std 0.5`,
    );
    return { color: 'BGR', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], ...(pad ? { resize: 'pad-right' } : {}) };
  }
  if (task === 'classification' && gray && family.width === 28 && family.height === 28) {
    guesses.push(
      "a 28x28 one-channel classifier: an MNIST model, normalised as torchvision's MNIST examples are ((x/255 − 0.1307) / 0.3081)",
    );
    return { scale: 1 / 255, mean: [0.1307], std: [0.3081] };
  }
  if (task === 'classification' && gray) {
    unknown.push('the normalisation: x/255 on the luma assumed (no mean or std)');
    return { scale: 1 / 255, mean: [0], std: [1] };
  }
  if (task === 'classification') {
    unknown.push('the normalisation: ImageNet mean and std on RGB assumed (the most common for classifiers)');
    return { color: 'RGB', scale: 1 / 255, ...IMAGENET };
  }
  unknown.push('the colour order and normalisation (RGB, x/255 assumed)');
  return { color: 'RGB', scale: 1 / 255, ...(gray ? { mean: [0], std: [1] } : {}) };
}

/** Inputs besides the image: PaddleDetection's scale_factor and im_shape by name, anything else a placeholder the user must fill. */
function extraInputs(extras: readonly GraphValue[], guesses: string[], unknown: string[]): Array<{ name: string; value: unknown }> {
  guesses.push(`extra inputs ${extras.map((e) => e.name).join(', ')}`);
  return extras.map((e) => {
    if (/scale_factor/i.test(e.name)) return { name: e.name, value: 'scale_factor' };
    if (/im_shape|image_shape|img_shape/i.test(e.name)) return { name: e.name, value: 'im_shape' };
    const count = Math.min(
      1024,
      e.shape.reduce<number>((n, d) => n * (isStatic(d) ? d : 1), 1),
    );
    unknown.push(`the value of input ${e.name} ${fmt(e.shape)}: ${count} zero(s) as placeholder`);
    return { name: e.name, value: new Array<number>(count).fill(0) };
  });
}

/** Synthetic images with different content (blocks and gradients, noise, dark shapes on grey), so classifiers can disagree and detectors see structure. */
async function checkImages(): Promise<Array<{ name: string; bytes: Buffer }>> {
  const { width, height } = CHECK_IMAGE;
  const painters: Array<[string, (x: number, y: number, i: number) => [number, number, number]]> = [
    ['gradient', (x, y) => [(x * 255) / width, (y * 255) / height, ((x >> 6) + (y >> 6)) % 2 === 0 ? 220 : 30]],
    [
      'noise',
      (_x, _y, i) => {
        const v = (Math.imul(i + 1, 2654435761) >>> 24) & 255;
        return [v, (v * 7) & 255, (v * 13) & 255];
      },
    ],
    ['shapes', (x, y) => ((x - 320) ** 2 + (y - 240) ** 2 < 120 ** 2 ? [40, 30, 20] : y > 360 ? [30, 120, 40] : [200, 200, 210])],
  ];
  return Promise.all(
    painters.map(async ([name, paint]) => {
      const px = Buffer.alloc(width * height * 3);
      for (let y = 0, i = 0; y < height; y++) for (let x = 0; x < width; x++, i++) px.set(paint(x, y, i), i * 3);
      return {
        name: `synthetic ${name} image`,
        bytes: await sharp(px, { raw: { width, height, channels: 3 } })
          .png()
          .toBuffer(),
      };
    }),
  );
}

const problemOf = (err: unknown) =>
  err instanceof UserError
    ? (err.problems[0]?.message ?? err.message)
    : String((err as Error).message ?? err)
        .split('\n')[0]!
        .slice(0, 300);

/** What one output says, in a few words. */
const summary = (out: ModelOutput) =>
  out.kind === 'classification'
    ? `top class ${out.top[0]?.classId ?? '-'} at ${(out.top[0]?.score ?? 0).toFixed(3)}`
    : `${out.detections.length} detection(s) above the threshold`;

/**
 * Runs the entry on the synthetic images (and the user's photo): does the model take the tensor it
 * builds, does the output fit the format, and do the outputs make sense (plausibility.ts)?
 */
async function checkEntry(
  entry: ModelSpecInput,
  modelPath: string,
  photo?: { name: string; bytes: Buffer },
): Promise<{ check: ModelInspection['check']; photoOutput?: ModelOutput }> {
  const parsed = ModelSpecSchema.safeParse({ ...entry, path: modelPath });
  if (!parsed.success)
    return {
      check: {
        ok: false,
        problem: `the entry is incomplete: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      },
    };
  let session;
  try {
    const adapter = await resolveModel(parsed.data);
    session = await createSession(adapter, 1);
    const run = async (img: { name: string; bytes: Buffer }) => {
      const prepared = await adapter.preprocess(await adapter.decode(img.bytes, img.name));
      return adapter.postprocess(await session!.run(prepared.feeds), prepared.meta);
    };
    const images = await checkImages();
    const outputs: ModelOutput[] = [];
    for (const img of images) outputs.push(await run(img));
    // One top class for all the synthetic images is no sign of a wrong entry (a digit classifier
    // sees no digit in any), nor is finding nothing in them: only real photos are asked that.
    const findings = adapter.plausibility.findings();
    adapter.plausibility.reset();
    const photoOutput = photo ? await run(photo) : undefined;
    if (photo)
      findings.push(
        ...adapter.plausibility.findings({ detectionsExpected: true }).map((f) => ({ ...f, example: `${f.example} (${photo.name})` })),
      );
    if (photo) images.push(photo);
    const ran = `the output fits ${parsed.data.output.format}: ${summary(outputs[0]!)}${photoOutput ? `; on ${photo!.name}: ${summary(photoOutput)}` : ''}`;
    if (findings.length > 0) return { check: { ok: false, problem: `${ran}, but ${findings.map(findingText).join('; ')}` }, photoOutput };
    return {
      check: { ok: true, imageWidth: CHECK_IMAGE.width, imageHeight: CHECK_IMAGE.height, images: images.length, summary: ran },
      photoOutput,
    };
  } catch (err) {
    return { check: { ok: false, problem: problemOf(err) } };
  } finally {
    await session?.release().catch(() => undefined);
  }
}

/** Element types a blank probe image can be made of. */
const PROBE_TYPES = { float32: Float32Array, float16: Uint16Array, uint8: Uint8Array } as const;

/**
 * Some exports (torch.onnx without shape inference) leave every output dimension symbolic, so no
 * format could recognise the head. When the image is the only input and its shape is fixed, one
 * run on a blank image gives the real shapes; the guess says so. Any failure leaves the graph as declared.
 */
async function pinSymbolicOutputs(model: ModelGraphInfo, modelPath: string): Promise<{ model: ModelGraphInfo; note?: string }> {
  const [image] = model.inputs;
  const allSymbolic = model.outputs.length > 0 && model.outputs.every((o) => o.shape.length > 0 && !o.shape.some(isStatic));
  if (!allSymbolic || model.inputs.length !== 1 || image === undefined || !Object.hasOwn(PROBE_TYPES, image.dtype)) return { model };
  const at = imageLayout(image.shape);
  if (at === null || !isStatic(at.w) || !isStatic(at.h)) return { model };
  const dims = image.shape.map((d, i) => (isStatic(d) ? d : i === 0 ? 1 : 0));
  if (dims.includes(0)) return { model };
  let session: InferenceSession | undefined;
  try {
    session = await InferenceSession.create(modelPath, { intraOpNumThreads: 1, executionProviders: ['cpu'], logSeverityLevel: 4 });
    const type = image.dtype as keyof typeof PROBE_TYPES;
    const blank = new PROBE_TYPES[type](dims.reduce((a, b) => a * b, 1));
    const out = await session.run({ [image.name]: new Tensor(type, blank, dims) });
    const outputs = model.outputs.map((o) => (out[o.name] ? { ...o, shape: [...out[o.name]!.dims] } : o));
    const note = `every output dimension is symbolic in the file; one run on a blank ${at.w}x${at.h} image gave ${outputs.map((o) => `${o.name} ${fmt(o.shape)}`).join(', ')}`;
    return { model: { ...model, outputs }, note };
  } catch {
    return { model };
  } finally {
    await session?.release().catch(() => undefined);
  }
}

/** Everything `inspect` prints, for a model file named as the user named it; `photo` is the user's own image to try the entry on. */
export async function inspectModel(
  file: string,
  photo?: { name: string; bytes: Buffer },
): Promise<ModelInspection & { photoOutput?: ModelOutput }> {
  const modelPath = resolve(file);
  const declared = await readModelGraph(modelPath);
  const { model, note } = await pinSymbolicOutputs(declared, modelPath);
  const { entry, guesses, unknown } = proposeEntry(model, file);
  if (note !== undefined) guesses.unshift(note);
  const { check, photoOutput } = await checkEntry(entry, modelPath, photo);
  const describe = (v: GraphValue) => ({ name: v.name, dtype: v.dtype, shape: v.shape });
  return {
    file: displayPath(modelPath),
    sizeBytes: model.sizeBytes,
    parameterCount: model.parameterCount,
    opset: model.opset,
    producer: model.producer,
    inputs: model.inputs.map(describe),
    outputs: declared.outputs.map(describe),
    metadata: model.metadata,
    entry: entry as unknown as Record<string, unknown>,
    guesses,
    unknown,
    check,
    ...(photoOutput ? { photoOutput } : {}),
  };
}
