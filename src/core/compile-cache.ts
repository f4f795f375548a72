/**
 * Loads the CLI bundle through V8's code cache, so a start after the first skips most of the
 * parsing and compiling (the largest part of a `plan`'s start-up beside Node's own).
 *
 * Node 22.1+ has this built in (`module.enableCompileCache()`), but only for modules loaded after
 * the call and not at all on Node 20, which the project supports. `v8-compile-cache` does it for
 * CommonJS, but keeps the cache V8 made when a file was compiled, before any of its functions ran
 * (so the functions a command runs are compiled again at every start), and keeps it under the
 * shared temporary folder without checking who owns the folder. Here the cache is made when the
 * command has finished, so it holds the functions that command ran, and it lives in a folder only
 * the user can write: a cache file is code this process runs. The bundle is a CommonJS script
 * that loads its optional packages with require(), never import() (see loadBundle).
 *
 * The cache never changes what runs: V8 rejects a cache made by another V8 version or flags, the
 * file name carries the bundle's identity (V8 itself checks only the text's length), and any
 * fault reading or writing it falls back to compiling, silently, as Node's own cache does.
 */
import { closeSync, constants as fsConstants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';

/** A cache file larger than this is not read (the bundle's whole cache is under 2 MB). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Where the code cache lives, or null when it is turned off. The environment variables are Node's
 * own for its compile cache, so one setting governs both: NODE_DISABLE_COMPILE_CACHE turns it off,
 * NODE_COMPILE_CACHE names the folder. Otherwise the platform's per-user cache folder.
 */
export function compileCacheDir(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): string | null {
  if (env['NODE_DISABLE_COMPILE_CACHE']) return null;
  const named = env['NODE_COMPILE_CACHE'];
  if (named) return isAbsolute(named) ? named : null;
  if (platform === 'win32') return env['LOCALAPPDATA'] ? join(env['LOCALAPPDATA'], 'capacity-plan', 'Cache') : null;
  if (!home || !isAbsolute(home)) return null;
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'capacity-plan');
  // The XDG base directory spec ignores a relative XDG_CACHE_HOME.
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.cache'), 'capacity-plan');
}

/**
 * The cache file of one bundle, one V8 and one command: each command caches what it ran. The
 * bundle is named by the hash its build recorded plus the file's size and modification time, so
 * an edited bundle never meets a cache of the old text; hashing the text at every start would
 * cost more than a millisecond.
 */
export function cacheFileName(bundle: BundleIdentity, command: string | undefined): string {
  const build = bundle.buildHash.replace(/[^0-9a-f]/gi, '').slice(0, 16) || 'unknown';
  return `${commandPrefix(command)}${build}.${bundle.sizeBytes}.${Math.round(bundle.mtimeMs)}.v8cache`;
}

/** What the cache files of one command (the first argument, when it is a word) and this V8 start with. */
function commandPrefix(command: string | undefined): string {
  const word = command && /^[a-z]{1,32}(-[a-z]{1,32}){0,3}$/.test(command) ? command : 'none';
  return `capacity-plan-v8-${process.versions.v8.replace(/[^\w.]/g, '_')}-${process.arch}-${word}--`;
}

export interface BundleIdentity {
  /** The hash of the bundle's text, recorded when it was built. */
  buildHash: string;
  sizeBytes: number;
  mtimeMs: number;
}

/**
 * A file or folder the cache may trust: this user owns it and nobody else may write it. Windows
 * has no user ids or mode bits to check (its stat reports every file writable by all); there the
 * folder is the user's own under %LOCALAPPDATA%.
 */
function trusted(stat: { uid: number; mode: number }): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return true;
  return stat.uid === uid && (stat.mode & 0o022) === 0;
}

/** The folder, created private to the user if missing, or null if it is not safe to use. */
function privateDir(dir: string): string | null {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  return stat.isDirectory() && trusted(stat) ? dir : null;
}

/** The cache file's bytes if it is a regular file (not a link) the user owns and only they can write. */
function readTrusted(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0));
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || !trusted(stat) || stat.size > MAX_CACHE_BYTES) return undefined;
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

export type CacheState = 'off' | 'absent' | 'accepted' | 'rejected';

export interface LoadedBundle {
  /** The bundle's `module.exports`. */
  exports: unknown;
  /** What became of the cache: none kept, none yet, used, or refused by V8 (another V8 or flags). */
  cache: CacheState;
  /** Writes the cache when there was none or V8 refused it. Call when the command has run. */
  save(): void;
}

/**
 * Runs a CommonJS bundle like `require` would, compiled from the cache in `cacheDir` when there is
 * a good one. `buildHash` is the hash of the bundle's text its build recorded; `command` names the
 * cache (see cacheFileName).
 */
export function loadBundle(file: string, buildHash: string, cacheDir: string | null, command: string | undefined): LoadedBundle {
  const fd = openSync(file, 'r');
  let text: string;
  let identity: BundleIdentity;
  try {
    const stat = fstatSync(fd);
    identity = { buildHash, sizeBytes: stat.size, mtimeMs: stat.mtimeMs };
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  let dir: string | null = null;
  let cacheFile: string | undefined;
  let cachedData: Buffer | undefined;
  if (cacheDir !== null) {
    try {
      dir = privateDir(cacheDir);
      if (dir !== null) {
        cacheFile = join(dir, cacheFileName(identity, command));
        cachedData = readTrusted(cacheFile);
      }
    } catch {
      dir = null;
    }
  }
  // No importModuleDynamically: functions compiled from a code cache lose it on Node 20 (import()
  // then throws ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so the bundle must not use import() at
  // all, and the build refuses one that does (scripts/build.mjs).
  const script = new Script(Module.wrap(text), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const cache: CacheState = dir === null ? 'off' : cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
  const module = { exports: {} as unknown, filename: file };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    cache,
    save() {
      if (dir === null || cacheFile === undefined || cache === 'accepted') return;
      try {
        writeCache(dir, cacheFile, commandPrefix(command), script.createCachedData());
      } catch {
        // A cache that cannot be written costs the next start its compile time, nothing else.
      }
    },
  };
}

/**
 * Writes the cache through a temporary file, then removes the caches that other builds of the
 * bundle left for this command and V8 (every `npm install` or build of a new version makes one).
 */
function writeCache(dir: string, cacheFile: string, stalePrefix: string, data: Buffer): void {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(temporary, data, { mode: 0o600, flag: 'wx' });
  try {
    renameSync(temporary, cacheFile);
  } catch (e) {
    unlinkSync(temporary);
    throw e;
  }
  const name = cacheFile.slice(dir.length + 1);
  for (const other of readdirSync(dir)) {
    if (other !== name && other.startsWith(stalePrefix) && other.endsWith('.v8cache')) unlinkSync(join(dir, other));
  }
}
