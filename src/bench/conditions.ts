/**
 * Which conditions a bench run measures: the default sweep, the quick subset, or a suite's
 * lists. Pure: specs only; images are made (or read) by condition-images.ts.
 */

import { resolve } from 'node:path';
import { chooseDesign } from './design.js';
import type { UserImage } from './images/user-images.js';

/** The packaged suites: a run without a suite measures default.yaml, a quick one quick.yaml. */
export const DEFAULT_SUITE_FILE = resolve(import.meta.dirname, '..', '..', 'examples', 'suites', 'default.yaml');
export const QUICK_SUITE_FILE = resolve(import.meta.dirname, '..', '..', 'examples', 'suites', 'quick.yaml');

export interface ConditionSpec {
  id: string;
  width: number;
  height: number;
  /** Target encoded size, MB; null for a user's own image (its size is what it is). */
  targetSizeMb: number | null;
  objects: number;
  /** A user's own image (images_dir), read and checked once; undefined for synthetic images. */
  userImage?: UserImage;
}

interface Resolution {
  width: number;
  height: number;
}

export interface ConditionLists {
  resolutions: Resolution[];
  /** Target sizes per resolution (a 4K JPEG cannot be as small as a VGA one). */
  sizesMb: (r: Resolution) => number[];
  objects: number[];
}

/** How the conditions are picked from the lists (see plannedConditions). */
export type ConditionDesign =
  | { kind: 'full' }
  | { kind: 'star' }
  /** `count` conditions chosen for the per-stage model (design.ts); `inputSize` is the model's resize rule. */
  | { kind: 'optimal'; count: number; inputSize: (width: number, height: number) => { width: number; height: number } };

/** An optimal design spends at most this many conditions per feature it can tell apart (a classifier has fewer). */
const CONDITIONS_PER_FEATURE = 2;

/** @public The id of a synthetic condition (benchmarks name held-out conditions with it). */
export function conditionId(width: number, height: number, sizeMb: number, objects: number): string {
  return `${width}x${height}-${sizeMb}mb-${objects}obj`;
}

/**
 * The conditions to measure, from the lists:
 * - full: every resolution × size × objects;
 * - star: per resolution, every size at the middle object count and every object count at the
 *   middle size (each factor still varies at each resolution, at about a third of full);
 * - optimal: `count` conditions of the full crossing chosen by a D-optimal design for the
 *   per-stage model (design.ts): the extremes and the middle of what drives each stage, at most
 *   CONDITIONS_PER_FEATURE per feature the model can tell apart. Listed in the lists' order.
 * Classification ignores objects (its cost does not depend on what is in the picture): 0 only.
 */
export function plannedConditions(
  task: 'classification' | 'detection',
  lists: ConditionLists,
  design: ConditionDesign = { kind: 'star' },
): ConditionSpec[] {
  const objects = task === 'classification' ? [0] : lists.objects;
  const out: ConditionSpec[] = [];
  const seen = new Set<string>();
  const add = (r: Resolution, mb: number, obj: number) => {
    const id = conditionId(r.width, r.height, mb, obj);
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ id, width: r.width, height: r.height, targetSizeMb: mb, objects: obj });
  };
  for (const r of lists.resolutions) {
    const sizes = lists.sizesMb(r);
    if (design.kind !== 'star') {
      for (const mb of sizes) for (const obj of objects) add(r, mb, obj);
      continue;
    }
    const midSize = sizes[Math.floor((sizes.length - 1) / 2)]!;
    const midObjects = objects[Math.floor((objects.length - 1) / 2)]!;
    for (const mb of sizes) add(r, mb, midObjects);
    for (const obj of objects) add(r, midSize, obj);
  }
  if (design.kind !== 'optimal') return out;
  const points = out.map((c) => {
    const input = design.inputSize(c.width, c.height);
    return {
      sourceMegapixels: (c.width * c.height) / 1e6,
      sizeMb: c.targetSizeMb!,
      inputMegapixels: (input.width * input.height) / 1e6,
      objects: c.objects,
    };
  });
  const chosen = new Set(chooseDesign(points, design.count, CONDITIONS_PER_FEATURE));
  return out.filter((_, i) => chosen.has(i));
}

/**
 * Most conditions measured interleaved in one block: every packaged suite's model fits in one (its
 * conditions then share one machine speed, see measure.ts); an interrupted run loses at most one
 * block, and a block's images (3 per condition) stay in memory.
 */
const MAX_BLOCK_CONDITIONS = 24;

/** The order of measurement: the conditions in blocks of at most `max`, in the order given. */
export function measurementBlocks(specs: readonly ConditionSpec[], max = MAX_BLOCK_CONDITIONS): ConditionSpec[][] {
  const blocks: ConditionSpec[][] = [];
  for (let i = 0; i < specs.length; i += max) blocks.push(specs.slice(i, i + max));
  return blocks;
}
