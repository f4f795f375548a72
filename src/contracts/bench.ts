import * as z from 'zod';
import { STAGE_FACTOR_NAMES } from './bench-stages.js';
import { WarningSchema } from './common.js';
import { BENCH_SCHEMA_ID, BENCH_V1_SCHEMA_ID } from './ids.js';

/** A warning: a stable code to match on and a sentence to read; a bench@1 sentence reads as code `uncoded`. */
const BenchWarningSchema = z.union([WarningSchema, z.string().transform((message) => ({ code: 'uncoded', message }))]);
const warnings = z.array(BenchWarningSchema).default([]);

const ms = z.number().nonnegative();

const LatencySchema = z.object({ mean: ms, p50: ms, p90: ms, p99: ms });
const StagesSchema = z.object({ decode: ms, preprocess: ms, infer: ms, postprocess: ms });

const BenchConditionSchema = z.object({
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
  /** Mean per-image time as measured, before the machine-speed correction (see SpeedSchema), ms; absent in older files. */
  rawMs: ms.optional(),
  /** Mean wall-clock time per image, ms (the figures above are in the unit's clock); absent in older files. */
  wallMs: ms.optional(),
  /** The model-input tensor's spatial size for this condition (the model's resize rule); absent in older files. */
  inputWidth: z.number().int().positive().optional(),
  inputHeight: z.number().int().positive().optional(),
  rsePct: z.number().nonnegative(),
  /** The RSE the condition had to reach, %: the suite's target or looser, by its share of the prediction error; absent in older files. */
  targetRsePct: z.number().positive().optional(),
  stable: z.boolean(),
  warnings,
});

const CostModelSchema = z.object({
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

const StageFitSchema = z.object({
  /** stage ms = interceptMs + Σ slopes[factor] × factor */
  interceptMs: z.number(),
  slopes: z.partialRecord(z.enum(STAGE_FACTOR_NAMES), z.number().nonnegative()),
  r2: z.number(),
  looMeanAbsErrPct: z.number().nonnegative(),
  looMaxAbsErrPct: z.number().nonnegative(),
  dropped: z.array(z.string()),
  clamped: z.array(z.string()),
});

/** The per-stage cost model (bench/stage-model.ts): per-image ms = Σ stage fits; LOO and R² of the sum. */
const StageModelSchema = z.object({
  stages: z.object({ decode: StageFitSchema, preprocess: StageFitSchema, infer: StageFitSchema, postprocess: StageFitSchema }),
  r2: z.number(),
  looMeanAbsErrPct: z.number().nonnegative(),
  looMaxAbsErrPct: z.number().nonnegative(),
  conditions: z.number().int().positive(),
  range: z.object({
    sourceMegapixels: z.tuple([z.number(), z.number()]),
    sizeMb: z.tuple([z.number(), z.number()]),
    inputMegapixels: z.tuple([z.number(), z.number()]),
    objects: z.tuple([z.number(), z.number()]),
  }),
});

const spanSchema = z.object({ mean: z.number(), min: z.number(), max: z.number() });

/**
 * A folder measured as a sample of the workload (bench/corpus.ts): images drawn at random with
 * replacement until the corpus mean per-image time is precise enough. A workload image class
 * can name it (`corpus: NAME`) instead of describing the images.
 */
const CorpusSchema = z.object({
  /** images_dir as the suite gave it. */
  name: z.string(),
  /** Images in the pool (decodable ones). */
  images: z.number().int().positive(),
  skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
  seed: z.number().int(),
  samples: z.number().int().positive(),
  distinctImages: z.number().int().positive(),
  tps: z.number().positive(),
  latencyMs: LatencySchema,
  p99Reliable: z.boolean(),
  stagesMs: StagesSchema,
  detected: z.number().nonnegative().nullable(),
  /** Fewest and most detections on one drawn image; absent for classification and in older files. */
  detectedRange: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]).optional(),
  rsePct: z.number().nonnegative(),
  stable: z.boolean(),
  megapixels: spanSchema,
  sizeMb: spanSchema,
  /** The files with the highest mean per-image time among those drawn, slowest first. */
  slowest: z.array(
    z.object({
      file: z.string(),
      ms: ms,
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      sizeMb: z.number().positive(),
    }),
  ),
  warnings: z.array(BenchWarningSchema),
});

/**
 * A plausibility check the model's decoded outputs failed (bench/models/plausibility.ts): the outputs were
 * timed, but they look like a wrong entry's (scores past 1, boxes without area, nothing found on
 * any photo...). Each is also a line of the model's warnings, so every format shows it.
 */
const PlausibilitySchema = z.object({
  check: z.string(),
  /** conditions (synthetic images) or corpus (the user's photos). */
  on: z.enum(['conditions', 'corpus']),
  images: z.number().int().nonnegative(),
  of: z.number().int().nonnegative(),
  example: z.string(),
});

/** Older files: the model's first condition measured again after its last, the drift of the machine during the run. */
const RecheckSchema = z.object({
  conditionId: z.string(),
  tps: z.number().positive(),
  samples: z.number().int().positive(),
  rsePct: z.number().nonnegative(),
  /** TPS again vs the first measurement, %. */
  changePct: z.number(),
  /** More than RECHECK_Z combined standard errors apart: the machine changed, not the sample. */
  significant: z.boolean(),
});

/**
 * The machine's speed while the model was measured, as its interleaved conditions saw it
 * (bench/drift.ts): every condition's figures are at the average speed of its block, and the blocks of
 * one model are brought to the first block's speed through their shared reference condition.
 */
const SpeedSchema = z.object({
  /** cpu: process CPU time (one-thread units); wall: performance.now() (see bench/pipeline.ts Clock). */
  clock: z.enum(['cpu', 'wall']),
  blocks: z.array(
    z.object({
      /** Condition measured in every round of the block, the others' yardstick. */
      reference: z.string(),
      /** Other conditions' samples within ± this many seconds estimate the speed at a moment. */
      halfWindowS: z.number().positive(),
      /** Relative speed over the block, s since its first measured sample (1 = the block's average). */
      trace: z.array(z.object({ atS: z.number().nonnegative(), speed: z.number().positive() })),
      /** The block's figures were divided by this to bring them to the first block's speed (1 for the first). */
      linkFactor: z.number().positive(),
    }),
  ),
});

const BenchModelSchema = z.object({
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
  /** Absent in files written before the per-stage model existed; plans then use costModel. */
  stageModel: StageModelSchema.nullable().optional(),
  conditions: z.array(BenchConditionSchema),
  /** A folder measured as a corpus (images_dir); absent otherwise. */
  corpus: CorpusSchema.optional(),
  /** Older files only: the first condition measured again at the end (now the speed trace says how the machine moved). */
  recheck: RecheckSchema.optional(),
  /** Absent in older files. */
  speed: SpeedSchema.optional(),
  /** Failed plausibility checks; absent when every output made sense (and in older files). */
  plausibility: z.array(PlausibilitySchema).optional(),
  warnings,
});

/** `bench --scaling`: 1 and 2 units side by side on one condition; efficiency = TPS(2) / (2 × TPS(1)). */
const ScalingSchema = z.object({
  model: z.string(),
  condition: z.string(),
  durationS: z.number().positive(),
  runs: z.array(
    z.object({ units: z.number().int().positive(), tps: z.number().nonnegative(), tpsPerUnit: z.array(z.number().nonnegative()) }),
  ),
  efficiency: z.number().nonnegative(),
});

/**
 * What the run was asked for, so `--resume FILE` alone measures the same thing. Optional: files
 * written before it was recorded, and results users assemble, have none.
 */
const SuiteRecordSchema = z.object({
  /** The suite file, relative to the result file's folder; null: the packaged default (or quick) suite. */
  path: z.string().min(1).nullable(),
  /** sha256 of the suite file's bytes: a suite edited since the partial result is refused. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  quick: z.boolean(),
  /** --model as given; absent: the suite's list. */
  models: z.array(z.string().min(1)).optional(),
});

/**
 * The bench result file, `capacity-plan/bench@2`: written by `bench`, read by `plan` and `report`.
 * bench@1 reads on as bench@2: its warnings were plain sentences (each becomes code `uncoded`).
 */
export const BenchResultSchema = z.object({
  schema: z.union([z.literal(BENCH_SCHEMA_ID), z.literal(BENCH_V1_SCHEMA_ID).transform((): typeof BENCH_SCHEMA_ID => BENCH_SCHEMA_ID)]),
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
  /** clock: what per-image times were measured with (absent in older files: wall). */
  unit: z.object({ threads: z.number().int().positive(), clock: z.enum(['cpu', 'wall']).optional() }),
  models: z.array(BenchModelSchema),
  scaling: z.array(ScalingSchema).optional(),
  warnings,
});

export type BenchResult = z.infer<typeof BenchResultSchema>;
export type BenchModel = z.infer<typeof BenchModelSchema>;
export type BenchCondition = z.infer<typeof BenchConditionSchema>;
export type BenchWarning = z.output<typeof BenchWarningSchema>;
export type CostModel = z.infer<typeof CostModelSchema>;
export type Scaling = z.infer<typeof ScalingSchema>;
export type StageModel = z.infer<typeof StageModelSchema>;
export type Corpus = z.infer<typeof CorpusSchema>;
export type SuiteRecord = z.infer<typeof SuiteRecordSchema>;
