import * as z from 'zod';
import { int, nonneg, num, str, WarningSchema } from './common.js';
import { SIMULATION_SCHEMA_ID } from './ids.js';

/**
 * The simulation result, `capacity-plan/simulation@1`: what `simulate --format json` writes and
 * `report` reads back. Figures are per 730-hour month unless named otherwise.
 */

const MonthFigures = {
  inferenceHoursPerMonth: nonneg,
  monthlyCostUsd: nonneg,
  requests: z.object({ total: nonneg, served: nonneg, throttled: nonneg }),
  throttledPct: nonneg,
  minutesThrottled: int,
};
const MonthFiguresSchema = z.object(MonthFigures);

const StrategyNameSchema = z.enum(['fixed-max', 'autoscale', 'schedule']);
const PairFiguresSchema = z.object({ minInferenceUnits: int, maxInferenceUnits: int, monthlyCostUsd: nonneg, throttledPct: nonneg });

/** A scenario's own window: the requests in its minutes (not scaled to a month) and the share of them throttled. */
const ScenarioWindow = { start: str, startMinute: int, requests: nonneg, throttled: nonneg, throttledPct: nonneg };

/** [value, minutes] runs covering every minute. */
const Runs = z.array(z.tuple([num, int]));

/**
 * The simulated traffic minute by minute, compact enough to ride in the result for the HTML
 * report's month chart: demand at the series' own resolution, units and throttled minutes as runs.
 */
const MonthSeriesSchema = z.object({
  kind: z.enum(['profile-day', 'profile-week', 'trace']),
  /** Minutes from Monday 00:00 to minute 0 (UTC for a trace): places weekday and time labels. */
  weekOffsetMinutes: int,
  /** Minute 0 as Unix ms (traces only). */
  startEpochMs: num.optional(),
  minutes: int,
  /** Each demand value holds for this many minutes: 60 for a profile, 1 for a trace up to a month long. */
  demandStepMinutes: z.number().int().positive(),
  demandTps: z.array(num),
  /** [units, minutes] runs: units serving (after scenario losses). */
  unitsServing: Runs,
  /** [units, minutes] runs: units billed (serving, starting, or lost in a zone outage). */
  unitsBilled: Runs,
  /** [first minute, minutes] ranges in which requests were throttled. */
  throttledMinutes: Runs,
});

export const SimulationResultSchema = z.object({
  schema: z.literal(SIMULATION_SCHEMA_ID),
  name: str,
  file: str.optional(),
  traffic: z.object({ source: str, minutesSimulated: int, monthScale: num, peakTps: nonneg, meanTps: nonneg, lowestTps: nonneg }),
  tpsPerUnit: num,
  capacityPerUnitTps: num,
  pricePerUnitHourUsd: nonneg,
  scaleUpMinutes: int,
  scaleDownMinutes: int,
  /** Where Min and Max came from: the --min/--max flags, or the plan's answer (the pair `plan` recommends). */
  pairSource: z.enum(['flags', 'plan']),
  minInferenceUnits: int,
  maxInferenceUnits: int,
  /** The strategy the headline figures are for: the workload's schedule decides. */
  strategy: StrategyNameSchema,
  schedule: z.object({ days: str, from: str, hoursPerDay: num, restartMinutes: int }).nullable(),
  ...MonthFigures,
  busiestHour: z.object({ start: str, startMinute: int, requests: nonneg, throttled: nonneg }),
  scenarios: z.object({
    zoneOutage: z.object({ ...ScenarioWindow, durationMinutes: int }).optional(),
    unitFailure: z.object({ ...ScenarioWindow, downMinutes: int }).optional(),
  }),
  strategies: z.array(z.object({ name: StrategyNameSchema, title: str, minInferenceUnits: int, maxInferenceUnits: int, ...MonthFigures })),
  /** The plan's answer simulated on the same traffic (no scenarios): what `plan` and `gate` quote. */
  recommended: PairFiguresSchema.extend({ maxThrottledPct: nonneg }),
  /** The peak/baseline rule's pair, a step of the plan's derivation, simulated the same way. */
  staticPlan: PairFiguresSchema,
  busiestDay: z.object({ start: str, bucketMinutes: int, demandTps: z.array(num), capacityTps: z.array(num) }),
  assumptions: z.array(str),
  warnings: z.array(WarningSchema),
  /** The headline strategy's run minute by minute (compact); last, so the JSON reads figures first. */
  series: MonthSeriesSchema,
});

export type SimulationResult = z.output<typeof SimulationResultSchema>;
type MonthFigures = z.output<typeof MonthFiguresSchema>;
export type MonthSeries = z.output<typeof MonthSeriesSchema>;
