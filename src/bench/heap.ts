import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: ((options: { type: 'major'; execution: 'sync' }) => void) | undefined;

/**
 * A full, synchronous garbage collection, run between samples and outside their timing, so every
 * sample starts from the same heap. Without it a sample's time depends on when V8 last collected:
 * the previous samples' decoded images (6 MB at 1920x1080) are freed only by a collection, and a
 * decode whose output lands in memory not yet mapped pays a page fault per 4 KB. On a 2-vCPU VM a
 * 1920x1080 ocr-cls decode took 18 ms or 41 ms at random (~1500 faults at ~15 µs each); collected
 * first, 18-23 ms. Costs ~1.3 ms per sample, outside the timed stages.
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
