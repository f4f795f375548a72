import type { ChalkInstance } from 'chalk';
import { UserError } from '../core/errors.js';
import { writeOutputFile } from '../core/files.js';
import { colorFor } from '../report/format.js';

/**
 * Sends a rendered report to --out or stdout. --out never replaces one of the command's
 * `inputs`, and writes through to a device or FIFO (core/files.ts). A failed stdout write is
 * awaited here, so the command cannot report success after it.
 */
export async function emit(text: string, out: string | undefined, inputs: readonly string[] = []): Promise<void> {
  if (out) return writeOutputFile(out, text, { inputs });
  await new Promise<void>((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(new UserError(`stdout: cannot write: ${(err as NodeJS.ErrnoException).code ?? 'write error'}`)) : resolve()));
  });
}

/** Colour for a report: never in a file (even with FORCE_COLOR), else as the terminal allows. */
export function colorForOutput(out: string | undefined): ChalkInstance {
  return out ? colorFor({ isTTY: false }, {}) : colorFor(process.stdout);
}
