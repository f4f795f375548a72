import { hasControlChars } from '../core/escape.js';
import { UserError } from '../core/errors.js';
import { readJsonOfVersions } from '../core/versioned-json.js';
import { modelInputSize } from './models/resize.js';
import { ModelInputSchema } from './models/input-spec.js';
import { BENCH_SCHEMA_ID, BENCH_V1_SCHEMA_ID, BenchResultSchema, type BenchModel, type BenchResult } from './result-schema.js';

/** Reads a bench result file (bench@2, or bench@1 upgraded as it parses); refuses unknown schema versions rather than misreading them. */
export async function readBenchResult(path: string): Promise<BenchResult> {
  const result = await readJsonOfVersions<BenchResult>(path, 'bench', {
    [BENCH_SCHEMA_ID]: BenchResultSchema,
    [BENCH_V1_SCHEMA_ID]: BenchResultSchema,
  });
  // Model names reach terminals, PR comments and HTML: no escape sequences or line breaks.
  if (result.models.some((m) => hasControlChars(m.name)))
    throw UserError.at(path, 'a model name contains control characters (escape sequences, line breaks)');
  return result;
}

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
