#!/usr/bin/env node
// Thin launcher: all wiring, exit codes included, lives in the compiled CLI. CommonJS (bin/package.json
// says so), so a start never sets up Node's ES module loader: the CLI it loads is a CommonJS bundle
// (see dist/launcher.cjs).
'use strict';
require('../dist/launcher.cjs');
