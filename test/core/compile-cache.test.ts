import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheFileName, compileCacheDir, loadBundle } from '../../src/core/compile-cache.js';
import { tempDir } from '../helpers/cli.js';

describe('compileCacheDir', () => {
  const home = '/home/u';
  it('follows Node\'s own switches: NODE_DISABLE_COMPILE_CACHE turns it off, NODE_COMPILE_CACHE names the folder', () => {
    expect(compileCacheDir({ NODE_DISABLE_COMPILE_CACHE: '1', NODE_COMPILE_CACHE: '/c' }, home, 'linux')).toBeNull();
    expect(compileCacheDir({ NODE_COMPILE_CACHE: '/c' }, home, 'linux')).toBe('/c');
    // A relative folder would move with the working directory: not used.
    expect(compileCacheDir({ NODE_COMPILE_CACHE: 'c' }, home, 'linux')).toBeNull();
  });

  it('is the platform\'s per-user cache folder otherwise', () => {
    expect(compileCacheDir({}, home, 'linux')).toBe('/home/u/.cache/capacity-plan');
    expect(compileCacheDir({ XDG_CACHE_HOME: '/x' }, home, 'linux')).toBe('/x/capacity-plan');
    expect(compileCacheDir({ XDG_CACHE_HOME: 'relative' }, home, 'linux')).toBe('/home/u/.cache/capacity-plan');
    expect(compileCacheDir({}, home, 'darwin')).toBe('/home/u/Library/Caches/capacity-plan');
    expect(compileCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, home, 'win32')).toMatch(/capacity-plan.Cache$/);
    expect(compileCacheDir({}, '', 'linux')).toBeNull();
  });
});

describe('cacheFileName', () => {
  const id = { buildHash: 'ab'.repeat(32), sizeBytes: 100, mtimeMs: 1234.6 };
  it('names the V8, the command, the build and the file, and nothing a user could use to leave the folder', () => {
    const name = cacheFileName(id, 'plan');
    expect(name).toContain(`-v8-${process.versions.v8.replace(/[^\w.]/g, '_')}-${process.arch}-plan--abababababababab.100.1235.v8cache`);
    expect(cacheFileName(id, '../../etc/passwd')).toContain('-none--');
    expect(cacheFileName(id, '--version')).toContain('-none--');
    expect(cacheFileName({ ...id, buildHash: '../x' }, 'plan')).not.toContain('/');
    // An edited bundle (another size or time) never meets the old text's cache.
    expect(cacheFileName({ ...id, mtimeMs: 1300 }, 'plan')).not.toBe(cacheFileName(id, 'plan'));
  });
});

describe('loadBundle', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A CommonJS bundle with a function worth caching and a require() made when called, as the CLI has. */
  function writeBundle(version = 1): string {
    const file = join(dir, 'bundle.cjs');
    writeFileSync(
      file,
      `'use strict';\nconst path = require('node:path');\nfunction sum(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }\n` +
        `module.exports = { version: ${version}, sum, base: path.basename(__filename), eol: () => require('node:os').EOL };\n`,
    );
    return file;
  }
  const cacheFiles = (cache: string) => readdirSync(cache).filter((f) => f.endsWith('.v8cache'));

  /**
   * loadBundle as a fresh process would call it. V8 keeps every script it compiled in memory for
   * the process's life and reuses it without looking at the cache, so each load here compiles a
   * copy under a new name (same text and times: the same cache file), which it has never seen.
   */
  let copies = 0;
  function load(file: string, buildHash: string, cache: string | null, command: string) {
    const copy = join(dir, `load-${++copies}.cjs`);
    copyFileSync(file, copy);
    const { atime, mtime } = statSync(file);
    utimesSync(copy, atime, mtime);
    return loadBundle(copy, buildHash, cache, command);
  }

  it('runs the bundle, writes the cache after the run, and uses it on the next start', () => {
    dir = tempDir();
    const cache = join(dir, 'cache');
    const file = writeBundle();
    const first = load(file, 'aa11', cache, 'plan');
    expect(first.cache).toBe('absent');
    const exports = first.exports as { sum(n: number): number; base: string; eol(): string };
    expect(exports.sum(4)).toBe(6);
    expect(exports.base).toMatch(/^load-\d+\.cjs$/);
    expect(exports.eol()).toBe('\n');
    first.save();
    expect(cacheFiles(cache)).toHaveLength(1);
    // Private to the user: the folder 0700, the file 0600.
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    expect(statSync(join(cache, cacheFiles(cache)[0]!)).mode & 0o777).toBe(0o600);
    expect(readdirSync(cache).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const second = load(file, 'aa11', cache, 'plan');
    expect(second.cache).toBe('accepted');
    expect((second.exports as { sum(n: number): number }).sum(5)).toBe(10);
    second.save(); // nothing to do: the cache was good
    expect(cacheFiles(cache)).toHaveLength(1);
  });

  it('keeps one cache per command, and a rebuilt bundle replaces its command\'s old cache', () => {
    dir = tempDir();
    const cache = join(dir, 'cache');
    const file = writeBundle(1);
    load(file, 'aa11', cache, 'plan').save();
    load(file, 'aa11', cache, 'gate').save();
    expect(cacheFiles(cache)).toHaveLength(2);
    writeBundle(2);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const rebuilt = load(file, 'bb22', cache, 'plan');
    expect(rebuilt.cache).toBe('absent');
    expect((rebuilt.exports as { version: number }).version).toBe(2);
    rebuilt.save();
    const left = cacheFiles(cache);
    expect(left).toHaveLength(2);
    expect(left.filter((f) => f.includes('-plan--'))).toEqual([expect.stringContaining('-plan--bb22.')]);
    expect(left.filter((f) => f.includes('-gate--'))).toHaveLength(1);
  });

  it('lets V8 refuse a damaged cache, runs the bundle anyway and writes a good one', () => {
    dir = tempDir();
    const cache = join(dir, 'cache');
    const file = writeBundle();
    load(file, 'aa11', cache, 'plan').save();
    const [name] = cacheFiles(cache);
    writeFileSync(join(cache, name!), Buffer.alloc(4096, 7), { mode: 0o600 });
    const damaged = load(file, 'aa11', cache, 'plan');
    expect(damaged.cache).toBe('rejected');
    expect((damaged.exports as { sum(n: number): number }).sum(3)).toBe(3);
    damaged.save();
    expect(load(file, 'aa11', cache, 'plan').cache).toBe('accepted');
  });

  it('trusts no folder or file another user could write, and follows no link', () => {
    dir = tempDir();
    const file = writeBundle();
    const shared = join(dir, 'shared');
    mkdirSync(shared, { mode: 0o777 });
    chmodSync(shared, 0o777);
    const open = load(file, 'aa11', shared, 'plan');
    expect(open.cache).toBe('off');
    open.save();
    expect(cacheFiles(shared)).toEqual([]);

    const cache = join(dir, 'cache');
    load(file, 'aa11', cache, 'plan').save();
    const [name] = cacheFiles(cache);
    chmodSync(join(cache, name!), 0o666);
    expect(load(file, 'aa11', cache, 'plan').cache).toBe('absent');

    const elsewhere = join(dir, 'elsewhere.v8cache');
    writeFileSync(elsewhere, 'x', { mode: 0o600 });
    rmSync(join(cache, name!));
    symlinkSync(elsewhere, join(cache, name!));
    expect(load(file, 'aa11', cache, 'plan').cache).toBe('absent');
  });

  it('turned off (null folder), it runs the bundle and writes nothing', () => {
    dir = tempDir();
    const file = writeBundle();
    const off = load(file, 'aa11', null, 'plan');
    expect(off.cache).toBe('off');
    off.save();
    expect(readdirSync(dir).filter((f) => !f.startsWith('load-'))).toEqual(['bundle.cjs']);
  });

  it('runs the bundle when the cache folder cannot be made, and saving is then a no-op', () => {
    dir = tempDir();
    const file = writeBundle();
    const blocked = join(dir, 'a-file');
    writeFileSync(blocked, '');
    const r = load(file, 'aa11', join(blocked, 'cache'), 'plan');
    expect(r.cache).toBe('off');
    expect(() => r.save()).not.toThrow();
    expect(existsSync(join(blocked, 'cache'))).toBe(false);
  });
});
