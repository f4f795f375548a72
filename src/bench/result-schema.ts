import * as z from 'zod';

/**
 * The bench result file, `capacity-plan/bench@1`: written by `bench`, read by `plan`.
 * Readers refuse any other schema string, so the format can evolve without silent misreads.
 */
export const BENCH_SCHEMA_ID = 'capacity-plan/bench@1';

const ms = z.number().nonnegative();

export const LatencySchema = z.object({ mean: ms, p50: ms, p90: ms, p99: ms });
export const StagesSchema = z.object({ decode: ms, preprocess: ms, infer: ms, postprocess: ms });

export const BenchConditionSchema = z.object({
  id: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  format: z.string(),
  /** Actual mean encoded size of the images measured, MB (10^6 bytes). */
  sizeMb: z.number().positive(),
  targetSizeMb: z.number().positive().nullable().optional(),
  /** Objects drawn into the image (text lines for the built-in detector). */
  objects: z.number().int().nonnegative(),
  /** Objects the model reported (mean over the images of the condition); null for classification. */
  detected: z.number().nonnegative().nullable(),
  samples: z.number().int().positive(),
  tps: z.number().positive(),
  latencyMs: LatencySchema,
  p99Reliable: z.boolean().optional(),
  stagesMs: StagesSchema,
  rsePct: z.number().nonnegative(),
  stable: z.boolean(),
  warnings: z.array(z.string()).default([]),
});

export const CostModelSchema = z.object({
  /** per-image ms = interceptMs + msPerMegapixel*MP + msPerMb*sizeMb + msPerObject*objects */
  interceptMs: z.number(),
  msPerMegapixel: z.number(),
  msPerMb: z.number(),
  msPerObject: z.number(),
  r2: z.number(),
  /** Leave-one-out cross-validation: mean absolute relative error of predicted ms, %. */
  looMeanAbsErrPct: z.number().nonnegative(),
  looMaxAbsErrPct: z.number().nonnegative().optional(),
  conditions: z.number().int().positive(),
  /** Factors the measured conditions could not identify (constant or collinear); their coefficient is 0. */
  dropped: z.array(z.string()).optional(),
  /** Factors whose fitted slope came out negative (noise: time never falls as images grow); fixed at 0. */
  clamped: z.array(z.string()).optional(),
  range: z.object({
    megapixels: z.tuple([z.number(), z.number()]),
    sizeMb: z.tuple([z.number(), z.number()]),
    objects: z.tuple([z.number(), z.number()]),
  }),
});

/** The model's first condition measured again after its last (see recheck.ts): drift of the machine during the run. */
export const RecheckSchema = z.object({
  conditionId: z.string(),
  tps: z.number().positive(),
  samples: z.number().int().positive(),
  rsePct: z.number().nonnegative(),
  /** TPS again vs the first measurement, %. */
  changePct: z.number(),
  /** More than RECHECK_Z combined standard errors apart: the machine changed, not the sample. */
  significant: z.boolean(),
});

export const BenchModelSchema = z.object({
  name: z.string(),
  task: z.enum(['classification', 'detection']),
  source: z.string(),
  sha256: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  parameterCount: z.number().int().nonnegative(),
  input: z.record(z.string(), z.unknown()),
  sessionCreateMs: ms,
  firstRunMs: ms,
  costModel: CostModelSchema.nullable(),
  conditions: z.array(BenchConditionSchema),
  /** Absent for runs that measured one block or were interrupted. */
  recheck: RecheckSchema.optional(),
  warnings: z.array(z.string()).default([]),
});

/** `bench --scaling`: 1 and 2 units side by side on one condition; efficiency = TPS(2) / (2 × TPS(1)). */
export const ScalingSchema = z.object({
  model: z.string(),
  condition: z.string(),
  durationS: z.number().positive(),
  runs: z.array(z.object({ units: z.number().int().positive(), tps: z.number().nonnegative(), tpsPerUnit: z.array(z.number().nonnegative()) })),
  efficiency: z.number().nonnegative(),
});

/**
 * What the run was asked for, so `--resume FILE` alone measures the same thing. Optional: files
 * written before it was recorded, and results users assemble, have none.
 */
export const SuiteRecordSchema = z.object({
  /** The suite file, relative to the result file's folder; null: the packaged default (or quick) suite. */
  path: z.string().min(1).nullable(),
  /** sha256 of the suite file's bytes: a suite edited since the partial result is refused. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  quick: z.boolean(),
  /** --model as given; absent: the suite's list. */
  models: z.array(z.string().min(1)).optional(),
});

export const BenchResultSchema = z.object({
  schema: z.literal(BENCH_SCHEMA_ID),
  createdAt: z.string(),
  complete: z.boolean(),
  suite: SuiteRecordSchema.optional(),
  host: z.object({
    cpuModel: z.string(),
    cores: z.number().int().positive(),
    os: z.string(),
    node: z.string(),
    onnxruntime: z.string(),
    executionProvider: z.string(),
    sharp: z.string().optional(),
  }),
  unit: z.object({ threads: z.number().int().positive() }),
  models: z.array(BenchModelSchema),
  scaling: z.array(ScalingSchema).optional(),
  warnings: z.array(z.string()).default([]),
});

export type BenchResult = z.infer<typeof BenchResultSchema>;
export type BenchModel = z.infer<typeof BenchModelSchema>;
export type BenchCondition = z.infer<typeof BenchConditionSchema>;
export type CostModel = z.infer<typeof CostModelSchema>;
export type Scaling = z.infer<typeof ScalingSchema>;
export type Recheck = z.infer<typeof RecheckSchema>;
export type SuiteRecord = z.infer<typeof SuiteRecordSchema>;
