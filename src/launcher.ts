/**
 * The entry the `capacity-plan` command starts (bin/capacity-plan.js): loads the CLI bundle
 * through the code cache (core/compile-cache.ts) and runs it. Kept apart from the bundle because
 * it must run before the bundle is compiled.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { compileCacheDir, loadBundle } from './core/compile-cache.js';
import type { main as cliMain } from './cli.js';

/** The sha256 of cli.cjs's text, written in by the build (scripts/build.mjs). */
declare const CLI_BUNDLE_SHA256: string;

const bundle = loadBundle(join(import.meta.dirname, 'cli.cjs'), CLI_BUNDLE_SHA256, compileCacheDir(process.env, homedir(), process.platform), process.argv[2]);
const { main } = bundle.exports as { main: typeof cliMain };

void main(process.argv).then((code) => {
  process.exitCode = code;
  bundle.save();
});
