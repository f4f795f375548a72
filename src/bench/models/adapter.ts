import { Tensor } from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { UserError } from '../../core/errors.js';
import { decodeOutputs, shapeProblem, type DecodeContext } from './decoders.js';
import { BGR_ORDER, decodeToRgb, fillTensor, resizeRgb, RGB_ORDER, type Placement } from './image.js';
import { placeImage, type ImagePlacement } from './resize.js';
import type { ModelSpec } from './spec.js';
import type { DecodedImage, ModelAdapter, ModelOutput, Prepared, ResolvedModel } from './types.js';

export type { ResolvedModel } from './types.js';

/**
 * A model ready to open: its checked spec (`path` absolute), where it came from and how to name
 * its file in messages. Plain data, so it can be handed to a worker thread and opened there.
 */
/** The one adapter: every model, built-in or the user's, is fed and read as its spec declares (see docs/models.md). */
export function createAdapter(model: ResolvedModel): ModelAdapter {
  const { spec, file } = model;
  const { input, output } = spec;
  let inputName = input.name ?? 'input';
  let outputNames: readonly string[] = [];
  const tensorDims = (width: number, height: number) => (input.layout === 'NCHW' ? [1, 3, height, width] : [1, height, width, 3]);
  const norm = { order: input.color === 'RGB' ? RGB_ORDER : BGR_ORDER, scale: input.scale, mean: input.mean, std: input.std };
  // pad-right pads with 0 in the tensor itself (PaddleOCR's zero padding after normalisation); letterbox with a pixel value.
  const pad = input.resize === 'pad-right' ? { padRaw: 0 } : { padPixel: input.pad_value };
  return {
    name: spec.name,
    task: spec.task,
    source: model.source,
    modelPath: spec.path,
    resolved: model,
    inputSpec: { ...input, output: output.format },
    decode: (bytes: Buffer, name?: string) => decodeToRgb(bytes, name),
    async preprocess(image: DecodedImage): Promise<Prepared> {
      const place = placeImage(image.width, image.height, input);
      const resized = await resizeRgb(image, place.width, place.height);
      const { tensorWidth: width, tensorHeight: height } = place;
      const at: Placement = { width, height, layout: input.layout, offsetX: place.offsetX, offsetY: place.offsetY, ...pad };
      const size = 3 * width * height;
      const dims = tensorDims(width, height);
      const tensor =
        input.dtype === 'float16'
          ? new Tensor('float16', fillTensor(resized, norm, at, new Uint16Array(size)), dims)
          : new Tensor('float32', fillTensor(resized, norm, at, new Float32Array(size)), dims);
      return { feeds: { [inputName]: tensor }, meta: place };
    },
    postprocess(outputs: InferenceSession.OnnxValueMapType, meta: unknown): ModelOutput {
      const place = meta as ImagePlacement;
      const ctx: DecodeContext = { file, inputWidth: place.tensorWidth, inputHeight: place.tensorHeight, outputNames };
      return decodeOutputs(outputs, output, ctx, place);
    },
    onSession(session: InferenceSession): void {
      const inputs = session.inputMetadata;
      const meta = input.name === undefined ? inputs[0] : inputs.find((m) => m.name === input.name);
      if (meta === undefined) throw UserError.at(file, `the model has no input ${input.name ?? '(none at all)'} (inputs: ${session.inputNames.join(', ') || 'none'})`);
      inputName = meta.name;
      // A fixed-size rule declares the tensor's height and width; with longest_side_max they follow
      // each image (null here), so the model must leave them symbolic.
      const h = input.height ?? null;
      const w = input.width ?? null;
      const expected = input.layout === 'NCHW' ? [1, 3, h, w] : [1, h, w, 3];
      if (meta.isTensor) {
        if (meta.type !== input.dtype) throw UserError.at(file, `input ${meta.name} is ${meta.type}, but the spec says dtype ${input.dtype}`);
        const shape = meta.shape;
        const fits = shape.length === 4 && shape.every((d, i) => typeof d !== 'number' || d === expected[i] || (i === 0 && d === 1));
        if (!fits) {
          const declared =
            w !== null && h !== null
              ? `[${expected.join(', ')}] (${input.layout}, ${w}x${h})`
              : `[${expected.map((d) => d ?? '?').join(', ')}] (${input.layout}, height and width following each image)`;
          throw UserError.at(file, `input ${meta.name} is [${shape.join(', ')}], but the spec declares ${declared}`);
        }
      }
      outputNames = session.outputNames;
      for (const name of [output.boxes, output.scores]) {
        if (output.format === 'ssd' && name !== undefined && !session.outputNames.includes(name)) {
          throw UserError.at(file, `output format ssd: the model has no output ${name} (outputs: ${session.outputNames.join(', ')})`);
        }
      }
      const byName = new Map(session.outputMetadata.map((m) => [m.name, m]));
      const names = output.format === 'ssd' ? [output.boxes ?? session.outputNames[0], output.scores ?? session.outputNames[1]] : [session.outputNames[0]];
      const shapes = names.filter((n): n is string => n !== undefined).map((n) => {
        const m = byName.get(n);
        return m?.isTensor ? m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : null)) : [];
      });
      if (shapes.some((s) => s.length === 0)) return; // unknown rank: checked on the first real output
      const problem = shapeProblem(output, { inputWidth: w, inputHeight: h }, shapes);
      if (problem !== null) throw UserError.at(file, problem);
    },
  };
}
