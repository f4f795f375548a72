import { EXIT } from '../core/errors.js';

/** What a measuring command says on the first Ctrl-C: what it keeps, before 'Ctrl-C again to quit now'. */
const BENCH_NOTE = 'interrupted: finishing the current sample, then writing what was measured (Ctrl-C again to quit now)';

/**
 * Runs a measurement with Ctrl-C wired to its abort signal: the first Ctrl-C lets the run stop
 * the way it says in `note` and write what it measured; a second one quits at once (exit 130).
 */
export async function interruptible<T>(
  say: { note(text: string): void },
  run: (signal: AbortSignal) => Promise<T>,
  note = BENCH_NOTE,
): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    say.note(note);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
