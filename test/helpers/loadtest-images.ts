import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedSynthesizeImage } from '../../src/bench/images/index.js';

/** Writes `count` synthetic text images (the bench's own generator) into dir/name/ and returns that folder. */
export async function writeTextImages(
  dir: string,
  name: string,
  opts: { width: number; height: number; sizeMb: number; objects: number; count: number },
): Promise<string> {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  for (let variant = 0; variant < opts.count; variant++) {
    const img = await cachedSynthesizeImage({
      width: opts.width,
      height: opts.height,
      targetSizeMb: opts.sizeMb,
      objects: opts.objects,
      kind: 'text',
      variant,
    });
    if ('skipped' in img) throw new Error(`cannot make test image: ${img.reason}`);
    writeFileSync(join(folder, `img-${variant}.jpg`), img.bytes);
  }
  return folder;
}
