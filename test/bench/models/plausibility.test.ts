import { describe, expect, test } from 'vitest';
import { findingText, imageProblems, PlausibilityWatch, type OutputLimits } from '../../../src/bench/models/plausibility.js';
import type { Detection, ModelOutput } from '../../../src/bench/models/types.js';

/** Each plausibility check, failing on what a wrong entry produces and passing on a right one's output. */

const limits: OutputLimits = { classCount: 80, cap: 100, imageWidth: 640, imageHeight: 480 };
const det = (box: Detection['box'], score = 0.9, classId = 0): Detection => ({ box, score, classId });
const detections = (...d: Detection[]): ModelOutput => ({ kind: 'detection', detections: d });
const good = detections(det([10, 10, 50, 60]), det([100, 100, 200, 220], 0.5, 79));
const checksOf = (out: ModelOutput, l = limits) => [...imageProblems(out, l).keys()];

describe('per-image checks', () => {
  test('a right output passes every check', () => {
    expect(checksOf(good)).toEqual([]);
    expect(
      checksOf({
        kind: 'classification',
        top: [
          { classId: 3, score: 0.7 },
          { classId: 1, score: 0.2 },
        ],
      }),
    ).toEqual([]);
  });

  test('score-out-of-range: a score read from a coordinate column (PicoDet with the default columns)', () => {
    const problems = imageProblems(detections(det([10, 10, 50, 60], 1080.4)), limits);
    expect([...problems]).toEqual([['score-out-of-range', 'score 1080 outside 0..1']]);
    expect(checksOf(detections(det([10, 10, 50, 60], 1.0005)))).toEqual([]); // float16 rounding of a sigmoid
    expect(checksOf({ kind: 'classification', top: [{ classId: 0, score: 3.2 }] })).toEqual(['score-out-of-range']);
  });

  test('class-out-of-range: past the class count, negative or fractional', () => {
    expect(checksOf(detections(det([10, 10, 50, 60], 0.9, 80)))).toEqual(['class-out-of-range']);
    expect(checksOf(detections(det([10, 10, 50, 60], 0.9, 79)))).toEqual([]);
    expect(checksOf(detections(det([10, 10, 50, 60], 0.9, 412.5)), { ...limits, classCount: null })).toEqual(['class-out-of-range']);
    expect(checksOf(detections(det([10, 10, 50, 60], 0.9, 1082)), { ...limits, classCount: null })).toEqual([]); // label-map ids: no count to check
  });

  test('empty-box: x2 < x1 (a prior-encoded SSD head read as corners), or clamped to nothing outside the image', () => {
    expect(checksOf(detections(det([50, 10, 10, 60])))).toEqual(['empty-box']);
    expect(checksOf(detections(det([640, 10, 640, 60])))).toEqual(['empty-box']);
    expect(checksOf(detections(det([639, 10, 640, 60])))).toEqual([]);
  });

  test('non-finite: NaN scores or boxes', () => {
    expect(checksOf(detections(det([10, 10, 50, 60], Number.NaN)))).toEqual(['non-finite']);
    expect(checksOf(detections(det([10, Number.NaN, 50, 60])))).toEqual(['non-finite']);
  });

  test('detections-at-cap: every row above the threshold', () => {
    const full = detections(...Array.from({ length: 100 }, (_, i) => det([i, 0, i + 5, 5])));
    expect(checksOf(full)).toEqual(['detections-at-cap']);
    expect(checksOf(detections(...Array.from({ length: 99 }, (_, i) => det([i, 0, i + 5, 5]))))).toEqual([]);
  });
});

describe('checks over images', () => {
  test('no-detections: only where detections are expected (real photos), and only when no image had one', () => {
    const w = new PlausibilityWatch();
    for (let i = 0; i < 5; i++) w.see(detections(), limits);
    expect(w.findings()).toEqual([]);
    expect(w.findings({ detectionsExpected: true })).toEqual([
      { check: 'no-detections', images: 5, of: 5, example: '0 detections on every image' },
    ]);
    w.see(good, limits);
    expect(w.findings({ detectionsExpected: true })).toEqual([]);
  });

  test('constant-top1: one class for every one of several different images, unless the model has two classes', () => {
    const w = new PlausibilityWatch();
    const top = (classId: number): ModelOutput => ({ kind: 'classification', top: [{ classId, score: 0.9 }] });
    for (let i = 0; i < 3; i++) w.see(top(7), { ...limits, classCount: 1000 });
    expect(w.findings({ differentImages: true }).map((f) => f.check)).toEqual(['constant-top1']);
    expect(w.findings()).toEqual([]);
    w.see(top(8), { ...limits, classCount: 1000 });
    expect(w.findings({ differentImages: true })).toEqual([]);
    const twoClasses = new PlausibilityWatch();
    for (let i = 0; i < 3; i++) twoClasses.see(top(0), { ...limits, classCount: 2 });
    expect(twoClasses.findings({ differentImages: true })).toEqual([]);
  });

  test('counts images per check, keeps the first example, and resets', () => {
    const w = new PlausibilityWatch();
    w.see(detections(det([10, 10, 50, 60], 7)), limits);
    w.see(good, limits);
    w.see(detections(det([10, 10, 50, 60], 9)), limits);
    const [f] = w.findings();
    expect(f).toEqual({ check: 'score-out-of-range', images: 2, of: 3, example: 'score 7 outside 0..1' });
    expect(findingText(f!)).toMatch(
      /^implausible output \[score-out-of-range\] on 2 of 3 image\(s\) \(score 7 outside 0\.\.1\): scores outside 0\.\.1 are not probabilities: .*output\.columns/,
    );
    w.reset();
    expect(w.findings()).toEqual([]);
    expect(w.imagesSeen).toBe(0);
  });
});
