import type { Warning } from '../core/errors.js';
import { quoteField } from '../core/escape.js';
import type { LoadtestResult } from '../contracts/loadtest.js';
import type { Workload } from './schema.js';
import { classTps, predictLocal, type TpsSource } from './tps.js';

/** Real-unit TPS / local-unit TPS, as the workload gave it or worked out from a measured image. */
export interface ResolvedCalibration {
  factor: number;
  /** True when the factor comes from a real unit's TPS on a given image (model.calibration.tps or .loadtest). */
  anchored: boolean;
  /**
   * {tps} without an image: the real unit's TPS on this workload's own image mix, which is then
   * the plan's TPS per unit exactly (the bench file gives only each class's share of the time).
   */
  mixTps?: number;
  derivation: string;
  warnings: Warning[];
}

/** A load test result a calibration takes its TPS from, with the path the workload named it by. */
export interface CalibrationLoadtest {
  named: string;
  result: LoadtestResult;
}

/** The real unit's TPS and the image it was measured on, from the workload or from a load test. */
interface Anchor {
  tps: number;
  image: { width: number; height: number; size_mb: number; objects: number };
  /** Where the TPS came from, for the derivation. */
  source: string;
  warnings: Warning[];
}

/**
 * A load test's TPS per unit and the mean image it sent. Throws (plain Error) when the result
 * cannot anchor a calibration: no clean step, or S3 images whose pixel size it never read.
 */
function loadtestAnchor(lt: CalibrationLoadtest): Anchor {
  const r = lt.result;
  if (r.tpsPerUnit === null)
    throw new Error(
      `${lt.named}: the load test found no step without throttling (stopped by ${r.stoppedBy}), so it has no TPS per unit to calibrate from`,
    );
  const { meanWidth, meanHeight, meanSizeMb, meanObjects } = r.images;
  if (meanWidth === null || meanHeight === null) {
    throw new Error(
      `${lt.named}: the load test sent S3 objects, whose pixel size it does not read; give calibration as {tps: ${r.tpsPerUnit.toFixed(2)}, image: {width, height, size_mb, objects, source: s3}} instead`,
    );
  }
  const warnings: Warning[] = [];
  if (!r.complete || r.stoppedBy !== 'converged') {
    warnings.push({
      code: 'calibration-loadtest-incomplete',
      message: `model.calibration.loadtest ${lt.named}: the load test stopped (${r.stoppedBy}) before its search converged: its ${r.tpsPerUnit.toFixed(2)} TPS per unit is a lower bound`,
    });
  }
  if (r.target.kind === 'endpoint') {
    warnings.push({
      code: 'calibration-not-aws',
      message: `model.calibration.loadtest ${lt.named}: measured ${r.target.endpoint === null ? 'an endpoint' : quoteField(r.target.endpoint, 200)}, not a model on AWS: the calibration is only as real as that endpoint`,
    });
  }
  const unitsFrom = r.units.source === 'DescribeProjectVersions' ? 'in service' : 'given with --units';
  return {
    tps: r.tpsPerUnit,
    // The cost model prices whole pixels; a mean of a few hundred images is rounded to one.
    image: { width: Math.round(meanWidth), height: Math.round(meanHeight), size_mb: meanSizeMb, objects: meanObjects ?? 0 },
    source: `load test ${lt.named} (${r.highestCleanTps!.toFixed(2)} highest clean TPS / ${r.units.inService} units ${unitsFrom}, ${r.createdAt.slice(0, 10)})`,
    warnings,
  };
}

/**
 * The calibration factor. Anchored: the real unit's TPS on the calibration image (given, or a
 * load test's mean image) over the local TPS the same bench model predicts for that image. Every
 * class's local TPS and the anchor's come from one run, so a machine that ran uniformly faster or
 * slower that day scales both alike and the calibrated TPS does not move. Throws (plain Error)
 * when the bench model cannot price the image or the load test cannot anchor it.
 */
export function resolveCalibration(w: Workload, tpsSource: TpsSource, loadtest?: CalibrationLoadtest): ResolvedCalibration {
  const c = w.model.calibration;
  if (typeof c === 'number') return { factor: c, anchored: false, derivation: `calibration ${c}`, warnings: [] };
  if (tpsSource.kind !== 'bench') throw new Error('an anchored calibration needs model.bench');
  let anchor: Anchor;
  if ('loadtest' in c) {
    if (!loadtest) throw new Error(`the load test file ${c.loadtest} was not read`);
    anchor = loadtestAnchor(loadtest);
  } else if (c.image === undefined) {
    return mixAnchored(w, tpsSource, c.tps);
  } else {
    anchor = { tps: c.tps, image: c.image, source: 'real TPS', warnings: [] };
  }
  const img = anchor.image;
  const local = predictLocal(tpsSource, { width: img.width, height: img.height, sizeMb: img.size_mb, objects: img.objects });
  const localTps = 1000 / local.ms;
  const factor = anchor.tps / localTps;
  const described = `${img.width}x${img.height}, ${Number(img.size_mb.toPrecision(3))} MB, ${Number(img.objects.toPrecision(3))} obj`;
  const key = 'loadtest' in c ? 'model.calibration.loadtest' : 'model.calibration.image';
  const warnings: Warning[] = [...anchor.warnings];
  if (local.outsideMeasuredRange.length) {
    warnings.push({
      code: 'calibration-outside-measured-range',
      message: `${key} (${described}): ${local.outsideMeasuredRange.join('; ')}: its local TPS is extrapolated`,
    });
  }
  const real = 'loadtest' in c ? `${anchor.tps.toFixed(2)} TPS per unit from the ${anchor.source}` : `${anchor.tps} real TPS`;
  return {
    factor,
    anchored: true,
    derivation: `calibration = ${real} / ${localTps.toFixed(2)} local TPS predicted for ${described} (${local.derivation}) = ${factor.toFixed(4)}`,
    warnings,
  };
}

/**
 * {tps} with no image: a real unit served `tps` on the workload's own mix (a load test that sent
 * it). The factor is that TPS over the mix's local TPS, so the plan's TPS per unit is `tps` itself
 * and the bench file only apportions time between the classes.
 */
function mixAnchored(w: Workload, tpsSource: TpsSource, tps: number): ResolvedCalibration {
  const classes = w.images.map((img, i) => classTps(tpsSource, img, i, true));
  const secondsPerRequest = classes.reduce((s, c) => s + c.share / c.tps, 0);
  const localTps = 1 / secondsPerRequest;
  const factor = tps / localTps;
  return {
    factor,
    anchored: true,
    mixTps: tps,
    derivation: `calibration = ${tps} real TPS on this image mix / ${localTps.toFixed(2)} local TPS for the mix = ${factor.toFixed(4)}`,
    warnings: [],
  };
}
