import { UserError } from '../core/errors.js';
import { readUserFile } from '../core/files.js';
import { modelInputSize } from './models/resize.js';
import { ModelInputSchema } from './models/spec.js';
import { BENCH_SCHEMA_ID, BenchResultSchema, type BenchModel, type BenchResult } from './result-schema.js';

/** Reads a bench result file; refuses unknown schema versions rather than misreading them. */
export async function readBenchResult(path: string): Promise<BenchResult> {
  const text = await readUserFile(path, 'bench result file');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw UserError.at(path, `not valid JSON: ${(err as Error).message}`);
  }
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (schema !== BENCH_SCHEMA_ID) {
    throw UserError.at(path, `unsupported bench file schema ${JSON.stringify(schema ?? null)}; this version reads ${BENCH_SCHEMA_ID}`);
  }
  const parsed = BenchResultSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw UserError.at(path, `malformed bench file at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export { predictStages, stageDerivation } from './stage-predict.js';

/**
 * The model-input tensor's size for an image of width×height, from the input spec the bench file
 * recorded; null when the file does not say how the model resizes (files written before resize
 * rules were recorded), and the planner then falls back to the whole-pipeline model.
 */
export function modelInputSizeOf(model: BenchModel, width: number, height: number): { width: number; height: number } | null {
  // The recorded spec is the model's input spec plus its output format (see createAdapter's inputSpec).
  const { output: _, ...input } = model.input;
  const parsed = ModelInputSchema.safeParse(input);
  return parsed.success ? modelInputSize(parsed.data, width, height) : null;
}
