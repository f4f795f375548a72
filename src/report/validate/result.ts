/** What `validate` found: defined once, zod-first, in src/contracts/validate.ts. */
export { VALIDATE_SCHEMA_ID } from '../../contracts/ids.js';
export type { ValidateResult } from '../../contracts/validate.js';
