import type { GateResult } from '../../gate/result.js';
import type { Formatter } from '../format.js';
import { workflowCommand } from '../github-commands.js';
import { allRules, ruleName, verdictText } from './text.js';

/**
 * GitHub Actions workflow commands: one `::error` / `::warning` per broken rule, pointing at
 * the workload file and the line of its budget key. Rules from flags apply to the total and
 * live in no workload file, so their annotations carry no file (GitHub shows them on the run).
 * The markdown summary is written by the command (to $GITHUB_STEP_SUMMARY), not here.
 */
export const gateGithub: Formatter<GateResult> = (r) => {
  const out: string[] = [];
  for (const { owner, rule } of allRules(r)) {
    if (rule.status !== 'fail' && rule.status !== 'warn') continue;
    const at = 'flag' in rule.from ? {} : { file: rule.from.file, line: rule.from.line, col: rule.from.col };
    out.push(
      workflowCommand({
        level: rule.status === 'fail' ? 'error' : 'warning',
        ...at,
        title: `capacity-plan gate: ${ruleName(rule)}`,
        message: `${owner}: ${rule.message}`,
      }),
    );
  }
  out.push(`capacity-plan gate ${verdictText(r)}`);
  return out.join('\n') + '\n';
};
