import type { PathPolicy } from '../core/paths.js';
import type { ConditionSpec } from './conditions.js';
import { cachedSynthesizeImage, loadImagesDir, type SynthImage } from './images/index.js';

/** Distinct images per synthetic condition: samples rotate over them so no single buffer stays hot in a cache. */
const VARIANTS_PER_CONDITION = 3;

/** The encoded images of one condition, ready to measure. */
export interface ConditionImages {
  bytes: Buffer[];
  width: number;
  height: number;
  format: string;
  /** Mean actual encoded size, MB. */
  sizeMb: number;
  /** Set when the condition cannot be produced (e.g. an impossible size target): skipped with this note. */
  skipped?: string;
}

/**
 * A synthetic condition's variants, from the image disk cache (a few ms each once made). Not kept
 * in memory between conditions: the default sweep's 4K images alone would hold ~250 MB. Variants
 * are made concurrently (before measuring, so this never overlaps a timed sample).
 */
async function synthesize(spec: ConditionSpec): Promise<ConditionImages> {
  const made = await Promise.all(
    Array.from({ length: VARIANTS_PER_CONDITION }, (_, variant) =>
      cachedSynthesizeImage({
        width: spec.width,
        height: spec.height,
        targetSizeMb: spec.targetSizeMb,
        objects: spec.objects,
        kind: 'text',
        variant,
      }),
    ),
  );
  const skipped = made.find((r) => 'skipped' in r);
  if (skipped && 'skipped' in skipped)
    return { bytes: [], width: spec.width, height: spec.height, format: 'jpeg', sizeMb: 0, skipped: skipped.reason };
  const images = made.filter((r): r is SynthImage => !('skipped' in r));
  return {
    bytes: images.map((r) => r.bytes),
    width: spec.width,
    height: spec.height,
    format: 'jpeg',
    sizeMb: images.reduce((a, r) => a + r.sizeMb, 0) / images.length,
  };
}

/** The images a condition is measured on: the user's own image, or synthetic variants. */
export async function imagesFor(spec: ConditionSpec): Promise<ConditionImages> {
  const own = spec.userImage;
  if (own) return { bytes: [own.bytes], width: spec.width, height: spec.height, format: own.format, sizeMb: own.sizeMb };
  return synthesize(spec);
}

/** A user's images_dir: one condition per image, its width, height and size read from the file. */
export async function imageDirConditions(dir: string, paths: PathPolicy): Promise<ConditionSpec[]> {
  const images = await loadImagesDir(dir, paths);
  return images.map((img) => ({
    id: img.file.slice(img.file.lastIndexOf('/') + 1),
    width: img.width,
    height: img.height,
    targetSizeMb: null,
    objects: 0,
    userImage: img,
  }));
}
