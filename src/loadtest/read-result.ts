import { readVersionedJson } from '../core/versioned-json.js';
import { LOADTEST_SCHEMA_ID, LoadtestResultSchema, type LoadtestResult } from './result-schema.js';

/** Reads a loadtest result file; refuses unknown schema ids rather than misreading them. */
export function readLoadtestResult(path: string): Promise<LoadtestResult> {
  return readVersionedJson(path, 'loadtest', LOADTEST_SCHEMA_ID, LoadtestResultSchema);
}
