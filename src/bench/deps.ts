import { UserError } from '../errors.js';
import type { ConditionSpec } from './conditions.js';
import { cachedSynthesizeImage, loadImagesDir } from './images/index.js';
import { createSession, describeModelFile, resolveModel, type ModelSpec } from './models/index.js';
import type { BenchDeps, ConditionImages } from './run.js';

/** Distinct images per synthetic condition: samples rotate over them so no single buffer stays hot in a cache. */
export const VARIANTS_PER_CONDITION = 3;

/** Synthetic images of one condition, memoised in-process so two models measuring the same condition share them. */
const memo = new Map<string, Promise<ConditionImages>>();
/** A user's images_dir, read (and checked) once. */
const userImages = new Map<string, Buffer>();

async function synthesize(spec: ConditionSpec): Promise<ConditionImages> {
  const bytes: Buffer[] = [];
  let sizeSum = 0;
  for (let variant = 0; variant < VARIANTS_PER_CONDITION; variant++) {
    const r = await cachedSynthesizeImage({ width: spec.width, height: spec.height, targetSizeMb: spec.targetSizeMb, objects: spec.objects, kind: 'text', variant });
    if ('skipped' in r) return { bytes: [], width: spec.width, height: spec.height, format: 'jpeg', sizeMb: 0, skipped: r.reason };
    bytes.push(r.bytes);
    sizeSum += r.sizeMb;
  }
  return { bytes, width: spec.width, height: spec.height, format: 'jpeg', sizeMb: sizeSum / bytes.length };
}

async function imagesFor(spec: ConditionSpec): Promise<ConditionImages> {
  if (spec.imagePath) {
    const bytes = userImages.get(spec.imagePath);
    if (!bytes) throw UserError.at(spec.imagePath, 'image was not loaded from images_dir');
    return { bytes: [bytes], width: spec.width, height: spec.height, format: spec.format ?? 'unknown', sizeMb: bytes.length / 1e6 };
  }
  const key = `${spec.width}x${spec.height}:${spec.targetSizeMb}:${spec.objects}`;
  let p = memo.get(key);
  if (!p) memo.set(key, (p = synthesize(spec)));
  return p;
}

/** A user's images_dir: one condition per image, its width, height and size read from the file. */
export async function imageDirConditions(dir: string): Promise<ConditionSpec[]> {
  const images = await loadImagesDir(dir);
  return images.map((img) => {
    userImages.set(img.file, img.bytes);
    const name = img.file.slice(img.file.lastIndexOf('/') + 1);
    return { id: name, width: img.width, height: img.height, targetSizeMb: null, objects: 0, imagePath: img.file, format: img.format };
  });
}

/** The model and image parts the harness uses (3b's registry, 3a's images). */
export const benchDeps: BenchDeps = {
  resolveModel: (ref) => resolveModel(ref as string | ModelSpec),
  createSession,
  describeModelFile,
  imagesFor,
};
