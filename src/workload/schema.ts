import * as z from 'zod';
import { hasControlChars } from '../core/escape.js';
import { formatCount } from '../core/numbers.js';
import { BOUNDS } from './bounds.js';
import { isTimeZone, weeklyMinutes } from './calendar.js';

// A CLI run parses each schema once or a few times: compiling zod's fast-path parsers with
// `new Function` costs more than it saves (and is refused where eval is disabled).
z.config({ jitless: true });

/**
 * The workload file, schema v1: the one source of truth. TypeScript types and the JSON
 * Schema for editors (schema/workload.schema.json) are both derived from it.
 * Keys are snake_case because people type them; unknown keys are errors so a typo never
 * passes silently.
 */

// Every check carries its own message: zod applies a schema's `error` to every issue that has none.
const number = (what: string) => z.number({ error: `${what} must be a number` });
const atMost = (what: string, max: number, why = '') => ({ error: `${what} must be at most ${formatCount(max)}${why}` });
const positive = (what: string) => number(what).positive({ error: `${what} must be greater than 0` });
const nonNegative = (what: string) => number(what).nonnegative({ error: `${what} must be 0 or more` });
const tps = (what: string, schema: z.ZodNumber) => schema.max(BOUNDS.tps, atMost(what, BOUNDS.tps, ' requests per second'));

/** Names reach terminals, markdown and HTML: no control characters (escape sequences, line breaks). */
/**
 * A file a workload names, relative to it. Its text reaches messages and reports (terminals, pull
 * request comments), so control characters are refused like in names.
 */
const namedFile = (what: string) =>
  z
    .string({ error: `${what} must be a path` })
    .min(1, { error: `${what} must not be empty` })
    .max(4096, { error: `${what} must be at most 4096 characters` })
    .refine((s) => !hasControlChars(s), {
      error: `${what} must not contain control characters (escape sequences, tabs, line breaks, NUL) or bidi overrides`,
    });
const displayName = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, { error: `${what} must not be empty` })
    .max(200, { error: `${what} must be at most 200 characters` })
    .refine((s) => !hasControlChars(s), {
      error: `${what} must not contain control characters (escape sequences, tabs, line breaks, NUL) or bidi overrides`,
    });

const SERVICES = ['rekognition-custom-labels', 'lookout-for-vision', 'custom'] as const;
const TASKS = ['classification', 'detection'] as const;
const IMAGE_SOURCES = ['bytes', 's3'] as const;

const pixels = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number of pixels` })
    .positive({ error: `${what} must be greater than 0` })
    .max(BOUNDS.sidePx, atMost(what, BOUNDS.sidePx, ' px'));
const objectCount = z
  .number({ error: 'objects must be a number' })
  .int({ error: 'objects must be a whole number' })
  .nonnegative({ error: 'objects must be 0 or more' })
  .max(BOUNDS.objects, atMost('objects', BOUNDS.objects));
const sizeMb = () => positive('size_mb').max(BOUNDS.sizeMb, atMost('size_mb', BOUNDS.sizeMb, ' MB'));

/** The keys that describe one kind of image; a class gives them or names a measured corpus instead. */
const DESCRIBED_KEYS = ['width', 'height', 'size_mb'] as const;

export const ImageClassSchema = z
  .strictObject({
    share: positive('share')
      .max(1, { error: 'share must be at most 1' })
      .describe('Fraction of requests that are this kind of image; shares sum to 1.'),
    width: pixels('width').optional().describe('Image width in pixels.'),
    height: pixels('height').optional().describe('Image height in pixels.'),
    size_mb: sizeMb().optional().describe('Encoded image file size in MB (10^6 bytes).'),
    objects: objectCount.default(0).describe('Objects per image (detection).'),
    corpus: z
      .string()
      .min(1, { error: 'corpus must not be empty' })
      .optional()
      .describe(
        "Instead of width, height and size_mb: a photo folder the bench file measured as a corpus (its images_dir), whose mean per-image time is this class's.",
      ),
    source: z.enum(IMAGE_SOURCES).default('bytes').describe('How the image is passed: bytes in the request, or a stored S3 object.'),
  })
  .superRefine((img, ctx) => {
    if (img.corpus !== undefined) {
      for (const key of DESCRIBED_KEYS)
        if (img[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: `${key} does not apply with corpus: the corpus measured its own images` });
      return;
    }
    for (const key of DESCRIBED_KEYS)
      if (img[key] === undefined)
        ctx.addIssue({ code: 'custom', message: `missing required key '${key}' (or name a measured corpus with corpus)` });
  });

/** An image class described by its size (no corpus): width, height and size_mb are present. */
export type DescribedImage = ImageClass & { width: number; height: number; size_mb: number; corpus?: undefined };

export function isDescribed(img: ImageClass): img is DescribedImage {
  return img.corpus === undefined && img.width !== undefined && img.height !== undefined && img.size_mb !== undefined;
}

/** The image a calibration TPS was measured on, described like an image class (share and corpus do not apply). */
const CalibrationImageSchema = z.strictObject({
  width: pixels('width').describe('Width of the image the real unit was measured on, pixels.'),
  height: pixels('height').describe('Height, pixels.'),
  size_mb: sizeMb().describe('Encoded size, MB.'),
  objects: objectCount.default(0).describe('Objects in it (detection).'),
  source: z.enum(IMAGE_SOURCES).default('bytes').describe('How it was passed to the real unit.'),
});

/** A Rekognition Custom Labels model version ARN, as DescribeProjectVersions returns it. */
const PROJECT_VERSION_ARN =
  /^arn:aws[a-z-]*:rekognition:[a-z]{2}(-[a-z]+)+-\d:\d{12}:project\/[a-zA-Z0-9_.-]{1,255}\/version\/[a-zA-Z0-9_.-]{1,255}\/\d+$/;

/**
 * A calibration anchored to a measured image: one real unit's TPS on that image. The factor is
 * this TPS over the local TPS the same bench file predicts for the same image, so the local
 * machine's speed on the day of the bench run cancels out of every class.
 */
const AnchoredCalibrationSchema = z.strictObject({
  tps: tps('tps', positive('tps')).describe(
    "TPS measured on one real inference unit for this image, or for this workload's image mix when image is omitted.",
  ),
  image: CalibrationImageSchema.optional().describe(
    "The image that TPS was measured on; omitted: a load test that sent this workload's own image mix.",
  ),
});

/**
 * A calibration taken from a `capacity-plan loadtest` result file: its TPS per unit, anchored to
 * the image class it sent (mean width, height, size, objects), like {tps, image}.
 */
type AnchoredCalibration = z.infer<typeof AnchoredCalibrationSchema>;
type LoadtestCalibration = z.infer<typeof LoadtestCalibrationSchema>;

const LoadtestCalibrationSchema = z.strictObject({
  loadtest: namedFile('loadtest').describe(
    'A capacity-plan/loadtest@2 file (or @1) (`capacity-plan loadtest --out`), relative to this workload file.',
  ),
});

/**
 * A number, {tps, image} or {loadtest}. Not a z.union: when both branches fail zod 4 reports only "Invalid
 * input"; the value's type picks the branch and that branch's own issues pass through, so a
 * missing key or tps: 0 is reported at its own line.
 */
const CalibrationSchema = z
  .union([z.number(), z.record(z.string(), z.unknown())], { error: 'calibration must be a number, {tps, image} or {loadtest}' })
  .transform((value, ctx): number | AnchoredCalibration | LoadtestCalibration => {
    const r =
      typeof value === 'number'
        ? positive('calibration').max(BOUNDS.calibration, atMost('calibration', BOUNDS.calibration)).safeParse(value)
        : 'loadtest' in value
          ? LoadtestCalibrationSchema.safeParse(value)
          : AnchoredCalibrationSchema.safeParse(value);
    if (r.success) return r.data;
    for (const issue of r.error.issues) ctx.addIssue({ ...issue } as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });

const ModelSchema = z
  .strictObject({
    task: z.enum(TASKS).describe('classification (image-level labels) or detection (bounding boxes).'),
    tps_per_unit: tps('tps_per_unit', positive('tps_per_unit'))
      .optional()
      .describe('Per-unit TPS measured elsewhere, e.g. a load test of one real unit.'),
    bench: namedFile('bench').optional().describe('A capacity-plan bench result file, relative to this workload file.'),
    bench_model: displayName('bench_model').optional().describe('Which model of the bench file, when it holds several.'),
    calibration: CalibrationSchema.default(1).describe(
      "Real-unit TPS / local-unit TPS; or {tps, image}: a real unit's TPS measured on one image, divided by the TPS the bench file predicts for that image; or {loadtest: FILE}: the same from a capacity-plan loadtest result. Printed with every result.",
    ),
    project_version_arn: z
      .string()
      .regex(PROJECT_VERSION_ARN, {
        error: 'project_version_arn: expected arn:aws:rekognition:REGION:ACCOUNT:project/NAME/version/NAME/NUMBER',
      })
      .optional()
      .describe(
        'The Rekognition Custom Labels model version this workload runs: plan then prints the start-project-version command for its Min/Max.',
      ),
  })
  .superRefine((m, ctx) => {
    const has = (m.tps_per_unit !== undefined ? 1 : 0) + (m.bench !== undefined ? 1 : 0);
    if (has !== 1) {
      ctx.addIssue({
        code: 'custom',
        // Both: point at the second of the two, where the user added the conflict.
        ...(has === 2 ? { path: ['bench'] } : {}),
        message: has === 0 ? 'model needs one of tps_per_unit or bench' : 'model takes tps_per_unit or bench, not both',
      });
    }
    if (typeof m.calibration === 'object' && m.bench === undefined) {
      const what = 'loadtest' in m.calibration ? 'calibration from a load test' : 'calibration with an image';
      ctx.addIssue({
        code: 'custom',
        path: ['calibration'],
        message: `${what} needs bench (it divides by the TPS the bench file predicts for that image)`,
      });
    }
    if (m.bench_model !== undefined && m.bench === undefined) {
      ctx.addIssue({ code: 'custom', path: ['bench_model'], message: 'bench_model needs bench' });
    }
  });

/** One window of calendar traffic (calendar.ts reads days and hours). */
const WeeklyWindowSchema = z.strictObject({
  days: z
    .string({ error: 'days must be a string such as mon-fri, sat,sun, weekdays or weekend' })
    .min(1)
    .max(100)
    .describe('Days the window starts on: names (mon, monday), ranges (mon-fri), weekdays, weekend or daily, comma-separated.'),
  hours: z
    .string({ error: 'hours must be a string such as "09:00-17:00"' })
    .min(1)
    .max(100)
    .describe('HH:MM-HH:MM, end exclusive; an end at or before the start crosses midnight.'),
  tps: tps('tps', nonNegative('tps')).describe('Mean requests per second inside the window.'),
});

/** A batch: a fleet starts, processes the images and stops, every day or week, within a deadline. */
const BatchSchema = z.strictObject({
  images: positive('images')
    .int({ error: 'images must be a whole number' })
    .max(BOUNDS.batchImages, atMost('images', BOUNDS.batchImages))
    .describe('Images in one batch.'),
  every: z.enum(['day', 'week']).describe('How often a batch runs.'),
  deadline_hours: positive('deadline_hours')
    .max(168, { error: 'deadline_hours must be at most 168 (a week)' })
    .describe('Hours from the start command until the batch must be done, start_minutes included.'),
});

const TrafficSchema = z
  .strictObject({
    peak_tps: tps('peak_tps', positive('peak_tps'))
      .optional()
      .describe(
        'Highest sustained requests per second to serve. May be omitted with profile or trace: then the highest hour of the profile, or the busiest minute of the trace.',
      ),
    baseline_tps: tps('baseline_tps', nonNegative('baseline_tps'))
      .optional()
      .describe('Traffic most of the time (default: peak_tps; with a profile or trace, its lowest hour or minute).'),
    peak_hours_per_day: nonNegative('peak_hours_per_day')
      .max(24, { error: 'peak_hours_per_day must be at most 24' })
      .optional()
      .describe('Hours a day at peak; enables an expected monthly cost.'),
    profile: z
      .array(tps('profile value', nonNegative('profile value')))
      .refine((a) => a.length === 24 || a.length === 168, {
        error: (i) => `needs 24 hourly values (one day) or 168 (one week, Monday 00:00 first), got ${(i.input as unknown[]).length}`,
      })
      .optional()
      .describe('Mean TPS in each hour: 24 values (one day, repeated) or 168 (one week, Monday 00:00 first).'),
    trace: namedFile('trace')
      .optional()
      .describe(
        'CSV trace relative to this workload file: a timestamp column and an rps or rpm column, at most a year at one-minute resolution.',
      ),
    weekly: z
      .array(WeeklyWindowSchema)
      .min(1, { error: 'weekly needs at least one window' })
      .max(BOUNDS.weeklyWindows, atMost('weekly windows', BOUNDS.weeklyWindows))
      .optional()
      .describe(
        'Calendar traffic: windows such as {days: mon-fri, hours: "09:00-17:00", tps: 300}; baseline_tps (default 0) outside every window. Monday 00:00 first, like a 168-value profile.',
      ),
    timezone: z
      .string()
      .max(64)
      .refine(isTimeZone, { error: 'timezone must be an IANA time zone name such as Europe/Berlin' })
      .optional()
      .describe('IANA time zone the weekly windows are in (default UTC): reports and stop schedules name it.'),
    batch: BatchSchema.optional().describe(
      'A batch workload: images every day or week, done within deadline_hours; plans a fleet that starts, processes and stops.',
    ),
    cloudwatch: namedFile('cloudwatch')
      .optional()
      .describe(
        "A model's request history: the JSON that `aws cloudwatch get-metric-data` writes for the query from `capacity-plan cloudwatch-query`, relative to this workload file. Demand = (SuccessfulRequestCount + ThrottledCount) / period.",
      ),
  })
  .superRefine((t, ctx) => {
    const overTime = (['profile', 'weekly', 'trace', 'cloudwatch', 'batch'] as const).filter((k) => t[k] !== undefined);
    if (overTime.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: [overTime[1]!],
        message: `traffic takes one of profile, weekly, trace, cloudwatch and batch, not ${overTime.join(' and ')}`,
      });
    if (t.peak_tps === undefined && overTime.length === 0)
      ctx.addIssue({ code: 'custom', message: 'traffic needs peak_tps, profile, weekly, trace, cloudwatch or batch' });
    if (t.batch !== undefined)
      for (const key of ['peak_tps', 'baseline_tps', 'peak_hours_per_day'] as const)
        if (t[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: `${key} does not apply with batch: the deadline sets the rate` });
    if (t.weekly !== undefined) calendarProblems(t.weekly, t.peak_hours_per_day, ctx);
    if (t.timezone !== undefined && t.weekly === undefined)
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: 'timezone needs weekly (it names the clock the windows are on)' });
    if (t.weekly !== undefined && t.peak_tps === undefined && Math.max(0, t.baseline_tps ?? 0, ...t.weekly.map((x) => x.tps)) <= 0)
      ctx.addIssue({ code: 'custom', path: ['weekly'], message: 'weekly is all zeros: nothing to plan for' });
    if (t.profile !== undefined && t.peak_tps === undefined && Math.max(...t.profile) <= 0)
      ctx.addIssue({ code: 'custom', path: ['profile'], message: 'profile is all zeros: nothing to plan for' });
    const peak =
      t.peak_tps ??
      (t.profile ? Math.max(...t.profile) : t.weekly ? Math.max(t.baseline_tps ?? 0, ...t.weekly.map((x) => x.tps)) : undefined);
    if (t.baseline_tps !== undefined && peak !== undefined && t.baseline_tps > peak) {
      ctx.addIssue({ code: 'custom', path: ['baseline_tps'], message: `baseline_tps (${t.baseline_tps}) is above peak_tps (${peak})` });
    }
  });

/** Overlapping windows, unknown day names and bad times, each at its own window's key. */
function calendarProblems(
  weekly: Array<{ days: string; hours: string; tps: number }>,
  peakHoursPerDay: number | undefined,
  ctx: z.RefinementCtx,
): void {
  const r = weeklyMinutes(weekly);
  if ('error' in r) ctx.addIssue({ code: 'custom', path: ['weekly', r.error.index, r.error.key], message: r.error.message });
  if (peakHoursPerDay !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['peak_hours_per_day'],
      message: 'peak_hours_per_day does not apply with weekly: the windows say when the peak is',
    });
}

const ScheduleSchema = z.strictObject({
  hours_per_day: positive('hours_per_day')
    .max(24, { error: 'hours_per_day must be at most 24' })
    .default(24)
    .describe('Hours a day the model runs.'),
  days_per_week: positive('days_per_week')
    .max(7, { error: 'days_per_week must be at most 7' })
    .default(7)
    .describe('Days a week the model runs.'),
});

const AvailabilitySchema = z.strictObject({
  production: z.boolean().default(true).describe('true: at least 2 units (availability-zone floor); false: at least 1.'),
  zones: number('zones')
    .int({ error: 'zones must be a whole number' })
    .min(1, { error: 'zones must be at least 1' })
    .max(6, { error: 'zones must be at most 6' })
    .default(3)
    .describe('Availability zones the units are spread over.'),
  survive_zone_outage: z
    .boolean()
    .default(false)
    .describe(
      'Size so the units left after losing the worst zone carry the traffic: with traffic over time, an outage of zone_outage_hours from the busiest hour may throttle only while replacements start (scale_up_minutes).',
    ),
  zone_outage_hours: positive('zone_outage_hours')
    .max(168, { error: 'zone_outage_hours must be at most 168 (a week)' })
    .default(2)
    .describe('How long the zone outage that survive_zone_outage is checked against lasts, hours.'),
});

const ScalingSchema = z.strictObject({
  target_utilization: positive('target_utilization')
    .max(1, { error: 'target_utilization must be at most 1' })
    .default(0.8)
    .describe("Fraction of a unit's TPS to plan on (0 < u <= 1)."),
  autoscale: z.boolean().default(true).describe('false: a fixed fleet (Min = Max).'),
  scale_up_minutes: nonNegative('scale_up_minutes')
    .int({ error: 'scale_up_minutes must be whole minutes' })
    .max(BOUNDS.scalingMinutes, atMost('scale_up_minutes', BOUNDS.scalingMinutes, ' (a day)'))
    .default(15)
    .describe('Minutes before an added unit serves (an assumption: the services do not document it).'),
  scale_down_minutes: nonNegative('scale_down_minutes')
    .int({ error: 'scale_down_minutes must be whole minutes' })
    .max(BOUNDS.scalingMinutes, atMost('scale_down_minutes', BOUNDS.scalingMinutes, ' (a day)'))
    .default(15)
    .describe('Minutes a unit must be unneeded before it is removed.'),
  start_minutes: nonNegative('start_minutes')
    .int({ error: 'start_minutes must be whole minutes' })
    .max(BOUNDS.scalingMinutes, atMost('start_minutes', BOUNDS.scalingMinutes, ' (a day)'))
    .optional()
    .describe(
      'Default 15. Minutes from start-project-version until the model serves (an assumption: AWS documents only "a few minutes"); billed. Stop schedules and batches start this early.',
    ),
  min_stop_minutes: positive('min_stop_minutes')
    .int({ error: 'min_stop_minutes must be whole minutes' })
    .max(BOUNDS.scalingMinutes, atMost('min_stop_minutes', BOUNDS.scalingMinutes, ' (a day)'))
    .optional()
    .describe('Default 60. Shortest stop a stop-schedule saving proposes, minutes (start_minutes not included).'),
  stop_below_tps: tps('stop_below_tps', nonNegative('stop_below_tps'))
    .optional()
    .describe(
      'Default 0. Demand at or below this counts as negligible for a stop schedule: its requests fail while stopped (default 0: stop only where there is no demand).',
    ),
  max_throttled_pct: nonNegative('max_throttled_pct')
    .max(100, { error: 'max_throttled_pct must be at most 100' })
    .default(0.1)
    .describe('Highest share of requests, in percent, the Min/Max search may leave throttled (0.1 = 0.1%).'),
});

const BUDGET_LEVELS = ['warn', 'error'] as const;
const BUDGET_BASES = ['max', 'expected', 'min', 'simulated'] as const;

/** A budget rule is a bare limit, or `{limit, level}` to give that one rule its own level. */
const budgetRule = <T extends z.ZodNumber>(what: string, limit: T) =>
  z.union([limit, z.strictObject({ limit, level: z.enum(BUDGET_LEVELS).optional().describe('warn or error; default: budget.level.') })], {
    error: `${what} must be a number or {limit: N, level: warn|error}`,
  });
const wholeUnits = (what: string) =>
  z.number({ error: `${what} must be a number` }).int({ error: `${what} must be a whole number of units` });

export const BudgetSchema = z.strictObject({
  monthly_usd: budgetRule('monthly_usd', positive('monthly_usd').max(BOUNDS.budgetUsd, atMost('monthly_usd', BOUNDS.budgetUsd)))
    .optional()
    .describe('Monthly cost (on `basis`) must be at most this many USD.'),
  max_increase_usd: budgetRule(
    'max_increase_usd',
    nonNegative('max_increase_usd').max(BOUNDS.budgetUsd, atMost('max_increase_usd', BOUNDS.budgetUsd)),
  )
    .optional()
    .describe('Monthly cost may rise by at most this many USD over the gate baseline.'),
  max_increase_pct: budgetRule(
    'max_increase_pct',
    nonNegative('max_increase_pct').max(BOUNDS.budgetPct, atMost('max_increase_pct', BOUNDS.budgetPct)),
  )
    .optional()
    .describe('Monthly cost may rise by at most this percentage over the gate baseline.'),
  max_units: budgetRule(
    'max_units',
    wholeUnits('max_units').positive({ error: 'max_units must be at least 1' }).max(BOUNDS.units, atMost('max_units', BOUNDS.units)),
  )
    .optional()
    .describe('MaxInferenceUnits must be at most this.'),
  min_units: budgetRule(
    'min_units',
    wholeUnits('min_units').positive({ error: 'min_units must be at least 1' }).max(BOUNDS.units, atMost('min_units', BOUNDS.units)),
  )
    .optional()
    .describe('MinInferenceUnits must be at least this (keeps redundancy from being planned away).'),
  basis: z
    .enum(BUDGET_BASES)
    .optional()
    .describe(
      'Which monthly cost of the recommended Min/Max the plan quotes and the cost rules compare: simulated (minute by minute; needs traffic.profile, trace or cloudwatch), expected (Max in peak hours, Min otherwise; needs traffic.peak_hours_per_day), max or min (that many units all month). Default: simulated with traffic over time, else expected with peak_hours_per_day, else max.',
    ),
  level: z.enum(BUDGET_LEVELS).default('error').describe("Level of this workload's budget rules: error fails the gate, warn only reports."),
});

export const WorkloadSchema = z
  .strictObject({
    $schema: z.string().max(4096).optional().describe('Editor hint; ignored.'),
    version: z.literal(1, { error: 'version must be 1' }),
    name: displayName('name').describe('Name shown in reports (at most 200 characters, no control characters).'),
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
        error: 'id must be 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit',
      })
      .optional()
      .describe('Stable key the gate matches a baseline by (default: name); keep it when renaming the workload.'),
    service: z.enum(SERVICES).default('rekognition-custom-labels'),
    region: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9-]+$/, { error: 'region must look like us-east-1' })
      .default('us-east-1'),
    price_per_unit_hour: positive('price_per_unit_hour')
      .max(BOUNDS.pricePerUnitHourUsd, atMost('price_per_unit_hour', BOUNDS.pricePerUnitHourUsd, ' USD'))
      .optional()
      .describe('USD per inference-unit hour; default from the built-in price table.'),
    model: ModelSchema,
    images: z.array(ImageClassSchema).min(1, { error: 'images needs at least one image class' }),
    traffic: TrafficSchema,
    schedule: ScheduleSchema.default({ hours_per_day: 24, days_per_week: 7 }),
    availability: AvailabilitySchema.default({ production: true, zones: 3, survive_zone_outage: false, zone_outage_hours: 2 }),
    scaling: ScalingSchema.default({
      target_utilization: 0.8,
      autoscale: true,
      scale_up_minutes: 15,
      scale_down_minutes: 15,
      max_throttled_pct: 0.1,
    }),
    budget: BudgetSchema.optional(),
  })
  .superRefine((w, ctx) => {
    const sum = w.images.reduce((s, c) => s + c.share, 0);
    w.images.forEach((img, i) => {
      if (img.corpus !== undefined && w.model.bench === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['images', i, 'corpus'],
          message: 'corpus needs model.bench (the bench file that measured it)',
        });
    });
    if (Math.abs(sum - 1) > 1e-6) {
      ctx.addIssue({ code: 'custom', path: ['images'], message: `image shares sum to ${+sum.toFixed(6)}, not 1` });
    }
    for (const problem of basisProblems(w)) ctx.addIssue({ code: 'custom', path: ['budget', 'basis'], message: problem });
    const batch = w.traffic.batch;
    if (batch !== undefined && batch.deadline_hours * 60 <= startMinutesOf(w)) {
      ctx.addIssue({
        code: 'custom',
        path: ['traffic', 'batch', 'deadline_hours'],
        message: `deadline_hours (${batch.deadline_hours}) leaves no time after scaling.start_minutes (${startMinutesOf(w)} min)`,
      });
    }
    if (w.traffic.peak_hours_per_day !== undefined && w.traffic.peak_hours_per_day > w.schedule.hours_per_day) {
      ctx.addIssue({
        code: 'custom',
        path: ['traffic', 'peak_hours_per_day'],
        message: `peak_hours_per_day (${w.traffic.peak_hours_per_day}) exceeds schedule.hours_per_day (${w.schedule.hours_per_day})`,
      });
    }
  });

/**
 * What a budget basis needs from the traffic: the gate refuses a basis it cannot price, so the
 * schema does (validate then refuses it at the same line).
 */
function basisProblems(w: { budget?: { basis?: string | undefined } | undefined; traffic: z.infer<typeof TrafficSchema> }): string[] {
  const basis = w.budget?.basis;
  const t = w.traffic;
  if (t.batch !== undefined && basis !== undefined)
    return ["budget.basis does not apply with traffic.batch: the batch fleet's cost is the answer"];
  if (basis === 'simulated' && t.profile === undefined && t.weekly === undefined && t.trace === undefined && t.cloudwatch === undefined) {
    return ['simulated needs traffic.profile, traffic.trace or traffic.cloudwatch, or traffic.weekly (the simulation runs on it)'];
  }
  if (basis === 'expected' && t.peak_hours_per_day === undefined && t.weekly === undefined)
    return ['expected needs traffic.peak_hours_per_day or traffic.weekly (the expected cost runs Max in those hours)'];
  return [];
}

/**
 * The defaults of the keys stop schedules and batches read. Applied here, not in the schema, so
 * a workload that leaves them out keeps the content digest it had before they existed.
 */
export const STOP_DEFAULTS = { startMinutes: 15, minStopMinutes: 60, stopBelowTps: 0 } as const;
export const startMinutesOf = (w: { scaling: { start_minutes?: number | undefined } }) =>
  w.scaling.start_minutes ?? STOP_DEFAULTS.startMinutes;

export type Workload = z.infer<typeof WorkloadSchema>;
export type WorkloadInput = z.input<typeof WorkloadSchema>;
export type ImageClass = z.infer<typeof ImageClassSchema>;
export type Service = (typeof SERVICES)[number];

/** JSON Schema for editors (yaml-language-server), derived from the zod schema. */
export function workloadJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(WorkloadSchema, { io: 'input', unrepresentable: 'any' });
  // CalibrationSchema takes any object and checks it in a transform (so errors point at their own
  // key), which JSON Schema cannot see: editors get the three real shapes instead.
  const model = schema.properties?.['model'] as { properties: Record<string, { description?: string; default?: unknown }> };
  const { $schema: _, ...anchored } = z.toJSONSchema(AnchoredCalibrationSchema, { io: 'input', unrepresentable: 'any' });
  const { $schema: __, ...fromLoadtest } = z.toJSONSchema(LoadtestCalibrationSchema, { io: 'input', unrepresentable: 'any' });
  const calibration = model.properties['calibration']!;
  model.properties['calibration'] = {
    description: calibration.description,
    default: calibration.default,
    anyOf: [{ type: 'number', exclusiveMinimum: 0 }, anchored, fromLoadtest],
  } as (typeof model.properties)[string];
  return {
    ...schema,
    $id: 'https://capacity-plan.dev/schema/workload-v1.json',
    title: 'capacity-plan workload (version 1)',
  };
}
