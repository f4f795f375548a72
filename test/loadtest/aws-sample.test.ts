import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { locustWindow } from '../../src/loadtest/aws-sample.js';
import { readLoadtestResult } from '../../src/contracts/read-result.js';
import { tempDir } from '../helpers/cli.js';
import { writeTextImages } from '../helpers/loadtest-images.js';
import { runCliAsync, startServe } from '../helpers/processes.js';

describe("Locust's current_rps - current_fail_per_sec, as tps.py reads it", () => {
  it('averages the whole seconds from 12 to 2 before the last answer, by answer time (worked by hand)', () => {
    const start = 1_000_000_000; // a whole second, in ms
    const answers: Array<{ atMs: number; ok: boolean }> = [];
    // Seconds 0..19 of the run: 5 answers a second, one of them failed in seconds 10..19.
    for (let s = 0; s < 20; s++) for (let k = 0; k < 5; k++) answers.push({ atMs: start + s * 1000 + k * 100, ok: !(s >= 10 && k === 0) });
    // Last answer in second 19: the window is seconds 7..16 (19-12 = 7 to 19-2 = 17, exclusive):
    // 50 answers over 10 s = 5/s; failures in seconds 10..16 = 7 over 10 s = 0.7/s; figure 4.3.
    const w = locustWindow(answers, start);
    expect(w).toEqual({ rps: 5, failPerS: 0.7, fromS: 7, toS: 17 });
    expect(w.rps - w.failPerS).toBeCloseTo(4.3, 12);
  });

  it('a run shorter than 12 s averages from its start; no answers read as 0', () => {
    const start = 2_000_000_000;
    const answers = Array.from({ length: 30 }, (_, i) => ({ atMs: start + i * 200, ok: true })); // seconds 0..5, 5 a second
    expect(locustWindow(answers, start)).toEqual({ rps: 5, failPerS: 0, fromS: 0, toS: 3 });
    expect(locustWindow([], start)).toEqual({ rps: 0, failPerS: 0, fromS: 0, toS: 0 });
  });
});

describe('loadtest --method aws-sample on a serve fleet (real processes, loopback)', () => {
  let dir: string;
  let images: string;
  beforeAll(async () => {
    dir = tempDir();
    images = await writeTextImages(dir, 'imgs', { width: 640, height: 480, sizeMb: 0.1, objects: 0, count: 2 });
  });

  it("10 users on one unit fail at once: the sample stops after its first run, its figure near the fleet's capacity, throttled calls sent twice", async () => {
    const serve = await startServe(['--units', '1', '--model', 'ocr-cls']);
    try {
      const sampleOut = join(dir, 'sample.json');
      const r = await runCliAsync(
        [
          'loadtest',
          '--endpoint',
          serve.url,
          '--images',
          images,
          '--method',
          'aws-sample',
          '--step-s',
          '14',
          '--out',
          sampleOut,
          '-f',
          'json',
        ],
        { timeoutMs: 120_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      const sample = await readLoadtestResult(sampleOut);
      expect(sample.method).toMatchObject({ name: 'aws-sample', mode: 'users', start: 10, retries: 1 });
      expect(sample.steps).toHaveLength(1);
      expect(sample.steps[0]!.users).toBe(10);
      expect(sample.stoppedBy).toBe('throttled-at-start');
      const a = sample.awsSample!;
      expect(a.failurePerS).toBeGreaterThan(0);
      expect(sample.tpsPerUnit).toBe(a.maxTps);
      // Locust counts by wall-clock second, so where the window lies in the run varies by a second or so: ten seconds always.
      expect(sample.derivation).toMatch(/^AWS sample \(tps\.py\): run 1 \(10 users\) was the last; Locust's window \d+-\d+ s: /);
      expect(a.window.toS - a.window.fromS).toBeCloseTo(10, 6);

      // The fleet's capacity the closed-loop way: as many users as it holds (one unit, no queue).
      const capOut = join(dir, 'cap.json');
      const cap = await runCliAsync([
        'loadtest',
        '--endpoint',
        serve.url,
        '--images',
        images,
        '--mode',
        'users',
        '--start',
        '1',
        '--max-steps',
        '1',
        '--step-s',
        '4',
        '--warmup-s',
        '0.5',
        '--out',
        capOut,
        '-f',
        'json',
      ]);
      expect(cap.code, cap.stderr).toBe(0);
      const capacityTps = (await readLoadtestResult(capOut)).steps[0]!.achievedTps;
      // Ratios, not times. One user leaves the unit idle during each round trip, so its rate is a
      // lower bound of the capacity (lower still on a loaded machine); ten users keep the unit busy.
      // The sample's figure sits at or above that bound, within a small factor of it.
      expect(a.maxTps / capacityTps).toBeGreaterThan(0.5);
      expect(a.maxTps / capacityTps).toBeLessThan(4);
    } finally {
      const end = await serve.stop();
      // Two HTTP requests for a throttled call: serve counted more throttles than the sample's failed calls.
      const throttledAtServe = Number(/(\d+) throttled/.exec(end.stderr)![1]);
      expect(throttledAtServe).toBeGreaterThan(0);
    }
  }, 180_000);
});
