import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { readUserFileBytes } from '../../core/files.js';
import { confinePath } from '../../core/paths.js';
import { firstLine, MAX_INPUT_PIXELS, readHeader, sharpFor } from './guard.js';

export { MAX_INPUT_PIXELS, sharpFor };

export interface UserImage {
  file: string;
  bytes: Buffer;
  width: number;
  height: number;
  sizeMb: number;
  format: string;
}

/** Extensions we pick up from an images_dir; other files (notes, .DS_Store) are left alone. */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.avif', '.gif'] as const;

/**
 * The user's own images, in file-name order, each measured from its file: dimensions and format
 * from the header, size from the bytes. Every image is decoded once here, so a corrupt one is named
 * now rather than failing mid-measurement; an over-large one is refused from its header alone.
 */
export async function loadImagesDir(dir: string): Promise<UserImage[]> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw UserError.at(dir, 'images_dir not found');
  }
  if (!info.isDirectory()) throw UserError.at(dir, 'images_dir is not a directory');
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .filter((n) => (IMAGE_EXTENSIONS as readonly string[]).includes(extname(n).toLowerCase()))
    .sort();
  if (names.length === 0) throw UserError.at(dir, `images_dir has no images (${IMAGE_EXTENSIONS.join(', ')})`);

  const images: UserImage[] = [];
  for (const name of names) {
    const file = join(dir, name);
    // A symlink in the folder may not lead out of it (or the working directory): no /dev/zero, no secrets.
    await confinePath(file, undefined);
    const bytes = await readUserFileBytes(file, 'image');
    const header = await readHeader(bytes);
    if ('problem' in header) throw UserError.at(file, header.problem);
    try {
      await sharpFor(bytes).raw().toBuffer();
    } catch (err) {
      throw UserError.at(file, `not a decodable image (${firstLine(err)})`);
    }
    images.push({ file, bytes, width: header.width, height: header.height, sizeMb: bytes.length / 1e6, format: header.format });
  }
  return images;
}
