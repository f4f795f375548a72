import { formatUsd as usd } from '../../core/money.js';
import { formatPct } from '../../core/numbers.js';
import type { Change, Diff, Figures, GateResult, GateWorkload, RuleResult } from '../../gate/result.js';

/** Wording and cells every gate view shares, so table, markdown and github say the same thing. */

const plus = (x: number, text: string) => (x > 0 ? `+${text}` : text);
const signedUsd = (x: number) => plus(x, usd(x));
const signedPct = (x: number) => plus(x, formatPct(x));

/** `before → after (+diff)` for a units column; a lone figure without a baseline. */
export function unitsCell(
  key: 'minInferenceUnits' | 'maxInferenceUnits',
  before: Figures | null,
  after: Figures | null,
  hasBaseline: boolean,
): string {
  if (!hasBaseline) return after ? String(after[key]) : '—';
  const b = before ? String(before[key]) : '—';
  const a = after ? String(after[key]) : '—';
  if (before && after) {
    const d = after[key] - before[key];
    return d === 0 ? a : `${b} → ${a} (${plus(d, String(d))})`;
  }
  return `${b} → ${a}`;
}

export const costCell = (f: Figures | null) => (f && f.monthlyCostUsd !== null ? usd(f.monthlyCostUsd) : '—');

export function diffCell(row: { change?: Change | null; diff: Diff | null }): string {
  const d = row.diff;
  if (!d || d.monthlyCostUsd === null) return '—';
  if (row.change === 'added') return `${signedUsd(d.monthlyCostUsd)} (new)`;
  if (row.change === 'removed') return `${signedUsd(d.monthlyCostUsd)} (removed)`;
  if (d.monthlyCostPct === null) return signedUsd(d.monthlyCostUsd);
  return `${signedUsd(d.monthlyCostUsd)} (${signedPct(d.monthlyCostPct)})`;
}

export function workloadLabel(w: GateWorkload): string {
  const name = w.previousName !== undefined ? `${w.previousName} → ${w.name}` : w.name;
  return w.basis === 'max' ? name : `${name} (${w.basis} cost)`;
}

/** The change column: a rename found by file path alone is a likely rename, and says so. */
export function changeText(w: GateWorkload): string {
  if (w.change === 'renamed') return w.matchedBy === 'file' ? 'renamed (likely: same file)' : 'renamed';
  return w.change ?? '';
}

/** Where a rule was written: `file:line` or the flag. */
export function ruleWhere(r: RuleResult): string {
  return 'flag' in r.from ? r.from.flag : `${r.from.file}:${r.from.line}`;
}

export function ruleName(r: RuleResult): string {
  return 'flag' in r.from ? r.from.flag : r.from.key;
}

/** Every rule with the workload it belongs to ('total' for flag rules), in report order. */
export function allRules(r: GateResult): Array<{ owner: string; rule: RuleResult }> {
  return [
    ...r.workloads.flatMap((w) => w.rules.map((rule) => ({ owner: w.name, rule }))),
    ...r.total.rules.map((rule) => ({ owner: 'total', rule })),
  ];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The one-line verdict without decoration: "failed: 2 rules failed, 1 warning; total $a → $b (+$c, +d%)". */
export function verdictText(r: GateResult): string {
  const { failed, warned, passed, skipped } = r.counts;
  const head = r.status === 'fail' ? 'failed' : r.status === 'warn' ? 'passed with warnings' : 'passed';
  const parts: string[] = [];
  if (failed) parts.push(`${plural(failed, 'rule')} failed`);
  if (warned) parts.push(plural(warned, 'warning') + (r.failOn === 'warn' ? ' (--fail-on warn)' : ''));
  if (passed) parts.push(`${plural(passed, 'rule')} passed`);
  if (skipped) parts.push(`${skipped} not checked`);
  if (!parts.length) parts.push('no rules');
  const t = r.total;
  const n = r.workloads.filter((w) => w.current).length;
  let money = `total ${costCell(t.current)}/month over ${plural(n, 'workload')}`;
  if (t.baseline) money = `total ${costCell(t.baseline)} → ${costCell(t.current)}/month, ${diffCell(t)}`;
  return `${head}: ${parts.join(', ')}; ${money}`;
}
