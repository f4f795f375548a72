import { describe, expect, it } from 'vitest';
import { createProgress, etaSeconds } from '../../src/bench/progress.js';

/** A stream that records what was written, and a clock the test moves by hand. */
function harness(isTTY: boolean) {
  const writes: string[] = [];
  let t = 100;
  const progress = createProgress({ isTTY, write: (s: string) => writes.push(s) }, { now: () => t });
  return { writes, progress, advance: (s: number) => (t += s) };
}

describe('etaSeconds: the pace so far times what is left', () => {
  it('by hand: 3 of 12 conditions in 30 s is 10 s each, 9 left = 90 s', () => {
    expect(etaSeconds(30, 3, 12)).toBe(90);
  });
  it('no pace before the first finished condition; 0 when all are done', () => {
    expect(etaSeconds(5, 0, 12)).toBeNull();
    expect(etaSeconds(50, 12, 12)).toBe(0);
  });
});

describe('progress outside a terminal (CI): one line per finished block, never a carriage return', () => {
  it('prints elapsed time and ETA per block, notes as lines, nothing per sample', () => {
    const { writes, progress, advance } = harness(false);
    progress.condition('ocr-det 640x480, 3 conditions interleaved', 3, 12);
    advance(1);
    progress.sample(10, 1);
    advance(29);
    progress.blockDone(3, 12);
    progress.condition('ocr-det 1280x720, 3 conditions interleaved', 6, 12);
    progress.note('warning: ocr-det 1280x720-1mb-0obj: unstable');
    advance(60);
    progress.blockDone(6, 12);
    progress.done();
    expect(writes.join('')).toBe(
      '[3/12] ocr-det 640x480, 3 conditions interleaved: done in 30.0 s; elapsed 30s, ETA 1m 30s\n' +
        'warning: ocr-det 1280x720-1mb-0obj: unstable\n' +
        '[6/12] ocr-det 1280x720, 3 conditions interleaved: done in 60.0 s; elapsed 1m 30s, ETA 1m 30s\n',
    );
    expect(writes.join('')).not.toContain('\r');
  });
});

describe('progress on a terminal: the live line carries the ETA once there is a pace', () => {
  it('rewrites one line; the ETA appears after the first block', () => {
    const { writes, progress, advance } = harness(true);
    progress.condition('ocr-cls 640x480', 1, 4);
    advance(1);
    progress.sample(5, 1);
    expect(writes.at(-1)).toBe('\r\x1b[2K[1/4] ocr-cls 640x480: 5 samples, 1.0 s');
    advance(19);
    progress.blockDone(1, 4);
    progress.condition('ocr-cls 1280x720', 2, 4);
    expect(writes.at(-1)).toBe('\r\x1b[2K[2/4] ocr-cls 1280x720; ETA 1m');
    advance(1);
    progress.sample(3, 1);
    expect(writes.at(-1)).toBe('\r\x1b[2K[2/4] ocr-cls 1280x720: 3 samples, 1.0 s; ETA 1m');
  });
});
