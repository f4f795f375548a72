import type { Basis, CostByBasis, PlanDerivation } from '../contracts/plan.js';
import { scheduledHoursPerMonth } from '../core/hours.js';
import { formatUsd, roundUsd } from '../core/money.js';
import { formatExact, formatHours } from '../core/numbers.js';
import type { WorkloadWithTraffic } from '../workload/traffic.js';
import { windowHoursPerWeek } from '../workload/calendar.js';

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
  if (w.traffic.weekly !== undefined) {
    const e = weeklyExpected(w.traffic.weekly, hoursPerDay * daysPerWeek, pair, usdPerUnitHour);
    costs.expected = e.usd;
    derivation.expected = e.text;
  }
  if (simulatedUsd !== undefined) {
    costs.simulated = simulatedUsd;
    derivation.simulated = `Min ${pair.minUnits} / Max ${pair.maxUnits} run minute by minute on the traffic (autoscaler, schedule, 730-hour month) = ${formatUsd(simulatedUsd)}`;
  }
  return { costs, derivation };
}

/**
 * Calendar traffic's expected cost: Max in the windows' hours of the week, Min in the rest of the
 * scheduled week; a week is 168 hours, a month 730.
 */
function weeklyExpected(
  weekly: NonNullable<WorkloadWithTraffic['traffic']['weekly']>,
  scheduledHoursPerWeek: number,
  pair: { minUnits: number; maxUnits: number },
  usdPerUnitHour: number,
) {
  const peakH = windowHoursPerWeek(weekly);
  const restH = Math.max(0, scheduledHoursPerWeek - peakH);
  const weekHours = pair.maxUnits * peakH + pair.minUnits * restH;
  const usd = roundUsd((weekHours * 730 * usdPerUnitHour) / 168);
  const hours = (weekHours * 730) / 168;
  const exact = Math.abs(hours * 100 - Math.round(hours * 100)) < 1e-6;
  const text = `(${pair.maxUnits} × ${formatExact(peakH)} h + ${pair.minUnits} × ${formatExact(restH)} h) a week × 730 / 168${exact ? ` = ${formatHours(hours)} h` : ''} × $${usdPerUnitHour} = ${formatUsd(usd)}`;
  return { usd, text };
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
  batch: 'for the batch fleet (started, run and stopped each batch)',
};
