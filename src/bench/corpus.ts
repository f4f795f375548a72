import { performance } from 'node:perf_hooks';
import type { InferenceSession } from 'onnxruntime-node';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { UserError } from '../core/errors.js';
import { firstLine, sharpFor } from './images/guard.js';
import { FIRST_BLOCK_WARMUP_S, MIN_WARMUP_SAMPLES } from './measure.js';
import type { ModelAdapter } from './models/types.js';
import { collectGarbage } from './heap.js';
import { runSample, type Clock, type SampleTiming } from './pipeline.js';
import type { Corpus } from '../contracts/bench.js';
import { computeStatistics, mean } from './stats.js';
import { shouldStop, type MeasureSettings } from './stop-rule.js';

/**
 * A folder of photos measured as a sample of the workload, not as one condition per file: images
 * are drawn at random (seeded, with replacement), so each sample is an independent draw from the
 * folder and the stop rule's RSE is the precision of the folder's mean per-image time. A
 * 1,000-image folder then costs what the precision needs (a few hundred samples), not 1,000
 * conditions each with its own warm-up and minimum time.
 */

/** One image of the corpus: its file name inside the folder (never a full path) and encoded bytes. */
export interface CorpusImage {
  name: string;
  bytes: Buffer;
  width: number;
  height: number;
  sizeMb: number;
}

/** How many of the slowest files the result names. */
const SLOWEST_FILES = 5;

/**
 * The draw order: `count` indices into a pool of `poolSize`, uniform with replacement, from
 * xoroshiro128+ (pure-rand) seeded with `seed`. The same seed gives the same order on every
 * machine, so two runs measure the same images in the same order.
 */
export function corpusDraws(seed: number, poolSize: number): () => number {
  if (!(poolSize > 0)) throw new Error('corpusDraws needs a non-empty pool');
  const rng = xoroshiro128plus(seed);
  return () => uniformInt(rng, 0, poolSize - 1);
}

export interface CorpusHooks {
  signal?: AbortSignal;
  onSample?: (n: number, elapsedS: number) => void;
  /** A file that could not be decoded: it leaves the pool and the run goes on. */
  onSkip?: (name: string, reason: string) => void;
  /** Timing clock (see pipeline.ts Clock); default wall. */
  clock?: Clock;
}

/** Is the failure this image's own (it does not decode), rather than the model's? */
async function undecodable(bytes: Buffer): Promise<string | null> {
  try {
    await sharpFor(bytes).raw().toBuffer();
    return null;
  } catch (err) {
    return `not a decodable image (${firstLine(err)})`;
  }
}

/**
 * Measures the corpus: a warm-up of at least FIRST_BLOCK_WARMUP_S, then random draws until the
 * stop rule holds on the corpus mean. Null when aborted before the stop rule held; throws when no
 * image of the pool decodes.
 */
export async function measureCorpus(
  adapter: ModelAdapter,
  session: InferenceSession,
  images: readonly CorpusImage[],
  settings: MeasureSettings,
  seed: number,
  name: string,
  hooks: CorpusHooks = {},
): Promise<Corpus | null> {
  const pool = [...images];
  const skipped: Array<{ file: string; reason: string }> = [];
  let draw = corpusDraws(seed, pool.length);
  /** One sample of a drawn image; an undecodable image leaves the pool and another is drawn. */
  const sample = async (): Promise<{ image: CorpusImage; timing: SampleTiming }> => {
    for (;;) {
      if (pool.length === 0) throw new UserError(`images_dir ${name}: none of its ${images.length} images decodes`);
      const image = pool[draw()]!;
      try {
        collectGarbage();
        return { image, timing: (await runSample(adapter, session, image.bytes, hooks.clock)).timing };
      } catch (err) {
        const reason = await undecodable(image.bytes);
        if (reason === null) throw err;
        skipped.push({ file: image.name, reason });
        hooks.onSkip?.(image.name, reason);
        pool.splice(pool.indexOf(image), 1);
        // A fresh stream over the smaller pool, still a function of the seed and of which files failed.
        draw = corpusDraws(seed + skipped.length, Math.max(pool.length, 1));
      }
    }
  };

  const warmupUntil = performance.now() + FIRST_BLOCK_WARMUP_S * 1000;
  for (let i = 0; i < MIN_WARMUP_SAMPLES || performance.now() < warmupUntil; i++) await sample();

  const timings: SampleTiming[] = [];
  const totals: number[] = [];
  const perFile = new Map<CorpusImage, number[]>();
  const start = performance.now();
  let measuredS = 0;
  for (;;) {
    if (hooks.signal?.aborted) return null;
    const { image, timing } = await sample();
    timings.push(timing);
    totals.push(timing.totalMs);
    const ofFile = perFile.get(image);
    if (ofFile) ofFile.push(timing.totalMs);
    else perFile.set(image, [timing.totalMs]);
    measuredS += timing.totalMs / 1000;
    hooks.onSample?.(totals.length, (performance.now() - start) / 1000);
    const decision = shouldStop(totals, measuredS, settings);
    if (!decision.stop) continue;

    const stats = computeStatistics(totals);
    const warnings = skipped.map((s) => ({ code: 'file-skipped', message: `${s.file} skipped: ${s.reason}` }));
    if (!decision.stable) warnings.push({ code: 'unstable', message: `unstable: ${decision.reason}` });
    const drawn = [...perFile.keys()];
    const slowest = [...perFile]
      .map(([img, ms]) => ({ file: img.name, ms: mean(ms), width: img.width, height: img.height, sizeMb: img.sizeMb }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, SLOWEST_FILES);
    const detected = timings.map((t) => t.detected).filter((d): d is number => d !== null);
    const span = (f: (i: CorpusImage) => number) => ({
      mean: mean(pool.map(f)),
      min: Math.min(...pool.map(f)),
      max: Math.max(...pool.map(f)),
    });
    return {
      name,
      images: pool.length,
      skipped,
      seed,
      samples: totals.length,
      distinctImages: drawn.length,
      tps: 1000 / stats.mean,
      latencyMs: { mean: stats.mean, p50: stats.p50, p90: stats.p90, p99: stats.p99 },
      p99Reliable: stats.p99Reliable,
      stagesMs: {
        decode: mean(timings.map((t) => t.decodeMs)),
        preprocess: mean(timings.map((t) => t.preprocessMs)),
        infer: mean(timings.map((t) => t.inferMs)),
        postprocess: mean(timings.map((t) => t.postprocessMs)),
      },
      detected: detected.length ? mean(detected) : null,
      ...(detected.length
        ? { detectedRange: [detected.reduce((a, b) => Math.min(a, b)), detected.reduce((a, b) => Math.max(a, b))] as [number, number] }
        : {}),
      rsePct: stats.rsePct,
      stable: decision.stable,
      megapixels: span((i) => (i.width * i.height) / 1e6),
      sizeMb: span((i) => i.sizeMb),
      slowest,
      warnings,
    };
  }
}
