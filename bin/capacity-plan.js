#!/usr/bin/env node
// Thin launcher: all wiring, exit codes included, lives in the compiled CLI (dist/cli.cjs).
// Node's own compile cache (22.1 and later) keeps the compiled CLI in the user's cache folder, so a
// start after the first skips most compiling; Node 20 has no such API and compiles every start.
// NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE govern it as for any Node program.
'use strict';
const { isAbsolute, join } = require('node:path');

/** The per-user cache folder: XDG on Linux, Library/Caches on macOS, LOCALAPPDATA on Windows. */
function cacheDir(env, home, platform) {
  if (platform === 'win32') return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, 'capacity-plan', 'Cache') : undefined;
  if (!home || !isAbsolute(home)) return undefined;
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'capacity-plan');
  // The XDG base directory spec ignores a relative XDG_CACHE_HOME.
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.cache'), 'capacity-plan');
}

const { enableCompileCache } = require('node:module');
if (enableCompileCache && !process.env.NODE_COMPILE_CACHE) {
  const dir = cacheDir(process.env, require('node:os').homedir(), process.platform);
  // A cache that cannot be made or written is only slower: Node reports it in the result, never throws.
  if (dir) enableCompileCache(dir);
}
require('../dist/cli.cjs')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
