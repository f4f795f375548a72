import type { BatchFleet } from '../contracts/plan.js';
import { formatUsd, roundUsd } from '../core/money.js';
import { formatCount, formatExact } from '../core/numbers.js';
import { ceilTolerant } from '../sizing/units.js';
import type { ResolvedWorkload } from '../workload/resolve.js';
import { startMinutesOf } from '../workload/schema.js';
import { stopStartCommands } from './savings-commands.js';

const HOURS_PER = { day: 24, week: 168 } as const;

/**
 * A batch workload's fleet: started, run until the batch is processed, stopped. Units (Min = Max)
 * are the fewest that process the images at the usable TPS per unit within the deadline after
 * start_minutes, at least the availability-zone floor in production. The start is billed; the
 * model bills per minute, so run time is whole minutes. A month is 730 hours: 730 / 24 daily
 * batches or 730 / 168 weekly ones.
 */
export function batchFleet(r: ResolvedWorkload, capTps: number): BatchFleet {
  const w = r.workload;
  const batch = w.traffic.batch!;
  const startMinutes = startMinutesOf(w);
  const floor = w.availability.production ? 2 : 1;
  const processMinutesAllowed = batch.deadline_hours * 60 - startMinutes;
  const perUnitPerMinute = capTps * 60;
  const needed = ceilTolerant(batch.images / (perUnitPerMinute * processMinutesAllowed));
  const units = Math.max(floor, needed);
  const processMinutes = ceilTolerant(batch.images / (units * perUnitPerMinute));
  const runMinutes = startMinutes + processMinutes;
  const batchesPerMonth = 730 / HOURS_PER[batch.every];
  const price = r.price.pricePerUnitHourUsd;
  const monthlyCostUsd = roundUsd((units * runMinutes * batchesPerMonth * price) / 60);
  const cap = formatExact(capTps);
  const derivation =
    `units = max(floor ${floor}, ceil(${formatCount(batch.images)} / (${cap} × 60 × (${formatExact(batch.deadline_hours)} h × 60 − ${startMinutes}) min)) = ${needed}) = ${units}; ` +
    `run = ${startMinutes} + ceil(${formatCount(batch.images)} / (${units} × ${cap} × 60)) = ${runMinutes} min per batch; ` +
    `${units} × ${runMinutes} min / 60 × 730 / ${HOURS_PER[batch.every]} batches × $${price} = ${formatUsd(monthlyCostUsd)}`;
  const [stop, start] = stopStartCommands(w, { minUnits: units, maxUnits: units });
  return {
    images: batch.images,
    every: batch.every,
    deadlineHours: batch.deadline_hours,
    startMinutes,
    units,
    runHoursPerBatch: Math.round((runMinutes / 60) * 100) / 100,
    batchesPerMonth: Math.round(batchesPerMonth * 10_000) / 10_000,
    monthlyCostUsd,
    meetsDeadline: runMinutes <= batch.deadline_hours * 60,
    derivation,
    commands: [start!, `# when the batch is done (about ${runMinutes} min after the start):`, stop!],
  };
}
