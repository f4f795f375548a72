import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import * as z from 'zod';
import { UserError } from '../core/errors.js';
import { readUserFile } from '../core/files.js';
import { confinePath, type PathPolicy } from '../core/paths.js';
import { loadYamlWithSchema, type LocatedDocument } from '../core/yaml.js';
import { ModelRefSchema, ModelSpecSchema } from './models/spec.js';

/**
 * A bench suite file (YAML): which models, under which conditions, measured how precisely.
 * Unknown keys are errors, like workload files, so a typo never silently measures the default.
 */

const positive = (what: string) => z.number({ error: `${what} must be a number` }).positive({ error: `${what} must be greater than 0` });
const positiveInt = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .positive({ error: `${what} must be greater than 0` });

/** Pixel counts above this are refused as resolutions (the same sanity limit applies to image headers). */
const MAX_SUITE_PIXELS = 100_000_000;
/** Synthetic images are 32 to 16384 px a side (the limits of the image generator, bench/images/synth.ts). */
const SUITE_SIDE_PX = { min: 32, max: 16_384 } as const;

const ResolutionSchema = z
  .string({ error: 'resolution must be a string like "1920x1080"' })
  .regex(/^\d+x\d+$/, { error: 'resolution must look like "1920x1080"' })
  .transform((s, ctx) => {
    const [w, h] = s.split('x').map(Number) as [number, number];
    if (w <= 0 || h <= 0) ctx.addIssue({ code: 'custom', message: `resolution ${s}: width and height must be greater than 0` });
    else if (w * h > MAX_SUITE_PIXELS)
      ctx.addIssue({ code: 'custom', message: `resolution ${s}: more than ${MAX_SUITE_PIXELS / 1e6} megapixels` });
    else if (Math.min(w, h) < SUITE_SIDE_PX.min || Math.max(w, h) > SUITE_SIDE_PX.max) {
      ctx.addIssue({ code: 'custom', message: `resolution ${s}: each side must be ${SUITE_SIDE_PX.min}-${SUITE_SIDE_PX.max} px` });
    }
    return { width: w, height: h };
  });

const MeasureSchema = z.strictObject({
  min_samples: positiveInt('min_samples').default(10).describe('Never stop a condition with fewer samples.'),
  min_time_s: positive('min_time_s').default(0.5).describe('Never stop a condition sooner, seconds.'),
  max_time_s: positive('max_time_s')
    .default(2)
    .describe('Stop a condition at this time even if not precise enough (marked stable: false), seconds.'),
  target_rse_pct: positive('target_rse_pct')
    .default(2)
    .describe('Stop when the relative standard error of the mean per-image time is at most this, %.'),
  block_conditions: z
    .number()
    .int({ error: 'block_conditions must be a whole number' })
    .min(1, { error: 'block_conditions must be at least 1' })
    .max(200, { error: 'block_conditions must be at most 200' })
    .optional()
    .describe(
      "Most conditions measured interleaved in one block (default 24): a block's conditions share one machine-speed correction, and an interrupted run loses at most one block.",
    ),
});

const ConditionsSchema = z.strictObject({
  resolutions: z.array(ResolutionSchema).min(1).optional().describe('Synthetic image sizes, "WIDTHxHEIGHT".'),
  sizes_mb: z
    .union([
      z.array(positive('sizes_mb')).min(1),
      z.record(z.string().regex(/^\d+x\d+$/, { error: 'keys must be resolutions like "1920x1080"' }), z.array(positive('sizes_mb')).min(1)),
    ])
    .optional()
    .describe('Target encoded file sizes, MB: one list for every resolution, or a list per resolution ("1920x1080": [0.3, 1]).'),
  objects: z
    .array(z.number().int({ error: 'objects must be a whole number' }).nonnegative({ error: 'objects must be 0 or more' }))
    .min(1)
    .optional()
    .describe('Objects (text lines) drawn per image; classification uses 0 only.'),
  design: z
    .enum(['full', 'star', 'optimal'])
    .default('full')
    .describe(
      'full: every resolution × size × objects. star: per resolution, every size at the middle object count and every object count at the middle size. optimal: `count` conditions of the full crossing chosen for the per-stage cost model (a D-optimal design, see docs/bench.md).',
    ),
  count: z
    .number()
    .int({ error: 'count must be a whole number' })
    .min(4, { error: 'count must be at least 4 (the per-stage model needs 4 conditions)' })
    .max(200, { error: 'count must be at most 200' })
    .optional()
    .describe('Conditions per model for design: optimal (default 12; a classifier, with fewer features to tell apart, takes fewer).'),
  images_dir: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Measure your own images instead (this folder, relative to the suite file): as a corpus, images drawn at random until the mean per-image time is precise; a workload image class can then name it (corpus: the same text).',
    ),
  per_image: z
    .boolean()
    .default(false)
    .describe(
      'images_dir: measure every image as its own condition instead of the folder as a corpus (for small folders; feeds the cost models).',
    ),
  seed: z
    .number({ error: 'seed must be a number' })
    .int({ error: 'seed must be a whole number' })
    .nonnegative()
    .default(1)
    .describe('images_dir corpus: seed of the random draws (the same seed draws the same images in the same order).'),
  corpus_max_time_s: positive('corpus_max_time_s')
    .default(30)
    .describe('images_dir corpus: stop drawing at this time even if the mean is not precise enough (marked stable: false), seconds.'),
});

/** A built-in name or a model spec; errors inside a spec point at their own key. */
const SuiteModelSchema = ModelRefSchema;

const SuiteSchema = z
  .strictObject({
    version: z.literal(1, { error: 'version must be 1' }),
    unit: z.strictObject({ threads: positiveInt('threads').default(1) }).prefault({}),
    models: z.array(SuiteModelSchema).min(1, { error: 'models needs at least one model' }),
    conditions: ConditionsSchema.prefault({}),
    measure: MeasureSchema.prefault({}),
  })
  .superRefine((s, ctx) => {
    if (s.measure.max_time_s < s.measure.min_time_s) {
      ctx.addIssue({
        code: 'custom',
        path: ['measure', 'max_time_s'],
        message: `must be at least min_time_s (${s.measure.min_time_s}), got ${s.measure.max_time_s}`,
      });
    }
    const c = s.conditions;
    if (c.sizes_mb && !Array.isArray(c.sizes_mb)) {
      const listed = new Set((c.resolutions ?? []).map((r) => `${r.width}x${r.height}`));
      for (const key of Object.keys(c.sizes_mb)) {
        if (!listed.has(key))
          ctx.addIssue({ code: 'custom', path: ['conditions', 'sizes_mb', key], message: `${key} is not in conditions.resolutions` });
      }
      for (const r of listed) {
        if (!(r in c.sizes_mb)) ctx.addIssue({ code: 'custom', path: ['conditions', 'sizes_mb'], message: `no sizes for resolution ${r}` });
      }
    }
    if (c.images_dir === undefined && c.per_image) {
      ctx.addIssue({ code: 'custom', path: ['conditions', 'per_image'], message: 'per_image needs images_dir' });
    }
    if (c.images_dir !== undefined && (c.resolutions || c.sizes_mb || c.objects)) {
      ctx.addIssue({
        code: 'custom',
        path: ['conditions', 'images_dir'],
        message: 'images_dir replaces resolutions, sizes_mb and objects; give one or the other',
      });
    }
  });

type Suite = z.infer<typeof SuiteSchema>;

export interface LoadedSuite {
  file: string;
  suite: Suite;
  /** images_dir resolved against the suite file's folder. */
  imagesDir?: string;
  baseDir: string;
  /** Where each value came from, for errors found after parsing (e.g. a folder with no decodable image). */
  doc?: LocatedDocument;
  /** sha256 of the file's bytes (see SuiteRecordSchema); absent when parsed from text alone. */
  sha256?: string;
}

export function parseSuite(text: string, file: string): LoadedSuite {
  return parseLocated(text, file).loaded;
}

function parseLocated(text: string, file: string): { loaded: LoadedSuite; doc: LocatedDocument } {
  const { value: suite, doc } = loadYamlWithSchema(text, file, SuiteSchema);
  const baseDir = dirname(resolve(file));
  return {
    loaded: {
      file,
      suite,
      baseDir,
      doc,
      imagesDir: suite.conditions.images_dir ? resolve(baseDir, suite.conditions.images_dir) : undefined,
    },
    doc,
  };
}

/** Reads a suite file; the paths it names (model files, images_dir) must stay where `paths` allows (core/paths.ts). */
export async function loadSuite(file: string, paths: PathPolicy): Promise<LoadedSuite> {
  await confinePath(file, undefined, paths);
  const text = await readUserFile(file, 'bench suite file');
  if (text.trim() === '') throw UserError.at(file, 'file is empty', 1, 1);
  const { loaded, doc } = parseLocated(text, file);
  const named: Array<[string, Array<string | number>]> = loaded.suite.models.flatMap((m, i): Array<[string, Array<string | number>]> =>
    typeof m === 'string' ? [] : [[m.path, ['models', i, 'path']]],
  );
  if (loaded.suite.conditions.images_dir !== undefined) named.push([loaded.suite.conditions.images_dir, ['conditions', 'images_dir']]);
  for (const [path, key] of named) {
    try {
      await confinePath(path, file, paths);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      const at = doc.locate(key);
      throw UserError.at(file, `${key.join('.').replace(/\.(\d+)/g, '[$1]')}: ${err.message}`, at.line, at.col);
    }
  }
  return { ...loaded, sha256: createHash('sha256').update(text, 'utf8').digest('hex') };
}

/** JSON Schema for editors (yaml-language-server), derived from the zod schema like the workload's. */
export function suiteJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SuiteSchema, { io: 'input', unrepresentable: 'any' });
  const models = schema.properties?.['models'] as { items: unknown };
  // ModelRefSchema takes any object and checks it in a transform (so errors point at their own
  // key), which JSON Schema cannot see: editors get the model spec's own schema instead.
  const { $schema: _, ...spec } = z.toJSONSchema(ModelSpecSchema, { io: 'input', unrepresentable: 'any' });
  models.items = { anyOf: [{ type: 'string', minLength: 1, description: 'A built-in model: ocr-det or ocr-cls.' }, spec] };
  return {
    ...schema,
    $id: 'https://capacity-plan.dev/schema/bench-suite-v1.json',
    title: 'capacity-plan bench suite (version 1)',
  };
}
