import { EXIT, type ExitCode, type Problem, UserError, type Warning } from '../core/errors.js';
import { pathPolicy } from '../core/paths.js';
import { pickFormatter } from '../report/format.js';
import { validateGithub } from '../report/validate/github.js';
import { validateJson } from '../report/validate/json.js';
import { validateTable, validateTableProblems } from '../report/validate/table.js';
import { VALIDATE_SCHEMA_ID, type ValidateResult } from '../report/validate/result.js';
import { duplicateKeyProblems, type KeyedWorkload } from '../gate/keys.js';
import { loadWorkload } from '../workload/resolve.js';
import { forGithub, renderOptionsFor } from './output.js';

const VALIDATE_FORMATS = { table: validateTable, json: validateJson, github: validateGithub };

export interface ValidateOptions {
  format?: string;
  allowPath?: string[];
}

/** Checks every file and reports every problem; exit 2 if any. */
export async function validateCommand(files: string[], opts: ValidateOptions = {}): Promise<ExitCode> {
  const paths = pathPolicy(opts.allowPath);
  const format = opts.format ?? 'table';
  const formatter = pickFormatter(VALIDATE_FORMATS, format);
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
  const render = renderOptionsFor(undefined);
  process.stdout.write(formatter(format === 'github' ? forGithub(result) : result, render));
  if (format === 'table') process.stderr.write(validateTableProblems(result, render));
  return result.ok ? EXIT.ok : EXIT.invalidInput;
}
