import * as z from 'zod';
import { int, str, WarningSchema } from './common.js';
import { VALIDATE_SCHEMA_ID } from './ids.js';

const ProblemSchema = z.object({ file: str, line: int.optional(), col: int.optional(), message: str });

/** What `validate` found, file by file (`capacity-plan/validate@1`): every view is rendered from it. */
const ValidateResultSchema = z.object({
  schema: z.literal(VALIDATE_SCHEMA_ID),
  ok: z.boolean(),
  files: z.array(z.object({ file: str, ok: z.boolean(), problems: z.array(ProblemSchema), warnings: z.array(WarningSchema) })),
});

export type ValidateResult = z.output<typeof ValidateResultSchema>;
