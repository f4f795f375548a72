import * as z from 'zod';
import { hasControlChars } from '../core/escape.js';
import { PLAN_SCHEMA_ID } from './ids.js';

/**
 * The plan result, `capacity-plan/plan@3`: what `plan --format json` writes and what `report`
 * and `gate --baseline` read back. The plan layer builds it; its types are this schema's output.
 *
 * Each plan object's top-level `minInferenceUnits`, `maxInferenceUnits` and `monthlyCostUsd` are
 * the recommendation: the one pair to run and its cost on `costBasis`. The static rule's pair and
 * the searched pair are steps of the derivation (`staticRule`, `search`), never a second answer.
 */

const num = z.number();
const nonneg = z.number().nonnegative();
const int = z.number().int().nonnegative();
const str = z.string();

const WarningSchema = z.object({ code: str, message: str });

/** Which monthly cost a figure is: the pair simulated minute by minute, Max in peak hours and Min otherwise, or one of them all month. */
export const BASES = ['simulated', 'expected', 'max', 'min', 'batch'] as const;
export const BasisSchema = z.enum(BASES);

const ClassTpsSchema = z.object({
  index: int,
  share: num,
  width: int.optional(),
  height: int.optional(),
  sizeMb: num.optional(),
  objects: int,
  source: z.enum(['bytes', 's3']),
  corpus: str.optional(),
  msPerImage: num,
  tps: num,
  uncertaintyPct: nonneg,
  uncertainty: str,
  derivation: str,
  outsideMeasuredRange: z.array(str),
});

/** One pair's monthly cost on every basis that applies to the workload. */
const CostByBasisSchema = z.object({
  max: nonneg,
  min: nonneg,
  expected: nonneg.optional(),
  simulated: nonneg.optional(),
  batch: nonneg.optional(),
});

const PairFiguresSchema = z.object({ minInferenceUnits: int, maxInferenceUnits: int, monthlyCostUsd: nonneg, throttledPct: nonneg });

/** The peak/baseline rule: a step of the derivation, shown beside the answer. */
const StaticRuleSchema = z.object({
  minInferenceUnits: int,
  maxInferenceUnits: int,
  azFloor: int,
  azFloorApplied: z.boolean(),
  unitsAddedForOutage: z.object({ min: int, max: int }),
  /** The rule's pair simulated on the traffic over time, when there is some. */
  simulated: PairFiguresSchema.pick({ monthlyCostUsd: true, throttledPct: true }).optional(),
});

/** The cost-optimal search on the traffic over time: the step that moves the answer off the static rule. */
const SearchSchema = z.object({
  trafficSource: str,
  maxThrottledPct: nonneg,
  scaleUpMinutes: int,
  minInferenceUnits: int,
  maxInferenceUnits: int,
  /** false: no pair keeps throttling within max_throttled_pct; the static rule's pair is the answer. */
  feasible: z.boolean(),
  monthlyCostUsd: nonneg,
  throttledPct: nonneg,
  simulations: int,
  /** Units the zone promise added on top of the cheapest pair. */
  raisedForZonePromise: z.object({ min: int, max: int }),
  /** Static rule minus answer, both simulated on the same traffic; negative when the rule throttles too much. */
  monthlySavingUsd: num,
});

/** A zone outage simulated on the recommended pair: the check behind `survive_zone_outage`. */
const OutageCheckSchema = z.object({
  start: str,
  startMinute: int,
  durationMinutes: int,
  /** scale_up_minutes: how long replacements take; throttling inside it is the promise's allowance. */
  lagMinutes: int,
  requests: int,
  throttled: int,
  throttledPct: nonneg,
  /** Requests the outage throttled after the lag, beyond what the same minutes throttle without it: 0 when the promise holds. */
  throttledAfterLag: int,
  /** lagMinutes / durationMinutes in percent: the most the window may lose. */
  allowedPct: nonneg,
});

const ZoneOutageSchema = z.object({
  zones: int,
  /** availability.survive_zone_outage. */
  required: z.boolean(),
  /** simulated: an outage at the busiest hour on the traffic over time; static: units left at Max against peak_tps. */
  check: z.enum(['simulated', 'static']),
  /** Whether the recommended pair keeps the promise (for a workload that does not ask, whether it would). */
  holds: z.boolean(),
  unitsLostWorstCase: int,
  capacityLeftAtMaxTps: num,
  servesPeak: z.boolean(),
  outage: OutageCheckSchema.optional(),
});

const DerivationSchema = z.object({
  calibration: str.optional(),
  tpsPerUnit: str,
  tpsPerUnitLow: str,
  capacityPerUnitTps: str,
  minInferenceUnits: str,
  maxInferenceUnits: str,
  hoursPerMonth: str,
  /** The recommended pair's cost on each basis, worked out. */
  monthlyCost: z.object({ max: str, min: str, expected: str.optional(), simulated: str.optional(), batch: str.optional() }),
  costPer1000Images: str.optional(),
  zoneOutage: str,
});

const SAVING_KINDS = ['stop-schedule', 'throttle-tradeoff', 'image-size'] as const;

/** One stop of a stop schedule: stopped from `stop` until `start` (start_minutes before demand resumes). */
const StopWindowSchema = z.object({ stop: str, start: str, stoppedMinutes: int });

/** The recommended pair searched again at one max_throttled_pct. */
const TradeoffPointSchema = z.object({
  maxThrottledPct: nonneg,
  feasible: z.boolean(),
  minInferenceUnits: int,
  maxInferenceUnits: int,
  monthlyCostUsd: nonneg,
  throttledPct: nonneg,
  throttledRequestsPerMonth: int,
});

/** An image class sent smaller: its size before and after, and TPS per class as the bench model predicts. */
const ResizedClassSchema = z.object({ index: int, from: str, to: str, tpsBefore: num, tpsAfter: num });

/**
 * A way to pay less that the plan can prove: what it saves a month against the answer's cost, the
 * cost after it, how the figure is worked out (recomputable by hand), and the commands that apply it.
 * No saving breaks max_throttled_pct, the zone promise or a service limit.
 */
const SavingSchema = z.object({
  kind: z.enum(SAVING_KINDS),
  title: str,
  monthlySavingUsd: nonneg,
  monthlyCostUsd: nonneg,
  derivation: str,
  commands: z.array(str).optional(),
  /** stop-schedule: the weekly stops, the requests they fail (none when demand is zero) and the clock. */
  stops: z
    .object({
      timezone: str,
      windows: z.array(StopWindowSchema),
      stoppedHoursPerWeek: nonneg,
      failedRequestsPerMonth: int,
      throttledPct: nonneg,
    })
    .optional(),
  /** throttle-tradeoff: the pair and its cost at each limit. */
  tradeoff: z.array(TradeoffPointSchema).optional(),
  /** image-size: the classes sent smaller and the answer they give. */
  imageSize: z
    .object({ classes: z.array(ResizedClassSchema), tpsPerUnit: num, minInferenceUnits: int, maxInferenceUnits: int, caveat: str })
    .optional(),
});

/** A batch workload's fleet: starts, processes one batch and stops, every day or week. */
const BatchSchema = z.object({
  images: int,
  every: z.enum(['day', 'week']),
  deadlineHours: nonneg,
  startMinutes: int,
  units: int,
  runHoursPerBatch: nonneg,
  batchesPerMonth: nonneg,
  monthlyCostUsd: nonneg,
  meetsDeadline: z.boolean(),
  derivation: str,
  commands: z.array(str),
});

/** A workload's name: it reaches terminals and pull-request comments, so no control characters, as in a workload. */
export const PlanNameSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !hasControlChars(s), { error: 'name must not contain control characters' });

const PlanSchema = z.object({
  name: PlanNameSchema,
  id: str.max(100).optional(),
  file: str.max(4096).optional(),
  /** A digest of the workload without its name and id: how the gate recognises it renamed and moved. */
  contentSha256: str.max(64).optional(),
  service: z.enum(['rekognition-custom-labels', 'lookout-for-vision', 'custom']),
  region: str,
  task: z.enum(['classification', 'detection']),
  pricePerUnitHourUsd: nonneg,
  priceSource: str,
  tpsSource: str,
  calibration: num,
  classes: z.array(ClassTpsSchema),
  tpsPerUnit: num,
  tpsPerUnitLow: num,
  unitsIfTpsLow: z.object({ min: int, max: int }),
  targetUtilization: num,
  capacityPerUnitTps: num,
  baselineTps: nonneg,
  peakTps: nonneg,
  /** The answer: the pair to run and its monthly cost on `costBasis`. */
  minInferenceUnits: int,
  maxInferenceUnits: int,
  monthlyCostUsd: nonneg,
  costBasis: BasisSchema,
  costByBasis: CostByBasisSchema,
  /** static-rule: the peak/baseline rule's pair; search: the cost-optimal pair on the traffic over time. */
  pairSource: z.enum(['static-rule', 'search']),
  headline: str,
  autoscale: z.boolean(),
  hoursPerMonth: nonneg,
  costPer1000ImagesUsd: nonneg.nullable(),
  staticRule: StaticRuleSchema,
  search: SearchSchema.optional(),
  zoneOutage: ZoneOutageSchema,
  derivation: DerivationSchema,
  /** Why the answer is what it is, when that is not plain. */
  notes: z.array(str),
  /** The AWS CLI command that starts model.project_version_arn with the recommended pair. */
  startCommand: str.optional(),
  warnings: z.array(WarningSchema),
  /** Ways to pay less, largest saving first (plan@3 files written before them read as none). */
  savings: z.array(SavingSchema).default([]),
  /** traffic.batch: the fleet that is the answer (Min = Max = its units). */
  batch: BatchSchema.optional(),
});

const PlanTotalsSchema = z.object({
  workloads: int,
  minInferenceUnits: int,
  maxInferenceUnits: int,
  /** The sum of every plan's headline cost, each on its own basis (`bases` counts them). */
  monthlyCostUsd: nonneg,
  /** batch: present when some plan is a batch fleet. */
  bases: z.object({ simulated: int, expected: int, max: int, min: int, batch: int.optional() }),
});

export const PlanReportSchema = z.object({ schema: z.literal(PLAN_SCHEMA_ID), plans: z.array(PlanSchema), totals: PlanTotalsSchema });

export type Plan = z.output<typeof PlanSchema>;
export type PlanTotals = z.output<typeof PlanTotalsSchema>;
export type PlanReport = z.output<typeof PlanReportSchema>;
export type Basis = (typeof BASES)[number];
export type CostByBasis = z.output<typeof CostByBasisSchema>;
export type ZoneOutageCheck = z.output<typeof ZoneOutageSchema>;
export type PlanSearch = z.output<typeof SearchSchema>;
export type PlanDerivation = z.output<typeof DerivationSchema>;
export type Saving = z.output<typeof SavingSchema>;
export type BatchFleet = z.output<typeof BatchSchema>;
