import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { UserError } from '../errors.js';
import type { ConditionSpec } from './conditions.js';
import { readHeader } from './images/guard.js';
import { synthesizeImage } from './images/synth.js';
import { createOcrCls } from './models/ocr-cls.js';
import { createOcrDet } from './models/ocr-det.js';
import type { ModelAdapter } from './models/types.js';
import type { BenchDeps, ConditionImages } from './run.js';

/** Distinct images per condition: samples rotate over them so no single buffer stays hot. */
export const VARIANTS_PER_CONDITION = 3;

// TEMPORARY wiring until 3b's resolveModel/createSession/describeModelFile land.
async function resolveModel(ref: unknown): Promise<ModelAdapter> {
  if (ref === 'ocr-det') return createOcrDet();
  if (ref === 'ocr-cls') return createOcrCls();
  throw new UserError(`unknown model '${String(ref)}'`);
}

async function createSession(adapter: ModelAdapter, threads: number): Promise<InferenceSession> {
  return InferenceSession.create(adapter.modelPath, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' });
}

async function describeModelFile(path: string) {
  const bytes = await readFile(path);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, parameterCount: 0 };
}

/** Synthetic images of one condition, memoised in-process so two models measuring the same condition share them. */
const memo = new Map<string, Promise<ConditionImages>>();
async function imagesFor(spec: ConditionSpec): Promise<ConditionImages> {
  if (spec.imagePath) {
    const bytes = await readFile(spec.imagePath);
    const h = await readHeader(bytes);
    if ('problem' in h) throw UserError.at(spec.imagePath, h.problem);
    return { bytes: [bytes], width: h.width, height: h.height, format: h.format, sizeMb: bytes.length / 1e6 };
  }
  const key = `${spec.width}x${spec.height}:${spec.targetSizeMb}:${spec.objects}`;
  let p = memo.get(key);
  if (!p) {
    p = (async () => {
      const bytes: Buffer[] = [];
      let sizeSum = 0;
      for (let v = 0; v < VARIANTS_PER_CONDITION; v++) {
        const r = await synthesizeImage({ width: spec.width, height: spec.height, targetSizeMb: spec.targetSizeMb, objects: spec.objects, kind: 'text', variant: v });
        if ('skipped' in r) return { bytes: [], width: spec.width, height: spec.height, format: 'jpeg', sizeMb: 0, skipped: r.reason };
        bytes.push(r.bytes);
        sizeSum += r.sizeMb;
      }
      return { bytes, width: spec.width, height: spec.height, format: 'jpeg', sizeMb: sizeSum / bytes.length };
    })();
    memo.set(key, p);
  }
  return p;
}

export const benchDeps: BenchDeps = { resolveModel, createSession, describeModelFile, imagesFor };

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif']);

/** A user's images_dir: one condition per image, its size read from the file (header only). */
export async function imageDirConditions(dir: string): Promise<ConditionSpec[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort();
  } catch {
    throw UserError.at(dir, 'images_dir not found');
  }
  if (names.length === 0) throw UserError.at(dir, `no images (${[...IMAGE_EXTENSIONS].join(', ')}) in images_dir`);
  const specs: ConditionSpec[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const h = await readHeader(await readFile(path));
    if ('problem' in h) throw UserError.at(path, h.problem);
    specs.push({ id: basename(name), width: h.width, height: h.height, targetSizeMb: null, objects: 0, imagePath: path });
  }
  return specs;
}
