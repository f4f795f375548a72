import { UserError } from '../core/errors.js';
import type { ConditionSpec } from './conditions.js';
import { cachedSynthesizeImage, loadImagesDir, type SynthImage } from './images/index.js';
import { createSession, describeModelFile, resolveModel, type ModelSpec } from './models/index.js';
import type { BenchDeps, ConditionImages } from './run.js';

/** Distinct images per synthetic condition: samples rotate over them so no single buffer stays hot in a cache. */
export const VARIANTS_PER_CONDITION = 3;

/** A user's images_dir, read (and checked) once. */
const userImages = new Map<string, Buffer>();

/**
 * A synthetic condition's variants, from the image disk cache (a few ms each once made). Not kept
 * in memory between conditions: the default sweep's 4K images alone would hold ~250 MB. Variants
 * are made concurrently (before measuring, so this never overlaps a timed sample).
 */
async function synthesize(spec: ConditionSpec): Promise<ConditionImages> {
  const made = await Promise.all(
    Array.from({ length: VARIANTS_PER_CONDITION }, (_, variant) =>
      cachedSynthesizeImage({ width: spec.width, height: spec.height, targetSizeMb: spec.targetSizeMb, objects: spec.objects, kind: 'text', variant }),
    ),
  );
  const skipped = made.find((r) => 'skipped' in r);
  if (skipped && 'skipped' in skipped) return { bytes: [], width: spec.width, height: spec.height, format: 'jpeg', sizeMb: 0, skipped: skipped.reason };
  const images = made.filter((r): r is SynthImage => !('skipped' in r));
  return { bytes: images.map((r) => r.bytes), width: spec.width, height: spec.height, format: 'jpeg', sizeMb: images.reduce((a, r) => a + r.sizeMb, 0) / images.length };
}

async function imagesFor(spec: ConditionSpec): Promise<ConditionImages> {
  if (spec.imagePath) {
    const bytes = userImages.get(spec.imagePath);
    if (!bytes) throw UserError.at(spec.imagePath, 'image was not loaded from images_dir');
    return { bytes: [bytes], width: spec.width, height: spec.height, format: spec.format ?? 'unknown', sizeMb: bytes.length / 1e6 };
  }
  return synthesize(spec);
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

/** A model as a suite names it: a built-in's name or a spec whose `path` is relative to `baseDir` (the suite's folder). */
export interface ModelRef {
  model: string | ModelSpec;
  baseDir: string;
}

/** The model and image parts the harness uses (the model registry, the image generator). */
export const benchDeps: BenchDeps = {
  resolveModel: (ref) => resolveModel((ref as ModelRef).model, (ref as ModelRef).baseDir),
  createSession,
  describeModelFile,
  imagesFor,
};
