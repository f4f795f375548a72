import { Tensor } from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { UserError } from '../../core/errors.js';
import { decodeOutputs, shapeProblem, type BoxMapping, type DecodeContext } from './decoders.js';
import { BGR_ORDER, decodeToRgb, fillTensor, resizeRgb, RGB_ORDER } from './image.js';
import type { ModelSpec } from './spec.js';
import type { DecodedImage, ModelAdapter, ModelOutput, Prepared } from './types.js';

/** A user's ONNX model, fed and read as its suite spec declares (see docs/models.md). */

/** Where the image lands in the model input: stretched over all of it, or letterboxed (aspect kept, centred, padded). */
export function placeImage(srcWidth: number, srcHeight: number, input: ModelSpec['input']): BoxMapping & { width: number; height: number } {
  if (input.resize === 'stretch') {
    return { width: input.width, height: input.height, scaleX: input.width / srcWidth, scaleY: input.height / srcHeight, offsetX: 0, offsetY: 0, srcWidth, srcHeight };
  }
  const r = Math.min(input.width / srcWidth, input.height / srcHeight);
  const width = Math.max(1, Math.min(input.width, Math.round(srcWidth * r)));
  const height = Math.max(1, Math.min(input.height, Math.round(srcHeight * r)));
  const offsetX = Math.floor((input.width - width) / 2);
  const offsetY = Math.floor((input.height - height) / 2);
  return { width, height, scaleX: width / srcWidth, scaleY: height / srcHeight, offsetX, offsetY, srcWidth, srcHeight };
}

export function createUserModel(spec: ModelSpec, modelPath: string, file: string): ModelAdapter {
  const { input, output } = spec;
  let inputName = input.name ?? 'input';
  const ctx: DecodeContext = { file, inputWidth: input.width, inputHeight: input.height, outputNames: [] };
  const dims = input.layout === 'NCHW' ? [1, 3, input.height, input.width] : [1, input.height, input.width, 3];
  return {
    name: spec.name,
    task: spec.task,
    source: spec.path,
    modelPath,
    inputSpec: { ...input, output: output.format },
    decode: (bytes: Buffer, name?: string) => decodeToRgb(bytes, name),
    async preprocess(image: DecodedImage): Promise<Prepared> {
      const place = placeImage(image.width, image.height, input);
      const resized = await resizeRgb(image, place.width, place.height);
      const norm = { order: input.color === 'RGB' ? RGB_ORDER : BGR_ORDER, scale: input.scale, mean: input.mean, std: input.std };
      const at = { width: input.width, height: input.height, layout: input.layout, offsetX: place.offsetX, offsetY: place.offsetY, padPixel: input.pad_value };
      const size = 3 * input.width * input.height;
      const tensor =
        input.dtype === 'float16'
          ? new Tensor('float16', fillTensor(resized, norm, at, new Uint16Array(size)), dims)
          : new Tensor('float32', fillTensor(resized, norm, at, new Float32Array(size)), dims);
      return { feeds: { [inputName]: tensor }, meta: place };
    },
    postprocess(outputs: InferenceSession.OnnxValueMapType, meta: unknown): ModelOutput {
      return decodeOutputs(outputs, output, ctx, meta as BoxMapping);
    },
    onSession(session: InferenceSession): void {
      const inputs = session.inputMetadata;
      const meta = input.name === undefined ? inputs[0] : inputs.find((m) => m.name === input.name);
      if (meta === undefined) throw UserError.at(file, `the model has no input ${input.name ?? '(none at all)'} (inputs: ${session.inputNames.join(', ') || 'none'})`);
      inputName = meta.name;
      if (meta.isTensor) {
        if (meta.type !== input.dtype) throw UserError.at(file, `input ${meta.name} is ${meta.type}, but the spec says dtype ${input.dtype}`);
        const shape = meta.shape;
        const fits = shape.length === 4 && shape.every((d, i) => typeof d !== 'number' || d === dims[i] || (i === 0 && d === 1));
        if (!fits) {
          const declared = `[${dims.join(', ')}] (${input.layout}, ${input.width}x${input.height})`;
          throw UserError.at(file, `input ${meta.name} is [${shape.join(', ')}], but the spec declares ${declared}`);
        }
      }
      ctx.outputNames = session.outputNames;
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
      const problem = shapeProblem(output, ctx, shapes);
      if (problem !== null) throw UserError.at(file, problem);
    },
  };
}
