#!/usr/bin/env node
// Thin launcher: all wiring, exit codes included, lives in the compiled CLI.
import module from 'node:module';

// Node 22.1 and later keep V8's compiled code of the modules loaded after this call in the OS
// temporary folder (NODE_COMPILE_CACHE moves it, NODE_DISABLE_COMPILE_CACHE=1 turns it off), so
// later starts skip most of the compiling; it never throws. Node 20 has no such API: nothing.
module.enableCompileCache?.();
// Imported after the call, not hoisted above it, so the CLI's own modules are the ones cached.
const { main } = await import('../dist/cli.js');

process.exitCode = await main(process.argv);
