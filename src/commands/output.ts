import type { ChalkInstance } from 'chalk';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../core/errors.js';
import { writeOutputFile } from '../core/files.js';
import { colorFor, widthFor, type HtmlAssets, type RenderOptions } from '../report/format.js';
import { priceCachePath } from '../workload/price-list.js';

/**
 * Sends a rendered report to --out or stdout. --out never replaces one of the command's
 * `inputs`, and writes through to a device or FIFO (core/files.ts). A failed stdout write is
 * awaited here, so the command cannot report success after it.
 */
export async function emit(text: string, out: string | undefined, inputs: readonly string[] = []): Promise<void> {
  if (out) return writeOutputFile(out, text, { inputs });
  await new Promise<void>((resolve, reject) => {
    process.stdout.write(text, (err) =>
      err ? reject(new UserError(`stdout: cannot write: ${(err as NodeJS.ErrnoException).code ?? 'write error'}`)) : resolve(),
    );
  });
}

/**
 * What --out must never replace for a command that loads workloads: every file they read (the
 * workload, bench file, trace, CloudWatch file, load test) and the price cache plan reads.
 */
export function workloadInputs(loaded: ReadonlyArray<{ inputs: readonly string[] }>): string[] {
  return [...loaded.flatMap((w) => w.inputs), priceCachePath()];
}

/** Colour for a report: never in a file (even with FORCE_COLOR), else as the terminal allows. */
function colorForOutput(out: string | undefined): ChalkInstance {
  return out ? colorFor({ isTTY: false }, {}) : colorFor(process.stdout);
}

/**
 * The charting library the HTML report inlines: uPlot's files, which the build copies into
 * dist/assets/ (the CLI runs bundled, without node_modules). Read here: renderers do no I/O.
 */
async function htmlAssets(): Promise<HtmlAssets> {
  const dir = resolve(import.meta.dirname, '..', 'assets', 'uplot');
  const [chartScript, chartStyle] = await Promise.all([
    readFile(join(dir, 'uPlot.iife.min.js'), 'utf8'),
    readFile(join(dir, 'uPlot.min.css'), 'utf8'),
  ]);
  return { chartScript, chartStyle };
}

/** What a formatter needs besides the result: colour, width, and for html the charting library. */
export async function renderOptions(format: string, out: string | undefined): Promise<RenderOptions> {
  const base = renderOptionsFor(out);
  return format === 'html' ? { ...base, html: await htmlAssets() } : base;
}

/** Colour and width for a report going to --out or stdout. */
export function renderOptionsFor(out: string | undefined): RenderOptions {
  return { color: colorForOutput(out), width: out ? widthFor({ isTTY: false }) : widthFor(process.stdout) };
}

/** A path as GitHub annotations want it: relative to the repository root, with forward slashes. */
function workspacePath(file: string, root: string): string {
  const abs = resolve(file);
  const p = relative(resolve(root), abs);
  return (p.startsWith('..') || isAbsolute(p) ? abs : p).split(sep).join('/');
}

/**
 * A result as the github format shows it: every `file` in it relative to the repository root
 * ($GITHUB_WORKSPACE, else the working directory), since annotations only land on files named
 * that way. Every other view keeps the paths as they were given, and so does the gate's baseline,
 * which no annotation points at.
 */
export function forGithub<T>(result: T, root = process.env.GITHUB_WORKSPACE ?? process.cwd()): T {
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [
        k,
        k === 'file' && typeof x === 'string' ? workspacePath(x, root) : k === 'baseline' ? x : rewrite(x),
      ]),
    );
  };
  return rewrite(result) as T;
}
