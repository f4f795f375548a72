import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { UserError } from '../../core/errors.js';
import { createAdapter } from './adapter.js';
import { BUILTIN_MODEL_NAMES, BUILTIN_SPECS, isBuiltinModel, ocrModelsAsset } from './builtins.js';
import { readUserFileBytes } from '../../core/files.js';
import { checkModelBounds } from './onnx-bounds.js';
import { MAX_MODEL_BYTES } from './onnx-proto.js';
import { displayPath } from './paths.js';
import { ModelSpecSchema, type ModelSpec } from './spec.js';
import type { ModelAdapter } from './types.js';

export { BUILTIN_MODEL_NAMES } from './builtins.js';

/**
 * A built-in name, or a user model spec from a suite file (its `path` relative to `baseDir`, the
 * suite file's folder) → the adapter. The model file must exist; it is parsed by `createSession`.
 */
export async function resolveModel(ref: string | ModelSpec, baseDir = process.cwd()): Promise<ModelAdapter> {
  if (typeof ref === 'string') {
    if (!isBuiltinModel(ref)) {
      const hint = /\.onnx$/i.test(ref) ? '; your own .onnx models are declared in a bench suite file (see docs/models.md)' : '';
      throw new UserError(`unknown built-in model '${ref}'; built-in models: ${BUILTIN_MODEL_NAMES.join(', ')}${hint}`);
    }
    const { file, ...builtin } = BUILTIN_SPECS[ref];
    const spec = ModelSpecSchema.parse({ ...builtin, name: ref, path: ocrModelsAsset(file) });
    return createAdapter({ spec, source: `builtin:${ref}`, file: displayPath(spec.path) });
  }
  const parsed = ModelSpecSchema.safeParse(ref);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `model ${String((ref as { name?: unknown }).name ?? '')}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid model spec'}`,
    );
  }
  const modelPath = resolve(baseDir, parsed.data.path);
  const file = displayPath(modelPath);
  let info;
  try {
    info = await stat(modelPath);
  } catch {
    throw UserError.at(file, `model file not found (model ${parsed.data.name})`);
  }
  if (!info.isFile()) throw UserError.at(file, `is not a file (model ${parsed.data.name})`);
  return createAdapter({ spec: { ...parsed.data, path: modelPath }, source: parsed.data.path, file });
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
  // onnxruntime would load any graph and external data the file names: bounded first (onnx-bounds.ts).
  const bytes = await readUserFileBytes(adapter.modelPath, 'model file', MAX_MODEL_BYTES).catch((err: unknown) => {
    throw err instanceof UserError ? UserError.at(file, err.problems[0]?.message ?? err.message) : err;
  });
  await checkModelBounds(bytes, adapter.modelPath, file, MAX_MODEL_BYTES);
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(adapter.modelPath, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      // onnxruntime logs warnings natively, in colour, before our one error line; what matters
      // reaches us as the exception, so only fatal messages are logged.
      logSeverityLevel: 4,
    });
  } catch (err) {
    // eslint-disable-next-line no-control-regex
    const reason = String((err as Error).message ?? err)
      .replace(/\u001b\[[0-9;]*m/g, '')
      .split('\n')[0]!
      .replace(/^\[.*?\]\s*/, '')
      .slice(0, 200);
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
