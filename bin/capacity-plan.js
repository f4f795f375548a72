#!/usr/bin/env node
// Thin launcher: all wiring lives in the compiled CLI.
import { main } from '../dist/cli.js';

// A reader that stops early (`| head`) is not an error: stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await main(process.argv);
