import { forTerminal } from '../../core/escape.js';
import { formatProblem } from '../../core/errors.js';
import type { Formatter } from '../format.js';
import type { ValidateResult } from './result.js';

/** The terminal view's stdout: `file: ok` for each file that passed, so `validate > list` lists them. */
export const validateTable: Formatter<ValidateResult> = (r) =>
  r.files.flatMap((f) => (f.ok ? [forTerminal(`${f.file}: ok`) + '\n'] : [])).join('');

/**
 * The terminal view's stderr, where a terminal user looks for trouble: each file's warnings, then
 * every problem as `file:line:col: message`, the shape editors and CI logs link to.
 */
export const validateTableProblems: Formatter<ValidateResult> = (r) =>
  [
    ...r.files.flatMap((f) => f.warnings.map((w) => forTerminal(`${f.file}: warning [${w.code}]: ${w.message}`))),
    ...r.files.flatMap((f) => f.problems.map(formatProblem)),
  ]
    .map((line) => line + '\n')
    .join('');
