import sharp, { type Metadata, type Sharp } from 'sharp';

/**
 * Largest image (width × height) we decode: 100 MP. It covers every camera sensor in common use
 * (medium-format backs top out near 100 MP) and 8K frames (33 MP) three times over, while the
 * decoded RGB frame (300 MB) stays well inside the bench's 1.5 GB memory budget. Anything bigger
 * is refused from its header, before a single pixel is decoded.
 */
export const MAX_INPUT_PIXELS = 100_000_000;

/**
 * A sharp instance for untrusted encoded bytes: refuses more than MAX_INPUT_PIXELS (sharp checks
 * the header before allocating) and fails on corrupt or truncated data instead of returning grey.
 * The adapter's decode() and the image loader both use it, so they agree on what is decodable.
 */
export function sharpFor(bytes: Buffer): Sharp {
  return sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', sequentialRead: true });
}

export interface HeaderInfo {
  width: number;
  height: number;
  format: string;
}

/**
 * Reads width, height and format from the header only (sharp's metadata() does not decode pixels).
 * Returns a reason string instead of throwing, so callers can name the file in their own error.
 */
export async function readHeader(bytes: Buffer): Promise<HeaderInfo | { problem: string }> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    return { problem: `not a decodable image (${firstLine(err)})` };
  }
  const { width, height, format } = meta;
  if (!width || !height || !format) return { problem: 'not a decodable image (no dimensions in its header)' };
  const pixels = width * height;
  if (pixels > MAX_INPUT_PIXELS) {
    return {
      problem: `header claims ${width}x${height} (${(pixels / 1e6).toFixed(0)} MP), more than the ${MAX_INPUT_PIXELS / 1e6} MP limit; refused before decoding`,
    };
  }
  // Stored dimensions, as the decoder produces them (no EXIF auto-rotation anywhere in the pipeline).
  return { width, height, format };
}

export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.trim();
}
