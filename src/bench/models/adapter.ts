import { Tensor } from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { UserError } from '../../core/errors.js';
import { decodeWithLimits, outputsRead, shapeProblem, withBatch, type DecodeContext } from './decoders.js';
import { float32ToFloat16Bits } from './float16.js';
import { BGR_ORDER, decodeToRgb, fillTensor, resizeRgb, RGB_ORDER, type Placement } from './image.js';
import { PlausibilityWatch } from './plausibility.js';
import { placeImage, type ImagePlacement } from './resize.js';
import type { ExtraInput } from './spec.js';
import type { DecodedImage, ModelAdapter, ModelOutput, Prepared, ResolvedModel } from './types.js';

export type { ResolvedModel } from './types.js';

/** Element types an extra input may have, with the typed array that carries its values. */
const EXTRA_TYPES = {
  float32: (v: number[]) => Float32Array.from(v),
  float16: (v: number[]) => Uint16Array.from(v, float32ToFloat16Bits),
  int32: (v: number[]) => Int32Array.from(v, Math.round),
  int64: (v: number[]) => BigInt64Array.from(v, (x) => BigInt(Math.round(x))),
} as const;
type ExtraType = keyof typeof EXTRA_TYPES;

/** An extra input's values for one image (scale_factor and im_shape in PaddleDetection's [height, width] order). */
function extraInputValues(extra: ExtraInput, place: ImagePlacement): number[] {
  if (extra.value === 'scale_factor') return [place.scaleY, place.scaleX];
  if (extra.value === 'im_shape') return [place.height, place.width];
  return extra.value;
}

/** The one adapter: every model, built-in or the user's, is fed and read as its spec declares (see docs/models.md). */
export function createAdapter(model: ResolvedModel): ModelAdapter {
  const { spec, file } = model;
  const { input, output } = spec;
  let inputName = input.name ?? 'input';
  let outputNames: readonly string[] = [];
  // Exporters may leave the batch dimension out ([3, H, W]); learnt from the model in onSession.
  let batched = true;
  let extras: Array<{ extra: ExtraInput; type: ExtraType; dims: number[] }> = [];
  const channels = input.channels;
  const tensorDims = (width: number, height: number) => {
    const dims = input.layout === 'NCHW' ? [channels, height, width] : [height, width, channels];
    return batched ? [1, ...dims] : dims;
  };
  const norm = { order: input.color === 'RGB' ? RGB_ORDER : BGR_ORDER, scale: input.scale, mean: input.mean, std: input.std };
  // pad-right pads with 0 in the tensor itself (PaddleOCR's zero padding after normalisation); letterbox with a pixel value.
  const pad = input.resize === 'pad-right' ? { padRaw: 0 } : { padPixel: input.pad_value };
  const plausibility = new PlausibilityWatch();
  return {
    name: spec.name,
    task: spec.task,
    source: model.source,
    modelPath: spec.path,
    resolved: model,
    inputSpec: { ...input, output: output.format },
    plausibility,
    decode: (bytes: Buffer, name?: string) => decodeToRgb(bytes, name),
    async preprocess(image: DecodedImage): Promise<Prepared> {
      const place = placeImage(image.width, image.height, input);
      const resized = await resizeRgb(image, place.width, place.height);
      const { tensorWidth: width, tensorHeight: height } = place;
      const at: Placement = { width, height, layout: input.layout, channels, offsetX: place.offsetX, offsetY: place.offsetY, ...pad };
      const size = channels * width * height;
      const dims = tensorDims(width, height);
      const tensor =
        input.dtype === 'float16'
          ? new Tensor('float16', fillTensor(resized, norm, at, new Uint16Array(size)), dims)
          : input.dtype === 'uint8'
            ? new Tensor('uint8', fillTensor(resized, norm, at, new Uint8Array(size)), dims)
            : new Tensor('float32', fillTensor(resized, norm, at, new Float32Array(size)), dims);
      const feeds: Record<string, Tensor> = { [inputName]: tensor };
      for (const { extra, type, dims: extraDims } of extras)
        feeds[extra.name] = new Tensor(type, EXTRA_TYPES[type](extraInputValues(extra, place)), extraDims);
      return { feeds, meta: place };
    },
    postprocess(outputs: InferenceSession.OnnxValueMapType, meta: unknown): ModelOutput {
      const place = meta as ImagePlacement;
      const ctx: DecodeContext = {
        file,
        inputWidth: place.tensorWidth,
        inputHeight: place.tensorHeight,
        outputNames,
        imageBatched: batched,
      };
      const decoded = decodeWithLimits(outputs, output, ctx, place);
      plausibility.see(decoded.output, {
        classCount: decoded.classCount,
        cap: decoded.cap,
        imageWidth: place.srcWidth,
        imageHeight: place.srcHeight,
      });
      return decoded.output;
    },
    onSession(session: InferenceSession): void {
      const inputs = session.inputMetadata;
      const meta =
        input.name === undefined
          ? inputs.find((m) => !input.extra.some((e) => e.name === m.name))
          : inputs.find((m) => m.name === input.name);
      if (meta === undefined)
        throw UserError.at(
          file,
          `the model has no input ${input.name ?? '(none at all)'} (inputs: ${session.inputNames.join(', ') || 'none'})`,
        );
      inputName = meta.name;
      // A fixed-size rule declares the tensor's height and width; with longest_side_max they follow
      // each image (null here), so the model must leave them symbolic.
      const h = input.height ?? null;
      const w = input.width ?? null;
      const spatial = input.layout === 'NCHW' ? [channels, h, w] : [h, w, channels];
      if (meta.isTensor) {
        if (meta.type !== input.dtype)
          throw UserError.at(file, `input ${meta.name} is ${meta.type}, but the spec says dtype ${input.dtype}`);
        const shape = meta.shape;
        batched = shape.length !== 3;
        const expected = batched ? [1, ...spatial] : spatial;
        // The batch dimension may be 1 or symbolic (N, batch, -1); we always feed one image.
        const fits =
          shape.length === expected.length &&
          shape.every((d, i) => typeof d !== 'number' || d < 0 || d === expected[i] || (batched && i === 0 && d === 1));
        if (!fits) {
          const declared =
            w !== null && h !== null
              ? `[${expected.join(', ')}] (${input.layout}, ${w}x${h})`
              : `[${expected.map((d) => d ?? '?').join(', ')}] (${input.layout}, height and width following each image)`;
          throw UserError.at(file, `input ${meta.name} is [${shape.join(', ')}], but the spec declares ${declared}`);
        }
      }
      extras = input.extra.map((extra) => {
        const m = inputs.find((i) => i.name === extra.name);
        if (m === undefined)
          throw UserError.at(file, `input.extra: the model has no input ${extra.name} (inputs: ${session.inputNames.join(', ')})`);
        if (!m.isTensor || !Object.hasOwn(EXTRA_TYPES, m.type))
          throw UserError.at(
            file,
            `input.extra: input ${extra.name} is ${m.isTensor ? m.type : 'not a tensor'}; extra inputs may be ${Object.keys(EXTRA_TYPES).join(', ')}`,
          );
        const count = extra.value === 'scale_factor' || extra.value === 'im_shape' ? 2 : extra.value.length;
        // Symbolic dimensions are the batch: one image. A rank-less shape takes the values as a list.
        const dims = m.shape.length === 0 && count !== 1 ? [count] : m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : 1));
        const elements = dims.reduce((a, b) => a * b, 1);
        if (elements !== count)
          throw UserError.at(
            file,
            `input.extra: input ${extra.name} is [${m.shape.join(', ')}] (${elements} values), but ${Array.isArray(extra.value) ? 'the spec gives' : `${String(extra.value)} is`} ${count}`,
          );
        return { extra, type: m.type as ExtraType, dims };
      });
      const fed = new Set([inputName, ...input.extra.map((e) => e.name)]);
      const unfed = session.inputNames.filter((n) => !fed.has(n));
      if (unfed.length > 0)
        throw UserError.at(
          file,
          `the model also takes input ${unfed.join(', ')}: declare ${unfed.length > 1 ? 'them' : 'it'} under input.extra (a constant, scale_factor or im_shape)`,
        );
      outputNames = session.outputNames;
      const names = outputsRead(output, session.outputNames);
      for (const name of names) {
        if (name !== undefined && !session.outputNames.includes(name)) {
          throw UserError.at(
            file,
            `output format ${output.format}: the model has no output ${name} (outputs: ${session.outputNames.join(', ')})`,
          );
        }
      }
      const byName = new Map(session.outputMetadata.map((m) => [m.name, m]));
      const shapes = names
        .filter((n): n is string => n !== undefined)
        .map((n) => {
          const m = byName.get(n);
          return m?.isTensor
            ? withBatch(
                output.format,
                m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : null)),
                batched,
              )
            : [];
        });
      if (shapes.some((s) => s.length === 0)) return; // unknown rank: checked on the first real output
      const problem = shapeProblem(output, { inputWidth: w, inputHeight: h }, shapes);
      if (problem !== null) throw UserError.at(file, problem);
    },
  };
}
