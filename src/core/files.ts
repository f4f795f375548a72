import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { UserError } from './errors.js';

/** Reads a user-named text file, turning missing files and directories into one-line user errors. */
export async function readUserFile(path: string, what = 'file'): Promise<string> {
  const buf = await readUserFileBytes(path, what);
  return buf.toString('utf8');
}

export async function readUserFileBytes(path: string, what = 'file'): Promise<Buffer> {
  // One read, errors mapped from its code: no stat first, so nothing can change in between.
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw UserError.at(path, `${what} not found`);
    if (code === 'EISDIR') throw UserError.at(path, `is a directory, expected a ${what}`);
    throw UserError.at(path, `cannot read ${what}: ${code ?? String(err)}`);
  }
}

/** Writes a temporary file next to `path`, then renames it, so a crash never leaves half a file. */
export async function writeOutputFile(path: string, contents: string | Buffer): Promise<void> {
  try {
    await writeFileAtomic(path, contents);
  } catch (err) {
    throw UserError.at(path, `cannot write: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
