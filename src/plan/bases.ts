import type { Basis, CostByBasis, PlanDerivation } from '../contracts/plan.js';
import { scheduledHoursPerMonth } from '../core/hours.js';
import { formatUsd, roundUsd } from '../core/money.js';
import { formatExact, formatHours } from '../core/numbers.js';
import type { WorkloadWithTraffic } from '../workload/traffic.js';

/**
 * One pair's monthly cost on each basis, with its working:
 *  - max: Max units every scheduled hour; min: Min units every scheduled hour;
 *  - expected: Max for traffic.peak_hours_per_day a day, Min the rest of the schedule;
 *  - simulated: the pair run minute by minute on the traffic over time (the search's figure).
 * A month is 730 hours; USD is rounded to cents once, at the end.
 */
export function costsOnBases(
  w: WorkloadWithTraffic,
  pair: { minUnits: number; maxUnits: number },
  usdPerUnitHour: number,
  simulatedUsd: number | undefined,
): { costs: CostByBasis; derivation: PlanDerivation['monthlyCost'] } {
  const { hours_per_day: hoursPerDay, days_per_week: daysPerWeek } = w.schedule;
  const hoursPerMonth = scheduledHoursPerMonth(hoursPerDay, daysPerWeek);
  // Hours not exact to the cent of an hour print as their formula: the step multiplies out as printed.
  const exact2 = (x: number) => Math.abs(x * 100 - Math.round(x * 100)) < 1e-6;
  const hpm = exact2(hoursPerMonth) ? formatHours(hoursPerMonth) : `(${hoursPerDay} × ${daysPerWeek} × 730 / 168)`;
  const price = `$${usdPerUnitHour}`;
  const allMonth = (units: number) => {
    const usd = roundUsd(units * hoursPerMonth * usdPerUnitHour);
    return { usd, text: `${units} × ${hpm} h × ${price} = ${formatUsd(usd)}` };
  };
  const max = allMonth(pair.maxUnits);
  const min = allMonth(pair.minUnits);
  const costs: CostByBasis = { max: max.usd, min: min.usd };
  const derivation: PlanDerivation['monthlyCost'] = { max: max.text, min: min.text };
  const peakH = w.traffic.peak_hours_per_day;
  if (peakH !== undefined) {
    const hours = scheduledHoursPerMonth(pair.maxUnits * peakH + pair.minUnits * (hoursPerDay - peakH), daysPerWeek);
    const formula = `(${pair.maxUnits} × ${formatExact(peakH)} h + ${pair.minUnits} × ${formatExact(hoursPerDay - peakH)} h) × ${daysPerWeek} d × 730 / 168`;
    costs.expected = roundUsd(hours * usdPerUnitHour);
    derivation.expected = `${formula}${exact2(hours) ? ` = ${formatHours(hours)} h` : ''} × ${price} = ${formatUsd(costs.expected)}`;
  }
  if (simulatedUsd !== undefined) {
    costs.simulated = simulatedUsd;
    derivation.simulated = `Min ${pair.minUnits} / Max ${pair.maxUnits} run minute by minute on the traffic (autoscaler, schedule, 730-hour month) = ${formatUsd(simulatedUsd)}`;
  }
  return { costs, derivation };
}

/**
 * The basis a workload's answer is quoted on, and its gate checks: budget.basis when written;
 * else simulated for traffic over time, expected with peak_hours_per_day, otherwise Max all month.
 */
export function basisOf(w: WorkloadWithTraffic, overTime: boolean): Basis {
  return w.budget?.basis ?? (overTime ? 'simulated' : w.traffic.peak_hours_per_day !== undefined ? 'expected' : 'max');
}

export const BASIS_WORDS: Record<Basis, string> = {
  simulated: 'simulated minute by minute',
  expected: 'expected (Max in peak hours, Min otherwise)',
  max: 'at Max all month',
  min: 'at Min all month',
};
