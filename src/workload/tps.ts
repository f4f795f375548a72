import { roundTps } from '../core/numbers.js';
import { predictStages, stageDerivation } from '../contracts/stage-predict.js';
import type { BenchModel, CostModel } from '../contracts/bench.js';
import { isDescribed, type DescribedImage, type ImageClass } from './schema.js';

/** Where per-class TPS comes from: one measured figure, or a bench file's fitted cost model. */
export type TpsSource = { kind: 'constant'; tpsPerUnit: number } | BenchTpsSource;

/** A bench file's model (see bench-binding.ts). */
export interface BenchTpsSource {
  kind: 'bench';
  file: string;
  model: BenchModel;
  /** The model-input tensor's size for an image, by the resize rule the file recorded; null when it recorded none. */
  inputSizeOf: (width: number, height: number) => { width: number; height: number } | null;
}

export interface ClassTps {
  index: number;
  share: number;
  /** The class's image; absent for a corpus class (its images are the corpus's own). */
  width?: number;
  height?: number;
  sizeMb?: number;
  objects: number;
  source: 'bytes' | 's3';
  /** The bench file's corpus this class plans from. */
  corpus?: string;
  /** Local per-image time, ms (before calibration). */
  msPerImage: number;
  /** One local unit's TPS for this class alone (before calibration). */
  tps: number;
  /**
   * How much lower the real figure may plausibly be, %: the prediction's own error (the cost
   * model's leave-one-out error, or a measured figure's 95% margin) combined with the drift the
   * bench run saw (its drift check). 0 when nothing says (a tps_per_unit given by the user).
   */
  uncertaintyPct: number;
  /** What uncertaintyPct is made of, with the numbers in it. */
  uncertainty: string;
  /** How tps was obtained, with the numbers in it. */
  derivation: string;
  outsideMeasuredRange: string[];
}

/** An image as the cost models see it. */
export interface ImageFeatures {
  width: number;
  height: number;
  sizeMb: number;
  objects: number;
}

/** One local unit's predicted time for an image, and what it rests on. */
export interface LocalPrediction {
  ms: number;
  derivation: string;
  outsideMeasuredRange: string[];
  /** The prediction's own relative error, %, and where it comes from. */
  errorPct: number;
  errorSource: string;
}

/** Predicted per-image milliseconds from a fitted whole-pipeline cost model. */
function predictMs(cm: CostModel, megapixels: number, sizeMb: number, objects: number): number {
  return cm.interceptMs + cm.msPerMegapixel * megapixels + cm.msPerMb * sizeMb + cm.msPerObject * objects;
}

function rangeChecker(outside: string[]) {
  return (what: string, v: number, [lo, hi]: readonly [number, number], unit: string) => {
    if (v < lo - 1e-9 || v > hi + 1e-9)
      outside.push(`${what} ${+v.toFixed(3)}${unit} outside measured ${+lo.toFixed(3)}-${+hi.toFixed(3)}${unit}`);
  };
}

/**
 * One local unit's time for an image, from the bench model: the per-stage model when the file
 * has it and the model's resize rule is known (infer follows the model-input tensor), else the
 * whole-pipeline model, else an exactly measured condition. Throws when none applies.
 */
export function predictLocal(bench: Pick<BenchTpsSource, 'model' | 'inputSizeOf'>, img: ImageFeatures): LocalPrediction {
  const { model } = bench;
  const mp = (img.width * img.height) / 1e6;
  const outside: string[] = [];
  const check = rangeChecker(outside);
  const input = model.stageModel ? bench.inputSizeOf(img.width, img.height) : null;
  if (model.stageModel && input) {
    const sm = model.stageModel;
    const x = { sourceMegapixels: mp, sizeMb: img.sizeMb, inputMegapixels: (input.width * input.height) / 1e6, objects: img.objects };
    const ms = predictStages(sm.stages, x).totalMs;
    check('megapixels', mp, sm.range.sourceMegapixels, ' MP');
    check('size', img.sizeMb, sm.range.sizeMb, ' MB');
    check('model input', x.inputMegapixels, sm.range.inputMegapixels, ' MP');
    check('objects', img.objects, sm.range.objects, '');
    if (!(ms > 0)) throw new Error(`per-stage model of '${model.name}' predicts ${ms.toFixed(2)} ms; cannot plan from it`);
    return {
      ms,
      derivation: `model input ${input.width}x${input.height}; ${stageDerivation(sm.stages, x)} → ${(1000 / ms).toFixed(2)} TPS`,
      outsideMeasuredRange: outside,
      errorPct: sm.looMeanAbsErrPct,
      errorSource: `per-stage model LOO error ${sm.looMeanAbsErrPct.toFixed(1)}%`,
    };
  }
  const cm = model.costModel;
  if (!cm) {
    // Too few conditions to fit a model: only an exactly measured condition can be used.
    const exact = model.conditions.find((c) => c.width === img.width && c.height === img.height && c.objects === img.objects);
    if (!exact)
      throw new Error(
        `bench model '${model.name}' has no cost model and no condition at ${img.width}x${img.height} with ${img.objects} objects`,
      );
    const marginPct = 2 * exact.rsePct;
    return {
      ms: 1000 / exact.tps,
      derivation: `measured condition ${exact.id}: ${exact.tps.toFixed(2)} TPS`,
      outsideMeasuredRange: [],
      errorPct: marginPct,
      errorSource: `measured ±${marginPct.toFixed(1)}% (2 × RSE)`,
    };
  }
  const ms = predictMs(cm, mp, img.sizeMb, img.objects);
  check('megapixels', mp, cm.range.megapixels, ' MP');
  check('size', img.sizeMb, cm.range.sizeMb, ' MB');
  check('objects', img.objects, cm.range.objects, '');
  const derivation =
    `ms = ${cm.interceptMs.toFixed(2)} + ${cm.msPerMegapixel.toFixed(2)}×${mp.toFixed(3)} MP + ${cm.msPerMb.toFixed(2)}×${img.sizeMb} MB + ` +
    `${cm.msPerObject.toFixed(3)}×${img.objects} obj = ${ms.toFixed(2)} ms → ${(1000 / ms).toFixed(2)} TPS`;
  if (!(ms > 0)) throw new Error(`cost model of '${model.name}' predicts ${ms.toFixed(2)} ms; cannot plan from it`);
  return {
    ms,
    derivation,
    outsideMeasuredRange: outside,
    errorPct: cm.looMeanAbsErrPct,
    errorSource: `cost model LOO error ${cm.looMeanAbsErrPct.toFixed(1)}%`,
  };
}

/**
 * The drift term: what the bench run's drift check saw, % — only when it called the change a
 * change of the machine (significant), never when it called it noise; and never with an anchored
 * calibration, whose real TPS and local TPS come from one run, so a slower or faster machine
 * cancels out of every class.
 */
function driftPct(model: BenchModel, anchored: boolean): number {
  return !anchored && model.recheck?.significant ? Math.abs(model.recheck.changePct) : 0;
}

/**
 * Combines the prediction's error and the run's drift as independent errors (root sum of
 * squares): both are rough relative spreads, neither bounds the other.
 */
function combine(
  model: BenchModel,
  anchored: boolean,
  errorPct: number,
  errorSource: string,
): { uncertaintyPct: number; uncertainty: string } {
  const drift = driftPct(model, anchored);
  const uncertaintyPct = Math.hypot(errorPct, drift);
  if (drift === 0) return { uncertaintyPct, uncertainty: errorSource };
  return { uncertaintyPct, uncertainty: `√((${errorSource})² + (drift check ${drift.toFixed(1)}%)²) = ${uncertaintyPct.toFixed(1)}%` };
}

export function classTps(source: TpsSource, img: ImageClass, index: number, anchored = false): ClassTps {
  const base = { index, share: img.share, objects: img.objects, source: img.source };
  // Key order as in the workload file: the image's size first.
  const sized = (d: DescribedImage) => ({
    index,
    share: img.share,
    width: d.width,
    height: d.height,
    sizeMb: d.size_mb,
    objects: d.objects,
    source: d.source,
  });
  if (source.kind === 'constant') {
    if (!isDescribed(img)) throw new Error('a corpus class needs model.bench');
    return {
      ...sized(img),
      msPerImage: 1000 / source.tpsPerUnit,
      tps: source.tpsPerUnit,
      uncertaintyPct: 0,
      uncertainty: 'tps_per_unit as given',
      derivation: `tps_per_unit = ${source.tpsPerUnit}`,
      outsideMeasuredRange: [],
    };
  }
  const model = source.model;
  if (!isDescribed(img)) {
    const c = model.corpus;
    if (!c || c.name !== img.corpus) {
      throw new Error(
        `corpus '${img.corpus}' is not in ${source.file}${c ? ` (it has corpus '${c.name}')` : ` (model '${model.name}' measured no corpus)`}`,
      );
    }
    const marginPct = 2 * c.rsePct;
    return {
      ...base,
      objects: Math.round(c.detected ?? img.objects),
      corpus: c.name,
      msPerImage: c.latencyMs.mean,
      tps: c.tps,
      ...combine(model, anchored, marginPct, `corpus mean ±${marginPct.toFixed(1)}% (2 × RSE)`),
      derivation: `corpus ${c.name}: ${c.samples} draws from ${c.images} images, mean ${c.latencyMs.mean.toFixed(2)} ms → ${c.tps.toFixed(2)} TPS`,
      outsideMeasuredRange: [],
    };
  }
  const p = predictLocal(source, { width: img.width, height: img.height, sizeMb: img.size_mb, objects: img.objects });
  return {
    ...sized(img),
    msPerImage: p.ms,
    tps: 1000 / p.ms,
    ...combine(model, anchored, p.errorPct, p.errorSource),
    derivation: p.derivation,
    outsideMeasuredRange: p.outsideMeasuredRange,
  };
}

/**
 * Per-unit TPS for a mix: each class takes its share of requests, so time per request is
 * the share-weighted mean of per-class times: tpsPerUnit = calibration / Σ(share_i / tps_i).
 * With `low`, each class's TPS is first lowered by its uncertainty: the low end of the interval.
 */
export function mixTpsPerUnit(classes: ClassTps[], calibration: number, opts: { low?: boolean } = {}): number {
  const secondsPerRequest = classes.reduce((s, c) => s + c.share / (opts.low ? lowTps(c) : c.tps), 0);
  // To 3 decimals, as printed: the plan's steps are worked on the figure they show.
  return roundTps(calibration / secondsPerRequest);
}

/** A class's TPS at the low end of its interval, to 3 decimals as printed (at most 90% lower). */
export function lowTps(c: Pick<ClassTps, 'tps' | 'uncertaintyPct'>): number {
  return roundTps(c.tps * (1 - Math.min(c.uncertaintyPct, 90) / 100));
}
