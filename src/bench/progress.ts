/**
 * Progress on stderr, only on a terminal: one line rewritten in place (\r + clear). Hand-written
 * because it is a dozen lines; spinner/progress-bar libraries add timers that would tick
 * inside the measurement loop.
 */
export interface Progress {
  condition(label: string, index: number, total: number): void;
  sample(n: number, elapsedS: number): void;
  note(text: string): void;
  done(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { condition() {}, sample() {}, note() {}, done() {} };
  let label = '';
  let lastWrite = 0;
  const write = (text: string) => stream.write(`\r\x1b[2K${text}`);
  return {
    condition(l, index, total) {
      label = total > 0 ? `[${index}/${total}] ${l}` : l;
      write(label);
    },
    sample(n, elapsedS) {
      const now = Date.now();
      if (now - lastWrite < 200) return; // a few redraws a second: don't let the terminal cost show up in samples
      lastWrite = now;
      write(`${label}: ${n} samples, ${elapsedS.toFixed(1)} s`);
    },
    note(text) {
      write(`${text}\n`);
    },
    done() {
      write('');
    },
  };
}
