import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';
import { UserError } from '../core/errors.js';
import { OWN_FOLDERS_ONLY } from '../core/paths.js';
import { loadImagesDir } from '../bench/images/index.js';
import { mean } from '../bench/stats.js';
import { MAX_IMAGE_BYTES } from '../serve/protocol.js';

/** What a load test sends: image bytes, or S3 object references the service reads itself. */
export type ImageSource =
  | { kind: 'bytes'; location: string; images: Array<{ file: string; bytes: Buffer; width: number; height: number; sizeMb: number; format: string }> }
  | { kind: 's3'; location: string; bucket: string; objects: Array<{ key: string; sizeMb: number; format: string }> };

/** DetectCustomLabels reads JPEG and PNG only ("The image must be either a PNG or JPEG formatted file"). */
const SERVICE_FORMATS = new Set(['jpeg', 'png']);

/**
 * Every JPEG/PNG in `dir`, each checked before anything is sent: it stays inside the folder (a
 * symbolic link out of it is refused), decodes, and is under the service's 4.0 MB limit for bytes.
 */
export async function loadImageBytes(dir: string): Promise<ImageSource & { kind: 'bytes' }> {
  const images = await loadImagesDir(dir, OWN_FOLDERS_ONLY);
  const root = await realpath(dir);
  for (const img of images) {
    const real = await realpath(img.file);
    if (!real.startsWith(root + sep)) throw UserError.at(img.file, 'points outside the --images folder; refused');
    if (!SERVICE_FORMATS.has(img.format)) throw UserError.at(img.file, `is ${img.format}; DetectCustomLabels takes JPEG or PNG only`);
    if (img.bytes.length >= MAX_IMAGE_BYTES) {
      throw UserError.at(img.file, `is ${img.sizeMb.toFixed(2)} MB; images sent as bytes must be under 4.0 MB (the service's limit): use --s3 for larger ones`);
    }
  }
  return { kind: 'bytes', location: dir, images };
}

/** Mean width/height/MB of what is sent, for the result's image class. */
export function imageClass(source: ImageSource): { count: number; meanWidth: number | null; meanHeight: number | null; meanSizeMb: number; formats: string[] } {
  if (source.kind === 'bytes') {
    return {
      count: source.images.length,
      meanWidth: mean(source.images.map((i) => i.width)),
      meanHeight: mean(source.images.map((i) => i.height)),
      meanSizeMb: mean(source.images.map((i) => i.sizeMb)),
      formats: [...new Set(source.images.map((i) => i.format))].sort(),
    };
  }
  return {
    count: source.objects.length,
    meanWidth: null,
    meanHeight: null,
    meanSizeMb: mean(source.objects.map((o) => o.sizeMb)),
    formats: [...new Set(source.objects.map((o) => o.format))].sort(),
  };
}

/** s3://bucket/prefix → bucket and prefix (the prefix may be empty). */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new UserError(`--s3: expected s3://bucket/prefix, got '${url}'`);
  return { bucket: m[1]!, prefix: m[2] ?? '' };
}
