import { constants, fstatSync, unlinkSync, type Stats } from 'node:fs';
import { access, lstat, open, readFile, realpath, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { UserError } from './errors.js';

/**
 * Largest input file read whole: 64 MiB. A year of one-minute trace rows is about 16 MB; workload,
 * suite, bench and plan files are kilobytes. The bound keeps a hostile file (or /proc file, which
 * reports size 0) from filling memory, and well under V8's string limit (512 MiB).
 */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

// Opening a FIFO for reading blocks until a writer appears; non-blocking, it opens at once and
// fstat then refuses it. Windows has no such flag (and no FIFOs by path).
const OPEN_READ = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a user-named text file: a regular file of at most `maxBytes` holding UTF-8, else a
 * one-line user error (bytes that are not UTF-8 would otherwise pass silently into names).
 */
export async function readUserFile(path: string, what = 'file', maxBytes = MAX_INPUT_BYTES): Promise<string> {
  return decodeUtf8(await readUserFileBytes(path, what, maxBytes), path, what);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** UTF-8 text, or a user error at the line and column of the first byte that is not UTF-8. */
function decodeUtf8(buf: Buffer, path: string, what = 'file'): string {
  try {
    return strictUtf8.decode(buf);
  } catch {
    const lossy = buf.toString('utf8');
    const at = lossy.indexOf('\uFFFD');
    const before = lossy.slice(0, Math.max(0, at));
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    throw UserError.at(path, `${what} is not valid UTF-8 text`, line, col);
  }
}

/**
 * Reads a regular file of bounded size. One open, then fstat and read on that descriptor, so the
 * file checked is the file read. Devices, FIFOs and sockets are refused before any byte is read,
 * and reading stops one byte past the bound whatever the file claims its size is.
 */
export async function readUserFileBytes(path: string, what = 'file', maxBytes = MAX_INPUT_BYTES): Promise<Buffer> {
  let fh;
  try {
    fh = await open(path, OPEN_READ);
  } catch (err) {
    throw openError(path, what, err);
  }
  try {
    const info = await fh.stat();
    assertRegular(info, path, what);
    if (info.size > maxBytes) throw tooLarge(path, what, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    // The first read asks for the size fstat gave plus one byte, the next for 64 kB (usually
    // just to see the end of the file), later ones for 1 MB, in case the file grew or misstates
    // its size. Sized reads matter: in fixed 1 MB chunks a gate over 100 small workloads would
    // allocate 2 MB per file and spend more time collecting garbage than parsing YAML.
    const chunkBytes = [Math.max(1, info.size + 1), 1 << 16];
    for (let read = 0; ; read++) {
      const chunk = Buffer.allocUnsafe(Math.min(chunkBytes[read] ?? 1 << 20, maxBytes + 1 - total));
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      chunks.push(chunk.subarray(0, bytesRead));
      if (total > maxBytes) throw tooLarge(path, what, maxBytes);
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw UserError.at(path, `cannot read ${what}: ${(err as NodeJS.ErrnoException).code ?? 'read error'}`);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** Opening a cache fails like this when there is none to read, or none we may read: skip it. */
const NO_CACHE = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'ELOOP', 'ENAMETOOLONG']);

/**
 * A cache file's bytes, or null when there is none or it cannot be read (a folder we may not
 * enter, as in a container running as another user): a cache is never needed. What is there is
 * held to readUserFileBytes's rules: a regular file (a FIFO never blocks, /dev/zero is never
 * read) of at most `maxBytes`.
 */
export async function readCacheFile(path: string, what: string, maxBytes: number): Promise<Buffer | null> {
  try {
    const fh = await open(path, OPEN_READ);
    await fh.close();
  } catch (err) {
    if (NO_CACHE.has((err as NodeJS.ErrnoException).code ?? '')) return null;
    throw openError(path, what, err);
  }
  try {
    return await readUserFileBytes(path, what, maxBytes);
  } catch (err) {
    // A FIFO, a device, a folder or a file too large to be one is no cache: skipped, never read.
    if (err instanceof UserError) return null;
    throw err;
  }
}

/** Refuses anything but a regular file: directories, devices, FIFOs and sockets. */
function assertRegular(info: Stats, path: string, what: string): void {
  if (info.isDirectory()) throw UserError.at(path, `is a directory, expected a ${what}`);
  if (!info.isFile()) throw UserError.at(path, `is not a regular file (a device, FIFO or socket), expected a ${what}`);
}

function tooLarge(path: string, what: string, maxBytes: number): UserError {
  return UserError.at(path, `${what} is larger than ${formatBytes(maxBytes)}, the most capacity-plan reads`);
}

function formatBytes(n: number): string {
  return n >= 1 << 30 ? `${n / (1 << 30)} GiB` : `${n / (1 << 20)} MiB`;
}

function openError(path: string, what: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return UserError.at(path, `${what} not found`);
  if (code === 'EISDIR') return UserError.at(path, `is a directory, expected a ${what}`);
  if (code === 'ELOOP') return UserError.at(path, `${what} is a symbolic link loop`);
  return UserError.at(path, `cannot read ${what}: ${code ?? 'open error'}`);
}

/** Device and inode: the identity of a file whatever path (or symlink, or hard link) names it. */
async function identity(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

export interface WriteOptions {
  /** Files the command read: --out naming one of them (after symlinks and hard links) is refused, not overwritten. */
  inputs?: readonly string[];
}

/**
 * The one rule for where an output may go, checked before anything is written (and before a
 * long measurement starts): never one of the run's `inputs`, compared after symlinks and by
 * device and inode (a hard link has another path, the same inode); never through a symbolic link
 * at the output path that leads to a file or a folder (in a checkout a pull request controls, it
 * would replace a file anywhere); never a directory or a read-only file. A link to a device or
 * FIFO (/dev/stdout is one) is written through. Returns what is at the path now, if anything.
 */
export async function checkOutputPath(path: string, opts: WriteOptions = {}): Promise<Stats | undefined> {
  const link = await lstat(path).catch(() => undefined);
  const existing = await stat(path).catch(() => undefined);
  // An input first: the more useful thing to say about a link to one.
  if (existing?.isFile()) await assertNotInput(path, existing, opts.inputs ?? []);
  if (link?.isSymbolicLink() && (!existing || existing.isFile() || existing.isDirectory())) {
    throw UserError.at(path, 'is a symbolic link; refusing to write through it (remove the link or choose another --out)');
  }
  if (!existing) return undefined;
  if (existing.isDirectory()) throw UserError.at(path, 'is a directory; cannot write the output there');
  if (!existing.isFile()) return existing;
  // Mode bits, not access(): root passes access(W_OK) on a file its owner marked read-only.
  const readOnly =
    (existing.mode & 0o222) === 0 ||
    (await access(path, constants.W_OK).then(
      () => false,
      () => true,
    ));
  if (readOnly) throw UserError.at(path, 'is read-only; refusing to replace it');
  return existing;
}

async function assertNotInput(path: string, existing: Stats, inputs: readonly string[]): Promise<void> {
  const id = `${existing.dev}:${existing.ino}`;
  const target = await realpath(path).catch(() => resolve(path));
  for (const input of inputs) {
    const same = (await realpath(input).catch(() => resolve(input))) === target || (await identity(input)) === id;
    if (same) throw UserError.at(path, `is an input of this command (${input}); refusing to overwrite it`);
  }
}

/**
 * Writes an output file. A regular file (new or existing) is written to a temporary name and
 * renamed, so a crash never leaves half a file. An existing device or FIFO (/dev/stdout,
 * /dev/null, a named pipe) is written through, never replaced by a regular file. Refused, with
 * nothing written: whatever checkOutputPath refuses.
 */
export async function writeOutputFile(path: string, contents: string | Buffer, opts: WriteOptions = {}): Promise<void> {
  const existing = await checkOutputPath(path, opts);
  if (existing && !existing.isFile()) return writeThrough(path, contents, existing);
  // Loaded here, not at the top: it installs exit handlers when loaded, and most runs print to stdout.
  const { default: writeFileAtomic } = await import('write-file-atomic');
  try {
    await writeFileAtomic(path, contents);
  } catch (err) {
    throw UserError.at(path, `cannot write: ${(err as NodeJS.ErrnoException).code ?? 'write error'}`);
  }
}

/**
 * For the result of a long measurement (bench, loadtest): writes it like writeOutputFile, and when
 * that fails (a full disk, /dev/full, a folder at the path) keeps it rather than lose it: in a
 * side file in the temporary folder, named in the error, else on stdout. Still exit 2.
 */
export async function writeResultOrKeep(path: string, contents: string, opts: WriteOptions = {}): Promise<void> {
  try {
    return await writeOutputFile(path, contents, opts);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    const side = join(
      tmpdir(),
      `capacity-plan-${process.pid}-${Date.now()}-${basename(path)
        .replace(/[^\w.-]/g, '_')
        .slice(0, 60)}`,
    );
    try {
      await writeFile(side, contents, { flag: 'wx', mode: 0o600 });
      throw UserError.at(path, `${firstProblem(err)}; the result is kept in ${side}`);
    } catch (sideErr) {
      if (sideErr instanceof UserError) throw sideErr;
      await new Promise<void>((done) => process.stdout.write(contents, () => done()));
      throw UserError.at(path, `${firstProblem(err)}; the result was printed to stdout instead`);
    }
  }
}

/** A UserError's message without the path it starts with (the caller names the path again). */
function firstProblem(err: UserError): string {
  return err.problems[0]?.message ?? err.message;
}

async function writeThrough(path: string, contents: string | Buffer, target: Stats): Promise<void> {
  // Our own stdout or stderr (/dev/stdout): write to the stream itself. When it is a socket (as
  // under many process runners) it cannot be opened by path at all (ENXIO).
  for (const [fd, stream] of [
    [1, process.stdout],
    [2, process.stderr],
  ] as const) {
    const own = (() => {
      try {
        return fstatSync(fd);
      } catch {
        return undefined;
      }
    })();
    if (own && own.dev === target.dev && own.ino === target.ino) {
      return new Promise<void>((resolve, reject) => {
        stream.write(contents, (err) =>
          err ? reject(UserError.at(path, `cannot write: ${(err as NodeJS.ErrnoException).code ?? 'write error'}`)) : resolve(),
        );
      });
    }
  }
  let fh;
  try {
    fh = await open(path, 'w');
    await fh.writeFile(contents);
  } catch (err) {
    throw UserError.at(path, `cannot write: ${(err as NodeJS.ErrnoException).code ?? 'write error'}`);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** A held lock on an output file; release() is idempotent and also runs if the process exits. */
export interface FileLock {
  path: string;
  release(): void;
}

/**
 * Takes `<target>.lock` (created exclusively, holding our pid) so two runs never write one result
 * file: the second is refused with one line. A lock whose process is gone (killed, power loss) is
 * stale and taken over.
 */
export async function lockOutputFile(target: string): Promise<FileLock> {
  const path = `${target}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        process.off('exit', release);
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.on('exit', release);
      return { path, release };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw UserError.at(path, `cannot create the lock file: ${code ?? 'error'}`);
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) {
        throw UserError.at(
          target,
          `another capacity-plan bench (pid ${pid}) is writing this result; wait for it, or remove ${path} if it is gone`,
        );
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw UserError.at(path, 'cannot take the lock file');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
