import type { GateResult } from '../../gate/result.js';
import type { Formatter } from '../format.js';
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
    const props: string[] = [];
    if (!('flag' in rule.from)) props.push(`file=${property(rule.from.file)}`, `line=${rule.from.line}`, `col=${rule.from.col}`);
    props.push(`title=${property(`capacity-plan gate: ${ruleName(rule)}`)}`);
    out.push(`::${rule.status === 'fail' ? 'error' : 'warning'} ${props.join(',')}::${data(`${owner}: ${rule.message}`)}`);
  }
  out.push(`capacity-plan gate ${verdictText(r)}`);
  return out.join('\n') + '\n';
};

// The escaping GitHub's runner expects (as in @actions/core's command.ts); two lines do not justify that dependency.
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const property = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
