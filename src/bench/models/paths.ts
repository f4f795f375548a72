import { isAbsolute, relative } from 'node:path';

/** A path for messages: relative to the working directory when inside it, else as is. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
