#!/usr/bin/env node
// Thin launcher: all wiring, exit codes included, lives in the compiled CLI.
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv);
