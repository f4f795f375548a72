import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { readUserFileBytes } from '../../core/files.js';
import { confinePath, type PathPolicy } from '../../core/paths.js';
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
const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.avif', '.gif'] as const;

/**
 * The user's own images, in file-name order, each measured from its file: dimensions and format
 * from the header, size from the bytes. Every image is decoded once here, so a corrupt one is named
 * now rather than failing mid-measurement; an over-large one is refused from its header alone.
 */
export async function loadImagesDir(dir: string, paths: PathPolicy): Promise<UserImage[]> {
  const names = await imageNames(dir);
  const images: UserImage[] = [];
  for (const name of names) {
    const file = join(dir, name);
    // A symlink in the folder may not lead out of it (or the working directory): no /dev/zero, no secrets.
    await confinePath(file, undefined, paths);
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

/** An images_dir read as a corpus: names relative to the folder; files whose header does not read are skipped, not fatal. */
export interface CorpusFolder {
  images: Array<{ name: string; bytes: Buffer; width: number; height: number; sizeMb: number }>;
  skipped: Array<{ file: string; reason: string }>;
}

/**
 * The folder as a corpus: bytes and header of every image, nothing decoded (a 1,000-image folder
 * would spend its time budget decoding up front; a file that fails to decode when drawn leaves the
 * pool then, see corpus.ts). A file whose header does not read is skipped with its reason; a
 * folder with no readable image at all is an error.
 */
export async function loadCorpusFolder(dir: string, paths: PathPolicy): Promise<CorpusFolder> {
  const names = await imageNames(dir);
  const out: CorpusFolder = { images: [], skipped: [] };
  for (const name of names) {
    // Confined like loadImagesDir's files: a link out of the folder is refused, not read.
    await confinePath(join(dir, name), undefined, paths);
    const bytes = await readUserFileBytes(join(dir, name), 'image');
    const header = await readHeader(bytes);
    if ('problem' in header) out.skipped.push({ file: name, reason: header.problem });
    else out.images.push({ name, bytes, width: header.width, height: header.height, sizeMb: bytes.length / 1e6 });
  }
  if (out.images.length === 0)
    throw UserError.at(
      dir,
      `images_dir has no decodable image (${names.length} file(s) tried; first: ${out.skipped[0]?.file}: ${out.skipped[0]?.reason})`,
    );
  return out;
}

/** The image files of a folder, by name, in name order. */
async function imageNames(dir: string): Promise<string[]> {
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
  return names;
}
