import sharp from 'sharp';
import { UserError } from '../../core/errors.js';
import { MAX_INPUT_PIXELS, sharpFor } from '../images/guard.js';
import { float32ToFloat16Bits } from './float16.js';
import type { DecodedImage } from './types.js';

/**
 * The adapter's pixel work: decode encoded bytes to raw RGB, resize raw pixels with sharp,
 * and fill an input tensor in one pass over the pixels (typed arrays only; this runs per sample).
 */

/**
 * Encoded bytes → raw interleaved RGB uint8. An undecodable image is a UserError naming it; one
 * whose header claims more than MAX_INPUT_PIXELS is refused before decoding (sharpFor), the same
 * limit the image loader and the generator use.
 */
export async function decodeToRgb(bytes: Buffer, name = 'image'): Promise<DecodedImage> {
  try {
    const { data, info } = await sharpFor(bytes).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return { data, width: info.width, height: info.height, channels: 3 };
  } catch (err) {
    const message = (err as Error).message;
    if (/pixel limit/i.test(message))
      throw UserError.at(name, `image has more than ${MAX_INPUT_PIXELS / 1e6} megapixels; refused before decoding`);
    throw UserError.at(name, `cannot decode image: ${message.split('\n')[0]}`);
  }
}

/**
 * Raw RGB → raw RGB at width×height (aspect not kept). Bilinear, as cv2.resize's default
 * INTER_LINEAR that PaddleOCR and the YOLO exporters use. Same size: the input is returned as is.
 */
export async function resizeRgb(image: DecodedImage, width: number, height: number): Promise<DecodedImage> {
  if (image.width === width && image.height === height) return image;
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  return { data, width, height, channels: 3 };
}

/** Per-channel affine normalisation: value = (pixel × scale − mean[c]) / std[c], channels in model order. */
export interface Normalisation {
  /** Which source channel (0=R, 1=G, 2=B) feeds model channel 0, 1, 2. */
  order: readonly [number, number, number];
  scale: number;
  /** Per model channel; a grayscale tensor uses the first. */
  mean: readonly number[];
  std: readonly number[];
}

export interface Placement {
  /** The tensor's spatial size. */
  width: number;
  height: number;
  layout: 'NCHW' | 'NHWC';
  /** 1: one luma plane (grayscale models); 3: colour. Default 3. */
  channels?: 1 | 3;
  /** Where the (already resized) image goes in the tensor; the rest is padding. */
  offsetX: number;
  offsetY: number;
  /** Padding as a raw 0..255 pixel value (normalised like a pixel) or, with padRaw, the tensor value itself. */
  padPixel?: number;
  padRaw?: number;
}

/**
 * Fills an input tensor buffer from raw RGB in one pass. Per channel it precomputes a 256-entry
 * lookup table (pixel → normalised value), so the inner loop is a table read and a store. For a
 * float16 input (`out` a Uint16Array) the tables hold float16 bits, so the conversion costs
 * 768 roundings per image, not one per value. A uint8 input (`out` a Uint8Array) gets the raw pixels.
 */
export function fillTensor<T extends Float32Array | Uint16Array | Uint8Array>(
  image: DecodedImage,
  norm: Normalisation,
  place: Placement,
  out: T,
): T {
  const { width: W, height: H, layout } = place;
  if (place.channels === 1) return fillGray(image, norm, place, out);
  const plane = W * H;
  const tensor = out;
  const half = tensor instanceof Uint16Array;
  // A uint8 tensor holds the pixels themselves (the spec refuses a normalisation for it).
  const raw = tensor instanceof Uint8Array;
  const encode = (v: number) => (half ? float32ToFloat16Bits(v) : v);
  const luts = [0, 1, 2].map((c) => {
    const lut = half ? new Uint16Array(256) : raw ? new Uint8Array(256) : new Float32Array(256);
    for (let v = 0; v < 256; v++) lut[v] = raw ? v : encode((v * norm.scale - norm.mean[c]!) / norm.std[c]!);
    return lut;
  }) as [T, T, T];
  const covers = place.offsetX === 0 && place.offsetY === 0 && image.width === W && image.height === H;
  if (!covers) {
    for (let c = 0; c < 3; c++) {
      const pad = place.padRaw !== undefined ? encode(place.padRaw) : luts[c]![Math.round(place.padPixel ?? 0)]!;
      if (layout === 'NCHW') tensor.fill(pad, c * plane, (c + 1) * plane);
      else for (let i = c; i < tensor.length; i += 3) tensor[i] = pad;
    }
  }
  const [l0, l1, l2] = luts;
  const [s0, s1, s2] = norm.order;
  const src = image.data;
  const w = Math.min(image.width, W - place.offsetX);
  const h = Math.min(image.height, H - place.offsetY);
  for (let y = 0; y < h; y++) {
    let si = y * image.width * 3;
    const row = (y + place.offsetY) * W + place.offsetX;
    if (layout === 'NCHW') {
      for (let x = 0, di = row; x < w; x++, di++, si += 3) {
        tensor[di] = l0[src[si + s0]!]!;
        tensor[di + plane] = l1[src[si + s1]!]!;
        tensor[di + 2 * plane] = l2[src[si + s2]!]!;
      }
    } else {
      for (let x = 0, di = row * 3; x < w; x++, di += 3, si += 3) {
        tensor[di] = l0[src[si + s0]!]!;
        tensor[di + 1] = l1[src[si + s1]!]!;
        tensor[di + 2] = l2[src[si + s2]!]!;
      }
    }
  }
  return tensor;
}

/** ITU-R 601-2 luma, in 1/1000: what cv2.COLOR_RGB2GRAY and PIL's convert('L') compute. */
const LUMA = [299, 587, 114] as const;

/** A one-channel tensor: each pixel's luma, normalised like a pixel through the first channel's table. */
function fillGray<T extends Float32Array | Uint16Array | Uint8Array>(
  image: DecodedImage,
  norm: Normalisation,
  place: Placement,
  out: T,
): T {
  const { width: W, height: H } = place;
  const half = out instanceof Uint16Array;
  const raw = out instanceof Uint8Array;
  const lut = half ? new Uint16Array(256) : raw ? new Uint8Array(256) : new Float32Array(256);
  for (let v = 0; v < 256; v++) {
    const value = (v * norm.scale - norm.mean[0]!) / norm.std[0]!;
    lut[v] = raw ? v : half ? float32ToFloat16Bits(value) : value;
  }
  const pad =
    place.padRaw !== undefined ? (half ? float32ToFloat16Bits(place.padRaw) : place.padRaw) : lut[Math.round(place.padPixel ?? 0)]!;
  out.fill(pad);
  const src = image.data;
  const w = Math.min(image.width, W - place.offsetX);
  const h = Math.min(image.height, H - place.offsetY);
  for (let y = 0; y < h; y++) {
    let si = y * image.width * 3;
    for (let x = 0, di = (y + place.offsetY) * W + place.offsetX; x < w; x++, di++, si += 3) {
      out[di] = lut[Math.round((LUMA[0] * src[si]! + LUMA[1] * src[si + 1]! + LUMA[2] * src[si + 2]!) / 1000)]!;
    }
  }
  return out;
}

export const RGB_ORDER = [0, 1, 2] as const;
export const BGR_ORDER = [2, 1, 0] as const;
