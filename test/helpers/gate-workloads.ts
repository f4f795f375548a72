import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Workload files with round figures: 10 TPS per unit at 80 % utilisation is 8 TPS a unit,
 * and $1 per unit-hour makes a 730-hour month cost 730 × units. So peak_tps 30 → Max 4 units
 * → $2,920.00; baseline 5 TPS → Min 2 units (the availability-zone floor).
 * The first line under `budget:` is line FIRST_BUDGET_LINE; the rest follow in the order given.
 */
export const FIRST_BUDGET_LINE = 17;

export interface WorkloadSpec {
  name: string;
  peakTps: number;
  baselineTps?: number;
  peakHoursPerDay?: number;
  /** Lines under `budget:`, without indentation, e.g. 'monthly_usd: 3000'. */
  budget?: string[];
}

export function workloadYaml(w: WorkloadSpec): string {
  const lines = [
    'version: 1',
    `name: ${w.name}`,
    'price_per_unit_hour: 1',
    'model:',
    '  task: classification',
    '  tps_per_unit: 10',
    'images:',
    '  - share: 1',
    '    width: 640',
    '    height: 480',
    '    size_mb: 0.2',
    'traffic:',
    `  peak_tps: ${w.peakTps}`,
    `  baseline_tps: ${w.baselineTps ?? 5}`,
  ];
  if (w.peakHoursPerDay !== undefined) lines.push(`  peak_hours_per_day: ${w.peakHoursPerDay}`);
  else lines.push('  # no peak_hours_per_day');
  if (w.budget?.length) lines.push('budget:', ...w.budget.map((l) => `  ${l}`));
  return lines.join('\n') + '\n';
}

/** Writes `<name>.yaml` into dir and returns the file name (relative to dir). */
export function writeWorkload(dir: string, w: WorkloadSpec): string {
  const file = `${w.name}.yaml`;
  writeFileSync(join(dir, file), workloadYaml(w));
  return file;
}
