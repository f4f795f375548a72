/**
 * Which conditions a bench run measures: the default sweep, the quick subset, or a suite's
 * lists. Pure: specs only; images are made (or read) by condition-images.ts.
 */

import { resolve } from 'node:path';
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

function conditionId(width: number, height: number, sizeMb: number, objects: number): string {
  return `${width}x${height}-${sizeMb}mb-${objects}obj`;
}

/**
 * Crossing every factor gives 4 × 3 × 5 = 60 detector conditions, too many for the time budget.
 * Instead, per resolution: every size at a middle object count, and every object count at the
 * middle size (a "star" design). That still varies each factor at each resolution, which is all a
 * linear cost model needs, at about a third of the conditions.
 * Classification ignores objects (its cost does not depend on what is in the picture): 0 only.
 */
export function plannedConditions(
  task: 'classification' | 'detection',
  lists: ConditionLists,
  design: 'star' | 'full' = 'star',
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
    if (design === 'full') {
      for (const mb of sizes) for (const obj of objects) add(r, mb, obj);
      continue;
    }
    const midSize = sizes[Math.floor((sizes.length - 1) / 2)]!;
    const midObjects = objects[Math.floor((objects.length - 1) / 2)]!;
    for (const mb of sizes) add(r, mb, midObjects);
    for (const obj of objects) add(r, midSize, obj);
  }
  return out;
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
