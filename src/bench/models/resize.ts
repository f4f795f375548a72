import { declaredSize, imageSizedTensor } from '../../contracts/model-input.js';
import type { BoxMapping } from './decoders.js';
import type { ModelInputSpec } from './spec.js';

/**
 * How an image of srcWidth×srcHeight becomes the model's input tensor, one rule per `input.resize`
 * (sizes and placement only; image.ts moves the pixels). Resizing itself is bilinear everywhere.
 *
 * - `stretch`: resized to input.width × input.height, aspect not kept.
 * - `letterbox`: aspect kept, scaled to fit inside input.width × input.height and centred (Ultralytics)
 *   or, with `letterbox_align: top-left`, at the top-left corner (YOLOX, PaddleDetection); the rest
 *   of the tensor is `pad_value` (a 0..255 pixel, normalised like one).
 * - `pad-right`: aspect kept at input.height, width ceil(input.height × aspect) but at most
 *   input.width, placed at the left; the rest of the width is 0 in the tensor (after
 *   normalisation), as PaddleOCR's text classifier and recogniser expect (ClsResizeImg).
 * - `{ longest_side_max, multiple_of }`: the tensor follows the image (contracts/model-input.ts
 *   imageSizedTensor) and the image is stretched to it: PaddleOCR's DetResizeForTest, for
 *   dynamic-shape detectors whose feature maps need sides divisible by their largest stride.
 *
 * The tensor's size alone (what a plan needs) is contracts/model-input.ts modelInputSize.
 */

/** Where the resized image lands in the tensor, and how to map model-input pixels back to the image. */
export interface ImagePlacement extends BoxMapping {
  /** The input tensor's spatial size. */
  tensorWidth: number;
  tensorHeight: number;
  /** The resized image's size; it sits at (offsetX, offsetY) and the rest of the tensor is padding. */
  width: number;
  height: number;
}

/** The image scaled to width×height at the tensor's top left; the tensor is `tensorWidth` wide (wider when padded on the right). */
function stretched(srcWidth: number, srcHeight: number, width: number, height: number, tensorWidth = width): ImagePlacement {
  return {
    tensorWidth,
    tensorHeight: height,
    width,
    height,
    scaleX: width / srcWidth,
    scaleY: height / srcHeight,
    offsetX: 0,
    offsetY: 0,
    srcWidth,
    srcHeight,
  };
}

export function placeImage(srcWidth: number, srcHeight: number, input: ModelInputSpec): ImagePlacement {
  const rule = input.resize;
  if (typeof rule !== 'string') {
    const tensor = imageSizedTensor(rule, srcWidth, srcHeight);
    return stretched(srcWidth, srcHeight, tensor.width, tensor.height);
  }
  const size = declaredSize(input);
  switch (rule) {
    case 'stretch':
      return stretched(srcWidth, srcHeight, size.width, size.height);
    case 'letterbox': {
      const r = Math.min(size.width / srcWidth, size.height / srcHeight);
      const width = Math.max(1, Math.min(size.width, Math.round(srcWidth * r)));
      const height = Math.max(1, Math.min(size.height, Math.round(srcHeight * r)));
      const centred = input.letterbox_align === 'center';
      const offsetX = centred ? Math.floor((size.width - width) / 2) : 0;
      const offsetY = centred ? Math.floor((size.height - height) / 2) : 0;
      return {
        tensorWidth: size.width,
        tensorHeight: size.height,
        width,
        height,
        scaleX: width / srcWidth,
        scaleY: height / srcHeight,
        offsetX,
        offsetY,
        srcWidth,
        srcHeight,
      };
    }
    case 'pad-right': {
      const width = Math.min(size.width, Math.max(1, Math.ceil(size.height * (srcWidth / srcHeight))));
      return stretched(srcWidth, srcHeight, width, size.height, size.width);
    }
  }
}
