import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { UserError } from '../core/errors.js';
import { readUserFileBytes } from '../core/files.js';
import { confinePath, OWN_FOLDERS_ONLY } from '../core/paths.js';
import { checkImageBytes, readImageHeader } from '../workload/limits.js';
import type { LoadtestResult } from '../contracts/loadtest.js';
import { mean } from './stats.js';

/** What a load test sends: image bytes, or S3 object references the service reads itself. */
export type ImageSource =
  | {
      kind: 'bytes';
      location: string;
      images: Array<{ file: string; bytes: Buffer; width: number; height: number; sizeMb: number; format: string }>;
    }
  | { kind: 's3'; location: string; bucket: string; objects: Array<{ key: string; sizeMb: number; format: string }> };

/** Files looked at: the service's two formats and the ones people mistake for them, which are named and refused. */
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif', '.bmp', '.svg', '.heic']);
/** As many images as `--s3` lists. */
const MAX_IMAGES = 1_000;
/** Bytes held in memory for the whole test: 1,000 images of 4 MB would be 4 GB. */
const MAX_TOTAL_BYTES = 512 * 1024 * 1024;

async function imageNames(dir: string): Promise<string[]> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw UserError.at(dir, '--images: folder not found');
  }
  if (!info.isDirectory()) throw UserError.at(dir, '--images: not a folder');
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && !e.name.startsWith('.') && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort();
  if (names.length === 0) throw UserError.at(dir, '--images: no .jpg, .jpeg or .png files');
  if (names.length > MAX_IMAGES) throw UserError.at(dir, `--images: ${names.length} images; at most ${MAX_IMAGES} are sent`);
  return names;
}

/**
 * Every image in `dir`, each checked against the service's limits before anything is sent or
 * started: it stays inside the folder (a symbolic link out of it is refused), is JPEG or PNG by
 * its magic bytes, under the bytes limit, and of a size and aspect ratio the service takes, all
 * from its header (no decoder: `loadtest` needs only the AWS SDK client).
 */
export async function loadImageBytes(dir: string): Promise<ImageSource & { kind: 'bytes' }> {
  const images: Extract<ImageSource, { kind: 'bytes' }>['images'] = [];
  let totalBytes = 0;
  for (const name of await imageNames(dir)) {
    const file = join(dir, name);
    await confinePath(file, undefined, OWN_FOLDERS_ONLY);
    const bytes = await readUserFileBytes(file, 'image');
    totalBytes += bytes.length;
    if (totalBytes > MAX_TOTAL_BYTES)
      throw UserError.at(dir, `--images: the images add up to more than ${MAX_TOTAL_BYTES / 1024 / 1024} MiB; send fewer`);
    const refusal = checkImageBytes(bytes);
    if (refusal) throw UserError.at(file, `the service would refuse it (${refusal.exception}): ${refusal.message}`);
    const header = readImageHeader(bytes)!;
    images.push({ file, bytes, width: header.width, height: header.height, sizeMb: bytes.length / 1e6, format: header.format });
  }
  return { kind: 'bytes', location: dir, images };
}

/** Mean width/height/MB of what is sent, for the result's image class. */
function imageClass(source: ImageSource): Omit<LoadtestResult['images'], 'source' | 'location' | 'meanObjects'> {
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

/**
 * The image class a load test sent, as its result records it (what a calibration matches against
 * the bench file's conditions): the images, and the mean boxes of the answers that had any.
 */
export function sentImages(source: ImageSource, objectsPerAnswer: readonly number[]): LoadtestResult['images'] {
  return {
    source: source.kind,
    location: source.location,
    ...imageClass(source),
    meanObjects: objectsPerAnswer.length ? mean(objectsPerAnswer) : null,
  };
}

/** s3://bucket/prefix → bucket and prefix (the prefix may be empty). */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new UserError(`--s3: expected s3://bucket/prefix, got '${url.slice(0, 40)}'`);
  return { bucket: m[1]!, prefix: m[2] ?? '' };
}
