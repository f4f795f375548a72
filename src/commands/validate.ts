import { forTerminal } from '../core/escape.js';
import { EXIT, type ExitCode, formatProblem, type Problem, UserError, type Warning } from '../core/errors.js';
import { pathPolicy } from '../core/paths.js';
import { pickFormatter } from '../report/format.js';
import { validateGithub } from '../report/validate/github.js';
import { validateJson } from '../report/validate/json.js';
import { VALIDATE_SCHEMA_ID, type ValidateResult } from '../report/validate/result.js';
import { duplicateKeyProblems, type KeyedWorkload } from '../gate/keys.js';
import { loadWorkload } from '../workload/resolve.js';
import { renderOptionsFor, workspacePath } from './output.js';

const VALIDATE_FORMATS = { json: validateJson, github: validateGithub };

export interface ValidateOptions {
  format?: string;
  allowPath?: string[];
}

/** Checks every file and reports every problem; exit 2 if any. */
export async function validateCommand(files: string[], opts: ValidateOptions = {}): Promise<ExitCode> {
  const paths = pathPolicy(opts.allowPath);
  const format = opts.format ?? 'table';
  if (format !== 'table') pickFormatter(VALIDATE_FORMATS, format);
  const result: ValidateResult = { schema: VALIDATE_SCHEMA_ID, ok: true, files: [] };
  const keyed: KeyedWorkload[] = [];
  for (const file of files) {
    let problems: Problem[] = [];
    let warnings: Warning[] = [];
    try {
      // Resolved exactly as plan does: the bench file and the trace are read and checked too.
      const loaded = await loadWorkload(file, paths);
      warnings = loaded.warnings;
      keyed.push({
        file,
        id: loaded.workload.id,
        name: loaded.workload.name,
        at: loaded.doc.locate([loaded.workload.id !== undefined ? 'id' : 'name']),
      });
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      problems = err.problems.length ? err.problems : [{ file, message: err.message }];
    }
    result.files.push({ file, ok: problems.length === 0, problems, warnings });
  }
  // What gate refuses across files, validate refuses too: workloads sharing the key the gate matches by.
  for (const p of duplicateKeyProblems(keyed)) {
    const entry = result.files.find((f) => f.file === p.file && f.ok)!;
    entry.problems.push(p);
    entry.ok = false;
  }
  result.ok = result.files.every((f) => f.ok);
  if (format === 'table') {
    // The terminal view: `file: ok` on stdout, warnings and problems as `file:line:col: message` on stderr.
    for (const f of result.files) {
      for (const w of f.warnings) process.stderr.write(forTerminal(`${f.file}: warning [${w.code}]: ${w.message}`) + '\n');
      if (f.ok) process.stdout.write(forTerminal(`${f.file}: ok`) + '\n');
    }
    for (const f of result.files) for (const p of f.problems) process.stderr.write(formatProblem(p) + '\n');
  } else {
    const root = process.env.GITHUB_WORKSPACE ?? process.cwd();
    // Annotations need paths relative to the repository root; JSON keeps them as given.
    const shown: ValidateResult =
      format === 'github'
        ? {
            ...result,
            files: result.files.map((f) => ({
              ...f,
              file: workspacePath(f.file, root),
              problems: f.problems.map((p) => ({ ...p, file: workspacePath(p.file, root) })),
            })),
          }
        : result;
    process.stdout.write(pickFormatter(VALIDATE_FORMATS, format)(shown, renderOptionsFor(undefined)));
  }
  return result.ok ? EXIT.ok : EXIT.invalidInput;
}
