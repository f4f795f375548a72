import type { BenchModel, CostModel } from '../bench/result-schema.js';
import type { ImageClass } from './schema.js';

/** Where per-class TPS comes from: one measured figure, or a bench file's fitted cost model. */
export type TpsSource =
  | { kind: 'constant'; tpsPerUnit: number }
  | { kind: 'bench'; file: string; model: BenchModel };

export interface ClassTps {
  index: number;
  share: number;
  width: number;
  height: number;
  sizeMb: number;
  objects: number;
  source: 'bytes' | 's3';
  /** Local per-image time, ms (before calibration). */
  msPerImage: number;
  /** One local unit's TPS for this class alone (before calibration). */
  tps: number;
  /** How tps was obtained, with the numbers in it. */
  derivation: string;
  outsideMeasuredRange: string[];
}

/** Predicted per-image milliseconds from a fitted cost model. */
function predictMs(cm: CostModel, megapixels: number, sizeMb: number, objects: number): number {
  return cm.interceptMs + cm.msPerMegapixel * megapixels + cm.msPerMb * sizeMb + cm.msPerObject * objects;
}

export function classTps(source: TpsSource, img: ImageClass, index: number): ClassTps {
  const base = { index, share: img.share, width: img.width, height: img.height, sizeMb: img.size_mb, objects: img.objects, source: img.source };
  if (source.kind === 'constant') {
    return { ...base, msPerImage: 1000 / source.tpsPerUnit, tps: source.tpsPerUnit, derivation: `tps_per_unit = ${source.tpsPerUnit}`, outsideMeasuredRange: [] };
  }
  const mp = (img.width * img.height) / 1e6;
  const cm = source.model.costModel;
  if (!cm) {
    // Too few conditions to fit a model: only an exactly measured condition can be used.
    const exact = source.model.conditions.find((c) => c.width === img.width && c.height === img.height && c.objects === img.objects);
    if (!exact) throw new Error(`bench model '${source.model.name}' has no cost model and no condition at ${img.width}x${img.height} with ${img.objects} objects`);
    return { ...base, msPerImage: 1000 / exact.tps, tps: exact.tps, derivation: `measured condition ${exact.id}: ${exact.tps.toFixed(2)} TPS`, outsideMeasuredRange: [] };
  }
  const ms = predictMs(cm, mp, img.size_mb, img.objects);
  const outside: string[] = [];
  const check = (what: string, v: number, [lo, hi]: [number, number], unit: string) => {
    if (v < lo - 1e-9 || v > hi + 1e-9) outside.push(`${what} ${+v.toFixed(3)}${unit} outside measured ${+lo.toFixed(3)}-${+hi.toFixed(3)}${unit}`);
  };
  check('megapixels', mp, cm.range.megapixels, ' MP');
  check('size', img.size_mb, cm.range.sizeMb, ' MB');
  check('objects', img.objects, cm.range.objects, '');
  const derivation =
    `ms = ${cm.interceptMs.toFixed(2)} + ${cm.msPerMegapixel.toFixed(2)}×${mp.toFixed(3)} MP + ${cm.msPerMb.toFixed(2)}×${img.size_mb} MB + ` +
    `${cm.msPerObject.toFixed(3)}×${img.objects} obj = ${ms.toFixed(2)} ms → ${(1000 / ms).toFixed(2)} TPS`;
  if (!(ms > 0)) throw new Error(`cost model of '${source.model.name}' predicts ${ms.toFixed(2)} ms for image class ${index}; cannot plan from it`);
  return { ...base, msPerImage: ms, tps: 1000 / ms, derivation, outsideMeasuredRange: outside };
}

/**
 * Per-unit TPS for a mix: each class takes its share of requests, so time per request is
 * the share-weighted mean of per-class times: tpsPerUnit = calibration / Σ(share_i / tps_i).
 */
export function mixTpsPerUnit(classes: ClassTps[], calibration: number): number {
  const secondsPerRequest = classes.reduce((s, c) => s + c.share / c.tps, 0);
  return calibration / secondsPerRequest;
}
