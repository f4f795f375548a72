import type { Plan, Saving } from '../contracts/plan.js';
import { roundTo, formatUsd, roundUsd } from '../core/money.js';
import { formatExact, roundTps } from '../core/numbers.js';
import { checkImageLimits } from '../workload/limits.js';
import type { ResolvedWorkload } from '../workload/resolve.js';
import { isDescribed, type DescribedImage } from '../workload/schema.js';
import { classTps, mixTpsPerUnit } from '../workload/tps.js';
import type { Replan } from './savings-replan.js';

/** The long side an image class is offered at: Full HD, or the model's own input when that is larger. */
const TARGET_LONG_SIDE_PX = 1920;

const IMAGE_SIZE_CAVEAT =
  "predicted by the bench file's cost model, within its measured range; the bench model is a stand-in for the real one: check on the real model that accuracy holds at the smaller size before sending it";

/** The class downscaled to the target long side, its bytes shrinking with its pixels (same encoder quality). */
function smaller(img: DescribedImage, targetLongPx: number): DescribedImage | undefined {
  const long = Math.max(img.width, img.height);
  if (long <= targetLongPx) return undefined;
  const k = targetLongPx / long;
  const width = Math.round(img.width * k);
  const height = Math.round(img.height * k);
  const sizeMb = roundTo((img.size_mb * width * height) / (img.width * img.height), 3);
  return { ...img, width, height, size_mb: sizeMb };
}

/**
 * With a bench file: each image class larger than the target sent downscaled and re-encoded,
 * TPS per class from the bench model (only where the smaller image is inside its measured range
 * and the service limits), the answer planned again on it. A TPS measured on the mix itself
 * (calibration {tps} without an image) is the mix as sent: nothing to predict then.
 */
export function imageSizeSaving(r: ResolvedWorkload, plan: Omit<Plan, 'headline' | 'savings'>, replan: Replan): Saving | undefined {
  const src = r.tpsSource;
  if (src.kind !== 'bench' || r.calibration.mixTps !== undefined) return undefined;
  const w = r.workload;
  const images = [...w.images];
  const classes = [...r.classes];
  const resized: NonNullable<Saving['imageSize']>['classes'] = [];
  for (const [i, img] of w.images.entries()) {
    if (!isDescribed(img)) continue;
    const input = src.inputSizeOf(img.width, img.height);
    const to = smaller(img, Math.max(TARGET_LONG_SIDE_PX, input ? Math.max(input.width, input.height) : 0));
    if (!to || checkImageLimits(w.service, to).length > 0) continue;
    const c = classTps(src, to, i, r.calibration.anchored);
    if (c.outsideMeasuredRange.length > 0) continue;
    images[i] = to;
    classes[i] = { ...c, tps: roundTps(c.tps), uncertaintyPct: roundTo(c.uncertaintyPct, 2) };
    resized.push({
      index: i,
      from: `${img.width}x${img.height}, ${img.size_mb} MB`,
      to: `${to.width}x${to.height}, ${to.size_mb} MB`,
      tpsBefore: r.classes[i]!.tps,
      tpsAfter: classes[i]!.tps,
    });
  }
  if (resized.length === 0) return undefined;
  const tpsPerUnit = mixTpsPerUnit(classes, r.calibration.factor);
  const after = replan({
    ...r,
    workload: { ...w, images },
    classes,
    tpsPerUnit,
    tpsPerUnitLow: mixTpsPerUnit(classes, r.calibration.factor, { low: true }),
  });
  const savingUsd = roundUsd(plan.monthlyCostUsd - after.monthlyCostUsd);
  if (savingUsd <= 0) return undefined;
  const what = resized.map((x) => `images[${x.index}] at ${x.to} instead of ${x.from}`).join('; ');
  const terms = classes.map((c) => `${c.share}/${formatExact(c.tps)}`).join(' + ');
  return {
    kind: 'image-size',
    title: `send ${what}: Min/Max ${plan.minInferenceUnits}/${plan.maxInferenceUnits} → ${after.minInferenceUnits}/${after.maxInferenceUnits}`,
    monthlySavingUsd: savingUsd,
    monthlyCostUsd: after.monthlyCostUsd,
    derivation:
      `${resized.map((x) => `images[${x.index}] ${x.tpsBefore} → ${x.tpsAfter} TPS (${classes[x.index]!.derivation})`).join('; ')}; ` +
      `TPS per unit ${formatExact(r.calibration.factor)} / (${terms}) = ${formatExact(tpsPerUnit)}; planned again: Min ${after.minInferenceUnits} / Max ${after.maxInferenceUnits} = ${formatUsd(after.monthlyCostUsd)} ${plan.costBasis}; ` +
      `${formatUsd(plan.monthlyCostUsd)} − ${formatUsd(after.monthlyCostUsd)} = ${formatUsd(savingUsd)}`,
    imageSize: {
      classes: resized,
      tpsPerUnit,
      minInferenceUnits: after.minInferenceUnits,
      maxInferenceUnits: after.maxInferenceUnits,
      caveat: IMAGE_SIZE_CAVEAT,
    },
  };
}
