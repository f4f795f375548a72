import { forTerminal } from './escape.js';

/** Where in a user's file a problem is. Line and column are 1-based. */
interface SourceLocation {
  file: string;
  line?: number;
  col?: number;
}

/** One problem with user input, printable on one line as `file:line:col: message`. */
export interface Problem extends SourceLocation {
  message: string;
}

/** `file:line:col: message`, with control characters shown as escapes (names and paths come from files). */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.line !== undefined ? p.col : undefined].filter((x) => x !== undefined).join(':');
  return forTerminal(`${where}: ${p.message}`);
}

/**
 * Bad input from the user (file, flag, value). The CLI turns it into one line on stderr
 * and exit code 2; it never carries a stack trace to the user.
 */
export class UserError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[] | string) {
    const list = typeof problems === 'string' ? [] : problems;
    const first = list[0];
    const text =
      typeof problems === 'string'
        ? problems
        : first === undefined
          ? 'invalid input'
          : formatProblem(first) + (list.length > 1 ? ` (and ${list.length - 1} more; run 'capacity-plan validate' to list them)` : '');
    super(text);
    this.name = 'UserError';
    this.problems = list;
  }

  static at(file: string, message: string, line?: number, col?: number): UserError {
    return new UserError([{ file, message, line, col }]);
  }
}

/** Something worth telling the user that does not stop the command (an unstable bench file, no zone redundancy). */
export interface Warning {
  code: string;
  message: string;
}

/**
 * Every exit code the CLI returns, in one table: commands return these names, never numbers, and
 * every help text lists its command's codes with their meanings from EXIT_MEANINGS.
 */
export const EXIT = {
  ok: 0,
  /** What the command checked failed: a gate rule, the endpoint under load, a proposed entry. Not an error. */
  checkFailed: 1,
  invalidInput: 2,
  internal: 3,
  /** As shells report a process ended by SIGINT (128 + 2). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_MEANINGS: Record<ExitCode, string> = {
  [EXIT.ok]: 'success',
  [EXIT.checkFailed]:
    'a gate rule failed (gate); the endpoint failed before a throttling point was found (loadtest); the proposed entry did not run (inspect)',
  [EXIT.invalidInput]: 'invalid input or usage (bad file, value, flag), or an output that cannot be written',
  [EXIT.internal]: 'internal error (a bug: please report it)',
  [EXIT.interrupted]: 'interrupted (Ctrl-C); bench and loadtest keep what was measured',
};
