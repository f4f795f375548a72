import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { quoteField } from './escape.js';
import { UserError } from './errors.js';

/**
 * Where a path named in a file may lead. Workload files come from pull requests, so a path
 * they name (trace, bench file, suite model, images_dir) must resolve, after symlinks, inside
 * the folder of the file that names it, the working directory, or a folder the policy allows
 * (--allow-path). A file named on the command line is held to its own folder the same way, so a
 * symlinked workload cannot lead out of the repository either.
 */
export interface PathPolicy {
  /** Folders besides those two where a named path may lead, absolute. */
  readonly allowedDirs: readonly string[];
}

/** No folder besides the naming file's and the working directory. */
export const OWN_FOLDERS_ONLY: PathPolicy = { allowedDirs: [] };

/** The policy of a command run: its --allow-path folders, resolved against the working directory. */
export function pathPolicy(allowPath: readonly string[] | undefined): PathPolicy {
  return { allowedDirs: (allowPath ?? []).map((d) => resolve(d)) };
}

async function real(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return resolve(path);
  }
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Resolves `named` against the folder of `namingFile` (or takes it as a command-line path when
 * `namingFile` is undefined) and checks where it leads. Returns the absolute path to read; throws
 * a UserError without location (callers add the key's line) naming the path, never its contents.
 */
export async function confinePath(named: string, namingFile: string | undefined, policy: PathPolicy): Promise<string> {
  const abs = namingFile === undefined ? resolve(named) : resolve(dirname(namingFile), named);
  const roots = await Promise.all([
    real(namingFile === undefined ? dirname(abs) : dirname(resolve(namingFile))),
    real(process.cwd()),
    ...policy.allowedDirs.map(real),
  ]);
  // A missing file is checked as written (the reader then says "not found"); an existing one after symlinks.
  const target = await real(abs);
  if (!roots.some((root) => inside(target, root))) {
    if (namingFile === undefined) {
      throw UserError.at(
        named,
        "is a symbolic link leading outside its own folder and the working directory; allow its target's folder with --allow-path DIR",
      );
    }
    throw new UserError(
      `path ${quoteField(named, 200)} leads outside the folder of the file naming it and the working directory; allow its folder with --allow-path DIR`,
    );
  }
  return abs;
}
