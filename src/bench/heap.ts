import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: ((options: { type: 'major'; execution: 'sync' }) => void) | undefined;

/**
 * A full, synchronous garbage collection, run between samples and outside their timing, so every
 * sample starts from the same heap. Without it a sample's time depends on when V8 last collected:
 * the previous samples' decoded images and tensors (6 MB each at 1920x1080) are freed only by a
 * collection, and a decode whose output lands in memory not yet mapped pays a page fault per 4 KB,
 * which can cost as much as the decode itself (figures in docs/bench.md). The collection's own
 * time (about a millisecond) falls between samples, in no stage.
 *
 * Node exposes `gc` only with --expose-gc; setting the flag at run time makes it available to
 * contexts created afterwards, which is how a library gets it without the user's command line.
 */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as typeof gc;
  }
  gc!({ type: 'major', execution: 'sync' });
}
