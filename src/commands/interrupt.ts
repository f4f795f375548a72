import { EXIT } from '../core/errors.js';
import type { Progress } from '../bench/progress.js';

/**
 * Runs a measurement with Ctrl-C wired to its abort signal: the first Ctrl-C lets the current
 * sample finish and the run write what it measured; a second one quits at once.
 */
export async function interruptible<T>(progress: Progress, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    progress.note('interrupted: finishing the current sample, then writing what was measured (Ctrl-C again to quit now)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
