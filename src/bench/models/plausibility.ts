import type { ModelOutput } from './output-types.js';

/**
 * Does a decoded output make sense? A wrong suite entry (wrong format, columns, normalisation or
 * strides) still produces tensors of the right shape, so it would be timed as if it were right;
 * these checks catch what such an entry produces (scores of 1080, class 1082, boxes with x2 < x1,
 * the same 100 boxes on every image, no box on any photo, one class for every image). They run in
 * the adapter on every output, so bench, inspect and serve all see them.
 */

const PLAUSIBILITY_CHECKS = [
  'non-finite',
  'score-out-of-range',
  'class-out-of-range',
  'empty-box',
  'detections-at-cap',
  'no-detections',
  'constant-top1',
] as const;
export type PlausibilityCheck = (typeof PLAUSIBILITY_CHECKS)[number];

/** What to change when a check fails: the usual cause, in the suite entry's terms. */
const ADVICE: Record<PlausibilityCheck, string> = {
  'non-finite': 'the output holds NaN or infinity: check input.dtype, scale, mean and std',
  'score-out-of-range':
    'scores outside 0..1 are not probabilities: the wrong values are read as scores (check output.format and output.columns) or the model outputs logits',
  'class-out-of-range':
    'class ids past the class count: the wrong values are read as classes (check output.columns and output.num_classes)',
  'empty-box':
    'boxes with no area inside the image (x2 <= x1, y2 <= y1, or outside it): check output.format, box_order, boxes_normalized, and whether the export decodes its boxes (a raw prior-encoded head is ssd-priors, not ssd)',
  'detections-at-cap':
    'every image fills the detection cap: the score threshold passes everything (check output.columns and score_threshold)',
  'no-detections': 'no detection on any real image: check the normalisation (scale, mean, std, color), the resize rule and score_threshold',
  'constant-top1':
    'the same top class for every image, however different: check the normalisation (scale, mean, std, color) and the input size',
};

/** Scores may exceed 1 by float rounding (a sigmoid in float16). */
const SCORE_SLACK = 1e-3;
/** A classifier must see this many images before one top class for all of them is suspicious. */
const MIN_IMAGES_FOR_TOP1 = 3;

export interface OutputLimits {
  /** Classes the model can report, or null when the output does not say (label-map ids, NMS rows). */
  classCount: number | null;
  /** Detections an image can have at most: max_detections, or fewer anchors in a raw head. */
  cap: number;
  /** The original image's size: boxes must have area inside it. */
  imageWidth: number;
  imageHeight: number;
}

/** The first problem of each kind in one image's output, with the offending value. */
export function imageProblems(out: ModelOutput, limits: OutputLimits): Map<PlausibilityCheck, string> {
  const found = new Map<PlausibilityCheck, string>();
  const flag = (check: PlausibilityCheck, detail: string) => {
    if (!found.has(check)) found.set(check, detail);
  };
  const checkClass = (score: number, classId: number) => {
    if (!Number.isFinite(score)) flag('non-finite', `score ${score}`);
    else if (score < -SCORE_SLACK || score > 1 + SCORE_SLACK) flag('score-out-of-range', `score ${round(score)} outside 0..1`);
    const beyond = limits.classCount !== null && classId >= limits.classCount;
    if (!Number.isInteger(classId) || classId < 0 || beyond)
      flag('class-out-of-range', `class ${classId}${limits.classCount === null ? '' : ` of ${limits.classCount}`}`);
  };
  if (out.kind === 'classification') {
    for (const t of out.top) checkClass(t.score, t.classId);
    return found;
  }
  for (const d of out.detections) {
    checkClass(d.score, d.classId);
    const [x1, y1, x2, y2] = d.box;
    if (![x1, y1, x2, y2].every(Number.isFinite)) flag('non-finite', `box [${d.box.map(round).join(', ')}]`);
    else if (!(x2 > x1 && y2 > y1))
      flag('empty-box', `box [${d.box.map(round).join(', ')}] in a ${limits.imageWidth}x${limits.imageHeight} image`);
  }
  if (limits.cap > 1 && out.detections.length >= limits.cap) flag('detections-at-cap', `${out.detections.length} detections, the cap`);
  return found;
}

const round = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)) : v);

export interface PlausibilityFinding {
  check: PlausibilityCheck;
  /** Images the check failed on, of the images seen. */
  images: number;
  of: number;
  /** The first offending value. */
  example: string;
}

/**
 * Findings over the images a model has seen. Per-image checks count how many images failed;
 * the checks over all images (no detection at all, one top class) are asked for by the caller:
 * only real photos are expected to hold objects, and only very different images to differ.
 */
export class PlausibilityWatch {
  private seen = 0;
  private withDetections = 0;
  private readonly topClasses = new Set<number>();
  private classCount: number | null = null;
  private readonly failed = new Map<PlausibilityCheck, { images: number; example: string }>();

  see(out: ModelOutput, limits: OutputLimits): void {
    this.seen++;
    this.classCount = limits.classCount;
    if (out.kind === 'detection' && out.detections.length > 0) this.withDetections++;
    if (out.kind === 'classification' && out.top[0] !== undefined) this.topClasses.add(out.top[0].classId);
    for (const [check, example] of imageProblems(out, limits)) {
      const f = this.failed.get(check);
      if (f) f.images++;
      else this.failed.set(check, { images: 1, example });
    }
  }

  get imagesSeen(): number {
    return this.seen;
  }

  /** Starts counting afresh (a new set of images: the corpus after the synthetic conditions). */
  reset(): void {
    this.seen = 0;
    this.withDetections = 0;
    this.topClasses.clear();
    this.failed.clear();
  }

  findings(across: { detectionsExpected?: boolean; differentImages?: boolean } = {}): PlausibilityFinding[] {
    const out: PlausibilityFinding[] = [...this.failed].map(([check, f]) => ({
      check,
      images: f.images,
      of: this.seen,
      example: f.example,
    }));
    if (across.detectionsExpected && this.seen > 0 && this.withDetections === 0 && this.topClasses.size === 0) {
      out.push({ check: 'no-detections', images: this.seen, of: this.seen, example: '0 detections on every image' });
    }
    // Two-class models (text upright or not) may rightly say the same for every image.
    const manyClasses = this.classCount === null || this.classCount > 2;
    if (across.differentImages && manyClasses && this.seen >= MIN_IMAGES_FOR_TOP1 && this.topClasses.size === 1) {
      out.push({ check: 'constant-top1', images: this.seen, of: this.seen, example: `class ${[...this.topClasses][0]} on every image` });
    }
    return out.sort((a, b) => PLAUSIBILITY_CHECKS.indexOf(a.check) - PLAUSIBILITY_CHECKS.indexOf(b.check));
  }
}

/** One line per finding, as bench warnings and inspect's exit-1 reason: the check's name, how often, an example, what to change. */
export function findingText(f: PlausibilityFinding): string {
  return `implausible output [${f.check}] on ${f.images} of ${f.of} image(s) (${f.example}): ${ADVICE[f.check]}`;
}
