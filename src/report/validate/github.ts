import type { Formatter } from '../format.js';
import { workflowCommand } from '../github-commands.js';
import type { ValidateResult } from './result.js';

/** One annotation per problem at its YAML line (an error) and per warning on the file; then a summary line. */
export const validateGithub: Formatter<ValidateResult> = (r) => {
  const out: string[] = [];
  for (const f of r.files) {
    for (const p of f.problems)
      out.push(
        workflowCommand({
          level: 'error',
          file: p.file,
          ...(p.line !== undefined ? { line: p.line } : {}),
          ...(p.col !== undefined ? { col: p.col } : {}),
          title: 'capacity-plan validate',
          message: p.message,
        }),
      );
    for (const w of f.warnings)
      out.push(workflowCommand({ level: 'warning', file: f.file, title: `capacity-plan validate: ${w.code}`, message: w.message }));
  }
  const bad = r.files.filter((f) => !f.ok).length;
  out.push(
    bad ? `capacity-plan validate: ${bad} of ${r.files.length} file(s) invalid` : `capacity-plan validate: ${r.files.length} file(s) ok`,
  );
  return out.join('\n') + '\n';
};
