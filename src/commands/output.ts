import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { ChalkInstance } from 'chalk';
import { writeOutputFile } from '../core/files.js';
import { colorFor, widthFor, type RenderOptions } from '../report/format.js';

/** Sends a rendered report to --out (atomically) or stdout. */
export async function emit(text: string, out: string | undefined): Promise<void> {
  if (out) await writeOutputFile(out, text);
  else process.stdout.write(text);
}

/** Colour for a report: never in a file (even with FORCE_COLOR), else as the terminal allows. */
export function colorForOutput(out: string | undefined): ChalkInstance {
  return out ? colorFor({ isTTY: false }, {}) : colorFor(process.stdout);
}

/** Colour and width for a report going to --out or stdout. */
export function renderOptionsFor(out: string | undefined): RenderOptions {
  return { color: colorForOutput(out), width: out ? widthFor({ isTTY: false }) : widthFor(process.stdout) };
}

/** A path as GitHub annotations want it: relative to the repository root, with forward slashes. */
export function workspacePath(file: string, root: string): string {
  const abs = resolve(file);
  const p = relative(resolve(root), abs);
  return (p.startsWith('..') || isAbsolute(p) ? abs : p).split(sep).join('/');
}
