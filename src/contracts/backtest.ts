import * as z from 'zod';
import { int, nonneg, num, str, WarningSchema } from './common.js';
import { BACKTEST_SCHEMA_ID } from './ids.js';

/** Figures of one side (recorded or simulated) of a backtest. */
const SideSchema = z.object({ unitHours: nonneg, throttledRequests: nonneg, minutesThrottled: int });

/**
 * The backtest result, `capacity-plan/backtest@1`: the simulator replayed on a model's recorded
 * history with the recorded Min/Max, next to what CloudWatch recorded, minute by minute and in total.
 */
export const BacktestResultSchema = z.object({
  schema: z.literal(BACKTEST_SCHEMA_ID),
  name: str,
  file: str.optional(),
  trafficSource: str,
  periodSeconds: z.number().positive(),
  minutes: int,
  /** Minutes with units in service (the model ran). */
  runningMinutes: int,
  requestsTotal: nonneg,
  minInferenceUnits: int,
  maxInferenceUnits: int,
  pairSource: z.enum(['recorded', 'flags']),
  tpsPerUnit: num,
  capacityPerUnitTps: num,
  scaleUpMinutes: int,
  scaleDownMinutes: int,
  recorded: SideSchema,
  simulated: SideSchema,
  /** Simulated minus recorded, over the running minutes. */
  error: z.object({
    unitHoursPct: num.nullable(),
    meanAbsUnits: nonneg,
    meanUnits: num,
    minutesUnitsExactPct: nonneg,
    throttledRequests: num,
    /** Throttled difference as a share of all requests. */
    throttledPctOfRequests: num,
    meanAbsThrottledPerMinute: nonneg,
    /** Minutes both sides throttled, only the simulator, only the service. */
    throttledMinutes: z.object({ both: int, simulatedOnly: int, recordedOnly: int }),
  }),
  /** Hour by hour, for charts: mean units in service and throttled requests of each side. */
  hourly: z.object({
    start: str,
    recordedUnits: z.array(num),
    simulatedUnits: z.array(num),
    recordedThrottled: z.array(num),
    simulatedThrottled: z.array(num),
  }),
  assumptions: z.array(str),
  warnings: z.array(WarningSchema),
});

export type BacktestResult = z.output<typeof BacktestResultSchema>;
