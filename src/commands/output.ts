import { writeOutputFile } from '../io/files.js';

/** Sends a rendered report to --out (atomically) or stdout. */
export async function emit(text: string, out: string | undefined): Promise<void> {
  if (out) await writeOutputFile(out, text);
  else process.stdout.write(text);
}
