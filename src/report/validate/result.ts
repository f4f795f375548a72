import type { Problem, Warning } from '../../core/errors.js';

export const VALIDATE_SCHEMA_ID = 'capacity-plan/validate@1';

/** What `validate` found, file by file: every view is rendered from it. */
export interface ValidateResult {
  schema: typeof VALIDATE_SCHEMA_ID;
  ok: boolean;
  files: Array<{ file: string; ok: boolean; problems: Problem[]; warnings: Warning[] }>;
}
