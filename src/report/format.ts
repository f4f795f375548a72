import { Chalk, type ChalkInstance } from 'chalk';
import { UserError } from '../core/errors.js';

/**
 * One interface for every output format: a formatter is a function from a result to the
 * text to print. Adding a format is adding one file and one entry in a command's table.
 */
export interface RenderOptions {
  color: ChalkInstance;
  /** Columns a terminal view must fit in (tables wrap or fold to it); other views ignore it. */
  width: number;
  /** The charting library's files, read by the command; only the html format needs them. */
  html?: HtmlAssets;
}

/** uPlot's minified script and stylesheet, inlined into every HTML report (see report/html.ts). */
export interface HtmlAssets {
  chartScript: string;
  chartStyle: string;
}

export type Formatter<T> = (result: T, opts: RenderOptions) => string;

export function pickFormatter<T, F extends string>(formatters: Record<F, Formatter<T>>, name: string, flag = '--format'): Formatter<T> {
  if (!Object.hasOwn(formatters, name)) {
    throw new UserError(`${flag}: unknown format '${name}' (choose ${Object.keys(formatters).join(', ')})`);
  }
  return formatters[name as F];
}

/**
 * Colour only on a terminal: never in a pipe or a file, whatever FORCE_COLOR says (a CI log or a
 * saved report would carry escape codes); NO_COLOR (https://no-color.org) turns it off and wins
 * over FORCE_COLOR; FORCE_COLOR=0 turns it off too. Decided here once, not per call site.
 */
export function colorFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const forcedOff = env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false';
  return new Chalk({ level: stream.isTTY === true && !noColor && !forcedOff ? 1 : 0 });
}

/** Width of a view that goes to neither a terminal nor a COLUMNS setting: a file or a pipe. */
const DEFAULT_WIDTH = 100;
/** Narrower than this, no table can show its numbers; such a COLUMNS is taken as this. */
const MIN_WIDTH = 40;

/**
 * Columns a terminal view must fit in: COLUMNS when set (a user's or a test's choice), else the
 * terminal's width, else 100 for a file or a pipe. Decided here once, beside colour.
 */
export function widthFor(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.COLUMNS);
  if (env.COLUMNS !== undefined && Number.isInteger(fromEnv) && fromEnv > 0) return Math.max(MIN_WIDTH, fromEnv);
  if (stream.isTTY && stream.columns && stream.columns > 0) return Math.max(MIN_WIDTH, stream.columns);
  return DEFAULT_WIDTH;
}
