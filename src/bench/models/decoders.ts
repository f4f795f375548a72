import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { UserError } from '../../core/errors.js';
import { blazeface } from './decoders/blazeface.js';
import { boxesLabels } from './decoders/boxes-labels.js';
import { boxesScored } from './decoders/boxes-scored.js';
import type { BoxMapping, DecodeContext, Decoded, Dim, OutputDecoder } from './decoders/common.js';
import { db } from './decoders/db.js';
import { logits } from './decoders/logits.js';
import { nanodet } from './decoders/nanodet.js';
import { ssd } from './decoders/ssd.js';
import { ssdPriors } from './decoders/ssd-priors.js';
import { tfod } from './decoders/tf-od.js';
import { yoloFastestV2 } from './decoders/yolo-fastestv2.js';
import { yolov5 } from './decoders/yolov5.js';
import { yolov8 } from './decoders/yolov8.js';
import { yolox } from './decoders/yolox.js';
import { yunet } from './decoders/yunet.js';
import type { ModelOutputSpec, OutputFormat } from './spec.js';
import type { ModelOutput } from './types.js';

export type { BoxMapping, DecodeContext, Decoded, FormatProposal, GraphFacts, OutputDecoder } from './decoders/common.js';
/**
 * The output decoders, one module per declared output format (decoders/), in one typed map: the
 * compiler insists every format in OUTPUT_FORMATS has its shapes, its decoding and its proposal.
 */
export const DECODERS: { readonly [F in OutputFormat]: OutputDecoder } = {
  logits,
  yolov5,
  yolov8,
  yolox,
  ssd,
  'ssd-priors': ssdPriors,
  db,
  'tf-od': tfod,
  'boxes-scored': boxesScored,
  'boxes-labels': boxesLabels,
  nanodet,
  yunet,
  blazeface,
  'yolo-fastestv2': yoloFastestV2,
};

/**
 * The order inspect asks the formats in: the most specific shapes first (named outputs, grids that
 * must match the input size), the catch-alls (any 3-D rows, any score vector) last.
 */
export const PROPOSAL_ORDER: readonly OutputFormat[] = [
  'tf-od',
  'boxes-labels',
  'yunet',
  'blazeface',
  'yolo-fastestv2',
  'nanodet',
  'ssd-priors',
  'ssd',
  'db',
  'boxes-scored',
  'yolox',
  'yolov8',
  'yolov5',
  'logits',
];

/** The outputs a format reads, in the order shapeProblem and the decoders take them. */
export function outputsRead(spec: ModelOutputSpec, outputNames: readonly string[]): Array<string | undefined> {
  return DECODERS[spec.format].outputsRead(spec, outputNames);
}

/**
 * Why a set of output shapes does not fit the declared format, or null when it fits. Symbolic
 * dimensions (null) are accepted; called on the model's metadata at session creation and on
 * every real output. An input size of null (a tensor sized by each image) is checked per image.
 */
export function shapeProblem(
  spec: ModelOutputSpec,
  ctx: { inputWidth: number | null; inputHeight: number | null },
  shapes: readonly (readonly Dim[])[],
): string | null {
  return DECODERS[spec.format].shapeProblem(spec, ctx, shapes);
}

/**
 * A model whose image input has no batch dimension may give its YOLO and SSD outputs one dimension
 * less ([4+C, N], [N, 5+C], [N, 4]): read them as a batch of one. Other formats, and models with a
 * batch dimension, take their shapes as they are (so messages show the real shape).
 */
export function withBatch<D extends number | null>(format: OutputFormat, shape: readonly D[], imageBatched: boolean): readonly (D | 1)[] {
  const batchable = ['yolov5', 'yolov8', 'yolox', 'ssd', 'ssd-priors'].includes(format);
  return !imageBatched && batchable && shape.length === 2 ? [1, ...shape] : shape;
}

function pickOutputs(outputs: InferenceSession.OnnxValueMapType, spec: ModelOutputSpec, ctx: DecodeContext): Tensor[] {
  const tensors: Tensor[] = [];
  for (const name of outputsRead(spec, ctx.outputNames)) {
    const t = name === undefined ? undefined : (outputs[name] as Tensor | undefined);
    if (t === undefined)
      throw UserError.at(
        ctx.file,
        `output format ${spec.format}: the model has no output ${name ?? '#' + (tensors.length + 1)} (outputs: ${ctx.outputNames.join(', ')})`,
      );
    tensors.push(t);
  }
  return tensors;
}

/** Decodes one image's outputs according to the declared format, with what the plausibility check needs. */
export function decodeWithLimits(
  outputs: InferenceSession.OnnxValueMapType,
  spec: ModelOutputSpec,
  ctx: DecodeContext,
  map: BoxMapping,
): Decoded {
  const tensors = pickOutputs(outputs, spec, ctx);
  const problem = shapeProblem(
    spec,
    ctx,
    tensors.map((t) => withBatch(spec.format, t.dims, ctx.imageBatched ?? true)),
  );
  if (problem !== null) throw UserError.at(ctx.file, problem);
  return DECODERS[spec.format].decode(tensors, spec, ctx, map);
}

/** Decodes one image's outputs according to the declared format. */
export function decodeOutputs(
  outputs: InferenceSession.OnnxValueMapType,
  spec: ModelOutputSpec,
  ctx: DecodeContext,
  map: BoxMapping,
): ModelOutput {
  return decodeWithLimits(outputs, spec, ctx, map).output;
}
