import { forTerminal } from '../core/escape.js';
import { formatProblem, UserError, type Problem } from '../core/errors.js';
import { allowPaths } from '../core/paths.js';
import { loadWorkload } from '../workload/resolve.js';

/** Checks every file and prints every problem, one per line; exit 2 if any. */
export async function validateCommand(files: string[], opts: { allowPath?: string[] } = {}): Promise<number> {
  allowPaths(opts.allowPath);
  const problems: Problem[] = [];
  for (const file of files) {
    try {
      // Resolved exactly as plan does: the bench file and the trace are read and checked too.
      const w = await loadWorkload(file);
      for (const warning of w.warnings) process.stderr.write(forTerminal(`${file}: warning [${warning.code}]: ${warning.message}`) + '\n');
      process.stdout.write(forTerminal(`${file}: ok`) + '\n');
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      problems.push(...(err.problems.length ? err.problems : [{ file, message: err.message }]));
    }
  }
  for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
  return problems.length ? 2 : 0;
}
