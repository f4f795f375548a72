import type { Problem } from '../core/errors.js';

/** A workload as the gate keys it: by `id:` when it has one, else by name, with where that key is written. */
export interface KeyedWorkload {
  file: string;
  id?: string | undefined;
  name: string;
  at?: { line: number; col: number };
}

/**
 * The gate matches workloads with the baseline by id, else by name, so two workloads checked
 * together may not share one. `validate` runs the same check over the files it is given, so a CI
 * validate step refuses what gate would.
 */
export function duplicateKeyProblems(workloads: KeyedWorkload[]): Problem[] {
  const firstFile = new Map<string, string>();
  const problems: Problem[] = [];
  for (const w of workloads) {
    const key = w.id ?? w.name;
    const other = firstFile.get(key);
    if (other === undefined) {
      firstFile.set(key, w.file);
      continue;
    }
    const what = w.id !== undefined ? `id '${key}'` : `name '${key}'`;
    problems.push({
      file: w.file,
      line: w.at?.line,
      col: w.at?.col,
      message: `workload ${what} is also used by ${other}; the gate matches workloads by id, else by name, so they must differ`,
    });
  }
  return problems;
}
