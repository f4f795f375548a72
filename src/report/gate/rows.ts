import type { GateResult, GateTotal, GateWorkload, Verdict } from '../../gate/result.js';
import { changeText, costCell, diffCell, unitsCell, workloadLabel } from './text.js';

interface GateColumn {
  head: string;
  align: 'l' | 'r' | 'c';
}

interface GateRow {
  total: boolean;
  /** Text of every column but the last (rules); the first is the workload, or 'total'. */
  cells: string[];
  /** Verdict of the row's rules for the last column; null when it has none. */
  status: Verdict | null;
}

const WITH_BASELINE: GateColumn[] = [
  { head: 'workload', align: 'l' },
  { head: 'change', align: 'l' },
  { head: 'Min units', align: 'r' },
  { head: 'Max units', align: 'r' },
  { head: 'cost/month before', align: 'r' },
  { head: 'cost/month after', align: 'r' },
  { head: 'difference', align: 'r' },
  { head: 'rules', align: 'c' },
];
const WITHOUT_BASELINE: GateColumn[] = [
  { head: 'workload', align: 'l' },
  { head: 'Min units', align: 'r' },
  { head: 'Max units', align: 'r' },
  { head: 'cost/month', align: 'r' },
  { head: 'rules', align: 'c' },
];

/** The workloads table that the table and markdown views both show: columns, one row per workload, then the total. */
export function gateRows(r: GateResult): { columns: GateColumn[]; rows: GateRow[] } {
  const hasBaseline = r.baseline !== null;
  const row = (name: string, change: string, x: GateWorkload | GateTotal, total: boolean): GateRow => {
    const min = unitsCell('minInferenceUnits', x.baseline, x.current, hasBaseline);
    const max = unitsCell('maxInferenceUnits', x.baseline, x.current, hasBaseline);
    const cells = hasBaseline
      ? [name, change, min, max, costCell(x.baseline), costCell(x.current), diffCell(x)]
      : [name, min, max, costCell(x.current)];
    return { total, cells, status: x.rules.length ? x.status : null };
  };
  return {
    columns: hasBaseline ? WITH_BASELINE : WITHOUT_BASELINE,
    rows: [...r.workloads.map((w) => row(workloadLabel(w), changeText(w), w, false)), row('total', '', r.total, true)],
  };
}
