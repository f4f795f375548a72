import prettyMilliseconds from 'pretty-ms';

/**
 * Progress on stderr. On a terminal: one line rewritten in place (\r + clear) with an ETA.
 * Elsewhere (CI logs, pipes): one plain line per finished block with elapsed time and ETA, and
 * notes as lines; never a carriage return. Hand-written because it is a few dozen lines;
 * spinner/progress-bar libraries add timers that would tick inside the measurement loop.
 */
export interface Progress {
  condition(label: string, index: number, total: number): void;
  sample(n: number, elapsedS: number): void;
  /** A block of conditions finished: `done` of `total` conditions of this run are measured. */
  blockDone(done: number, total: number): void;
  note(text: string): void;
  done(): void;
}

/**
 * Seconds left at the pace so far: the mean time of a finished condition times those left.
 * Null before anything finished (no pace yet). Blocks take their time budget on a busy machine
 * and less on a quiet one, so the pace of this run is a better guess than the budget.
 */
export function etaSeconds(elapsedS: number, done: number, total: number): number | null {
  if (done <= 0 || total <= done) return done >= total && total > 0 ? 0 : null;
  return (elapsedS / done) * (total - done);
}

// Whole seconds: `1m 30s`, `0s` (pretty-ms writes 0 as `0ms`).
const duration = (s: number) => (s < 0.5 ? '0s' : prettyMilliseconds(Math.round(s) * 1000, { secondsDecimalDigits: 0 }));

interface ProgressOptions {
  /** Seconds on a monotonic clock. */
  now?: () => number;
}

export function createProgress(
  stream: { isTTY?: boolean; write(s: string): unknown } = process.stderr,
  opts: ProgressOptions = {},
): Progress {
  const now = opts.now ?? (() => performance.now() / 1000);
  const start = now();
  let label = '';
  let eta = '';
  let blockStart = start;
  if (!stream.isTTY) {
    return {
      condition(l, index, total) {
        label = total > 0 ? `[${index}/${total}] ${l}` : l;
      },
      sample() {},
      blockDone(done, total) {
        const t = now();
        const left = etaSeconds(t - start, done, total);
        stream.write(
          `${label}: done in ${(t - blockStart).toFixed(1)} s; elapsed ${duration(t - start)}${left === null ? '' : `, ETA ${duration(left)}`}\n`,
        );
        blockStart = t;
      },
      note(text) {
        stream.write(`${text}\n`);
      },
      done() {},
    };
  }
  let lastWrite = 0;
  const write = (text: string) => stream.write(`\r\x1b[2K${text}`);
  return {
    condition(l, index, total) {
      label = total > 0 ? `[${index}/${total}] ${l}` : l;
      write(label + eta);
    },
    sample(n, elapsedS) {
      const t = now();
      if (t - lastWrite < 0.2) return; // a few redraws a second: don't let the terminal cost show up in samples
      lastWrite = t;
      write(`${label}: ${n} samples, ${elapsedS.toFixed(1)} s${eta}`);
    },
    blockDone(done, total) {
      const left = etaSeconds(now() - start, done, total);
      eta = left === null ? '' : `; ETA ${duration(left)}`;
    },
    note(text) {
      write(`${text}\n`);
    },
    done() {
      write('');
    },
  };
}
