import * as z from 'zod';
import { str, WarningSchema } from './common.js';
import { LOADTEST_SCHEMA_ID, LOADTEST_V1_SCHEMA_ID } from './ids.js';

/**
 * The load test result file, `capacity-plan/loadtest@2`: written by `loadtest`, read by whatever
 * takes a unit's TPS from it (a workload's calibration) and by `report`. Everything a calibration
 * needs is at the top level: the image class sent, the units in service, the highest clean TPS
 * and TPS per unit, with the steps that found them.
 */

const ms = z.number().nonnegative();

const LoadtestStepSchema = z.object({
  index: z.number().int().positive(),
  phase: z.enum(['ramp', 'bisect']),
  /** Open loop: the offered request rate; null in users mode. */
  offeredTps: z.number().positive().nullable(),
  /** Closed loop: concurrent users, each sending its next call when the last one answered; null in open mode. */
  users: z.number().int().positive().nullable(),
  /** The measured window (after the step's warm-up), seconds. */
  durationS: z.number().positive(),
  sent: z.number().int().nonnegative(),
  succeeded: z.number().int().nonnegative(),
  throttled: z.number().int().nonnegative(),
  otherErrors: z.number().int().nonnegative(),
  /** Other errors by exception name (or network error code). */
  errors: z.record(z.string(), z.number().int().positive()),
  /** Calls that could not be sent because the client already had its limit in flight. */
  notSent: z.number().int().nonnegative(),
  /** Open loop: calls sent over 50 ms after their scheduled time, because the client itself was too slow or starved of CPU. */
  lateSends: z.number().int().nonnegative(),
  achievedTps: z.number().nonnegative(),
  throttledPerS: z.number().nonnegative(),
  throttledPct: z.number().nonnegative(),
  /** Latency of the successful calls, send to answer; null when none succeeded. */
  latencyMs: z.object({ p50: ms, p95: ms, p99: ms }).nullable(),
  /** Throttled calls at most the limit (1%) of the calls sent. */
  clean: z.boolean(),
});

export const LoadtestResultSchema = z.object({
  schema: z.literal(LOADTEST_SCHEMA_ID),
  createdAt: z.string(),
  /** false when the search was interrupted or stopped by errors before it converged. */
  complete: z.boolean(),
  stoppedBy: z.enum(['converged', 'max-steps', 'no-throttling', 'throttled-at-start', 'interrupted', 'server-errors', 'request-errors']),
  target: z.object({
    kind: z.enum(['endpoint', 'aws']),
    endpoint: z.string().nullable(),
    projectVersionArn: z.string(),
    region: z.string().nullable(),
  }),
  method: z.object({
    /** capacity-plan's step search, or AWS's sample reproduced (`--method aws-sample`); absent in older files: the step search. */
    name: z.enum(['step-search', 'aws-sample']).optional(),
    mode: z.enum(['open', 'users']),
    start: z.number().positive(),
    growth: z.number().gt(1),
    stepS: z.number().positive(),
    warmupS: z.number().nonnegative(),
    throttleLimitPct: z.number().nonnegative(),
    resolutionPct: z.number().positive(),
    maxSteps: z.number().int().positive(),
    /** 0 for the step search: a throttled call is the measurement (SDK maxAttempts: 1). 1 for the AWS sample, whose botocore config retries once. */
    retries: z.union([z.literal(0), z.literal(1)]),
  }),
  /** The image class sent: what a calibration matches against the bench file's conditions. */
  images: z.object({
    source: z.enum(['bytes', 's3']),
    location: z.string(),
    count: z.number().int().positive(),
    /** Mean pixel size; null for S3 images (not downloaded). */
    meanWidth: z.number().positive().nullable(),
    meanHeight: z.number().positive().nullable(),
    meanSizeMb: z.number().positive(),
    formats: z.array(z.string()),
    /** Mean boxes per successful answer (labels with a bounding box); null when no answer had one (classification). */
    meanObjects: z.number().nonnegative().nullable(),
  }),
  units: z.object({
    inService: z.number().int().positive(),
    source: z.enum(['DescribeProjectVersions', '--units']),
    minInferenceUnits: z.number().int().nonnegative().nullable(),
    maxInferenceUnits: z.number().int().nonnegative().nullable(),
  }),
  steps: z.array(LoadtestStepSchema),
  /** Achieved TPS of the best clean step; null when no step was clean. */
  highestCleanTps: z.number().positive().nullable(),
  tpsPerUnit: z.number().positive().nullable(),
  /** How the headline number was reached, in words and figures. */
  derivation: z.string(),
  warnings: z.array(WarningSchema).default([]),
  /** `--method aws-sample`: the sample's own figure for its last run (Locust's current_rps - current_fail_per_sec). */
  awsSample: z
    .object({
      maxTps: z.number().nonnegative(),
      failurePerS: z.number().nonnegative(),
      p95LatencyMs: ms.nullable(),
      users: z.number().int().positive(),
      /** The seconds of the last run that Locust's window averaged (12 s to 2 s before its last answer). */
      window: z.object({ fromS: z.number(), toS: z.number() }),
    })
    .optional(),
});

export type LoadtestResult = z.output<typeof LoadtestResultSchema>;
export type LoadtestStep = z.output<typeof LoadtestStepSchema>;

/**
 * `capacity-plan/loadtest@1`: the same result with its warnings as bare sentences. A load test
 * bills a running model by the hour, so its files are read on rather than refused: each
 * sentence becomes a warning with the code `uncoded`.
 */
export const LoadtestResultV1Schema = LoadtestResultSchema.extend({
  schema: z.literal(LOADTEST_V1_SCHEMA_ID),
  warnings: z.array(str).default([]),
}).transform((r): LoadtestResult => ({
  ...r,
  schema: LOADTEST_SCHEMA_ID,
  warnings: r.warnings.map((message) => ({ code: 'uncoded', message })),
}));
