/**
 * The service's limits on a single image, in one table, and the checks that apply it: to a
 * workload's image classes (the planner), to the bytes `serve` receives and to the images
 * `loadtest --images` would send. Sources:
 * - Rekognition Custom Labels developer guide, "Guidelines and quotas" (DetectCustomLabels):
 *   PNG or JPEG; image bytes "4 MB"; S3 objects up to 15 MB; each side 64-4096 px; aspect
 *   ratio at most 20:1.
 * - The Rekognition API model (service-2.json, shape ImageBlob): `max: 5242880` bytes, the blob
 *   limit every Rekognition operation shares.
 * The bytes limit enforced is the guide's, read strictly as 4.0 × 10^6 bytes (under it): the
 * lower of the two readings of "4 MB", so an image that passes here passes the service under
 * either, and the same MB (10^6 bytes) as every size in a workload. The 5,242,880 of the model
 * is the other operations' 5 MB and is not Custom Labels' limit.
 * Nothing here imports the workload schema: `serve` and `loadtest` use it without the planner.
 */
interface ImageLimits {
  maxBytes: number; // exclusive: bytes must be under this
  maxS3Mb: number; // inclusive
  minSidePx: number;
  maxSidePx: number;
  maxAspectRatio: number;
  formats: readonly ImageFormat[];
  source: string;
}

type ImageFormat = 'jpeg' | 'png';

const CUSTOM_LABELS: ImageLimits = {
  maxBytes: 4_000_000,
  maxS3Mb: 15,
  minSidePx: 64,
  maxSidePx: 4096,
  maxAspectRatio: 20,
  formats: ['jpeg', 'png'],
  source: 'Rekognition Custom Labels developer guide, guidelines and quotas',
};

const IMAGE_LIMITS: Record<string, ImageLimits | null> = {
  'rekognition-custom-labels': CUSTOM_LABELS,
  // Lookout for Vision's DetectAnomalies is held to the same table: its own limits are not
  // stricter for the sizes people plan with, and the service is past end of support.
  'lookout-for-vision': { ...CUSTOM_LABELS, source: 'assumed equal to Rekognition Custom Labels' },
  custom: null,
};

/** DetectCustomLabels' limits: what `serve` answers by and `loadtest` checks before anything bills. */
const DETECT_CUSTOM_LABELS_LIMITS = CUSTOM_LABELS;

interface LimitViolation {
  /** The key of the image class that breaks the limit, for pointing at its line. */
  key: 'size_mb' | 'width' | 'height' | 'source';
  message: string;
}

interface ImageClass {
  width: number;
  height: number;
  size_mb: number;
  source: 'bytes' | 's3';
}

/** Pure check of one image class against its service's limits. */
export function checkImageLimits(service: string, img: ImageClass): LimitViolation[] {
  const lim = IMAGE_LIMITS[service];
  if (!lim) return [];
  const out: LimitViolation[] = [];
  const maxBytesMb = lim.maxBytes / 1e6;
  if (img.source === 'bytes' && img.size_mb >= maxBytesMb) {
    out.push({
      key: 'size_mb',
      message: `${img.size_mb} MB passed as bytes must be under ${maxBytesMb.toFixed(1)} MB (use source: s3 for larger images)`,
    });
  }
  if (img.source === 's3' && img.size_mb > lim.maxS3Mb) {
    out.push({ key: 'size_mb', message: `${img.size_mb} MB exceeds the ${lim.maxS3Mb} MB limit for stored (S3) images` });
  }
  for (const v of sideViolations(lim, img.width, img.height)) out.push({ key: v.side, message: v.message });
  return out;
}

function sideViolations(
  lim: ImageLimits,
  width: number,
  height: number,
): Array<{ side: 'width' | 'height'; message: string; tooLarge: boolean }> {
  const out: Array<{ side: 'width' | 'height'; message: string; tooLarge: boolean }> = [];
  for (const [side, px] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (px < lim.minSidePx || px > lim.maxSidePx)
      out.push({
        side,
        message: `${side} ${px} px is outside the ${lim.minSidePx}-${lim.maxSidePx} px the service accepts`,
        tooLarge: px > lim.maxSidePx,
      });
  }
  const ratio = Math.max(width, height) / Math.min(width, height);
  if (ratio > lim.maxAspectRatio)
    out.push({ side: 'width', message: `aspect ratio ${ratio.toFixed(1)}:1 exceeds ${lim.maxAspectRatio}:1`, tooLarge: false });
  return out;
}

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

/** PNG: the 8-byte signature, then IHDR with width and height (big-endian) at bytes 16 and 20. */
function pngHeader(b: Uint8Array): ImageHeader | null {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length < 24 || sig.some((x, i) => b[i] !== x)) return null;
  if (String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!) !== 'IHDR') return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
}

/** JPEG: SOI, then marker segments up to the first start-of-frame (SOF0-15 but DHT, JPG, DAC), which holds height and width. */
function jpegHeader(b: Uint8Array): ImageHeader | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let i = 2;
  while (i + 3 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    const length = (b[i + 2]! << 8) | b[i + 3]!;
    if (length < 2) return null;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (i + 9 > b.length) return null;
      return { format: 'jpeg', height: (b[i + 5]! << 8) | b[i + 6]!, width: (b[i + 7]! << 8) | b[i + 8]! };
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image or scan data before any frame
    i += 2 + length;
  }
  return null;
}

/** Format and size from the first bytes of a file, without decoding it: null when it is neither JPEG nor PNG (or is cut short). */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  return pngHeader(bytes) ?? jpegHeader(bytes);
}

/** A refusal as the service answers it: the exception's name and why. */
export interface ImageRefusal {
  exception: 'InvalidImageFormatException' | 'ImageTooLargeException' | 'InvalidParameterException';
  message: string;
}

/**
 * What DetectCustomLabels would do with these bytes, from the header alone: format by magic
 * bytes, the bytes limit, each side and the aspect ratio. Null when the service would take it.
 */
export function checkImageBytes(bytes: Uint8Array, lim: ImageLimits = DETECT_CUSTOM_LABELS_LIMITS): ImageRefusal | null {
  if (bytes.length >= lim.maxBytes) {
    return {
      exception: 'ImageTooLargeException',
      message: `image is ${(bytes.length / 1e6).toFixed(2)} MB; DetectCustomLabels takes image bytes under ${(lim.maxBytes / 1e6).toFixed(1)} MB`,
    };
  }
  const header = readImageHeader(bytes);
  if (!header)
    return {
      exception: 'InvalidImageFormatException',
      message: 'Request has unsupported image format: DetectCustomLabels takes PNG or JPEG only',
    };
  if (header.width === 0 || header.height === 0)
    return { exception: 'InvalidImageFormatException', message: 'the image header gives a width or height of 0' };
  const [first] = sideViolations(lim, header.width, header.height);
  if (first)
    return {
      exception: first.tooLarge ? 'ImageTooLargeException' : 'InvalidParameterException',
      message: `image is ${header.width}x${header.height}: ${first.message}`,
    };
  return null;
}
