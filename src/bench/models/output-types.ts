/** What a decoded output is (its own module: the adapter's types and the plausibility checks both need it). */

export interface Detection {
  /** x1, y1, x2, y2 in original-image pixels. */
  box: [number, number, number, number];
  score: number;
  classId: number;
}

export type ModelOutput =
  { kind: 'classification'; top: Array<{ classId: number; score: number }> } | { kind: 'detection'; detections: Detection[] };
