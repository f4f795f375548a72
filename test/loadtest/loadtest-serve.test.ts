import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBenchResult, readLoadtestResult } from '../../src/contracts/read-result.js';
import type { LoadtestResult } from '../../src/contracts/loadtest.js';
import { tempDir } from '../helpers/cli.js';
import { writeTextImages } from '../helpers/loadtest-images.js';
import { runCliAsync, spawnCli, startServe } from '../helpers/processes.js';

/**
 * serve's queue in these tests, per unit: waiting calls absorb the stalls a busy machine gives
 * any process, so a step throttles when the offered load exceeds what the fleet sustains, not
 * when one call meets a hiccup. On 2 cores shared with other CPU-bound work, the unit, its HTTP
 * thread and the client stall for over 100 ms at a time: 8 calls cover that near capacity (~80
 * TPS a unit), while a load 10% over capacity still fills the queue within one step.
 */
const QUEUE_PER_UNIT = 8;

function lowestThrottled(r: LoadtestResult) {
  return r.steps.filter((s) => !s.clean).sort((a, b) => a.offeredTps! - b.offeredTps!)[0];
}

describe('loadtest against a serve fleet (real processes, loopback)', () => {
  let dir: string;
  let images: string;

  beforeAll(async () => {
    dir = tempDir();
    images = await writeTextImages(dir, 'imgs', { width: 640, height: 480, sizeMb: 0.1, objects: 0, count: 2 });
  });

  /** bench on the very same images, one unit as serve runs it: the bench file the calibrated workload below plans from. */
  async function benchImages(): Promise<void> {
    const suite = join(dir, 'suite.yaml');
    writeFileSync(
      suite,
      'version: 1\nmodels: [ocr-cls]\nconditions: { images_dir: imgs, per_image: true }\nmeasure: { min_time_s: 1, max_time_s: 2, target_rse_pct: 2 }\n',
    );
    const bench = await runCliAsync(['bench', suite, '--out', join(dir, 'bench.json'), '--format', 'json']);
    expect(bench.code, bench.stderr).toBe(0);
    expect((await readBenchResult(join(dir, 'bench.json'))).models[0]!.conditions.length).toBe(2);
  }

  for (const units of [1, 2]) {
    it(`--units ${units}: throttling starts where offered load passes the fleet's capacity`, async () => {
      // Measured right before the fleet starts, so both see the machine in the same state.
      if (units === 1) await benchImages();
      const serve = await startServe(['--units', String(units), '--model', 'ocr-cls', '--queue', String(QUEUE_PER_UNIT * units)]);
      try {
        const out = join(dir, `lt-${units}.json`);
        const r = await runCliAsync([
          'loadtest',
          '--endpoint',
          serve.url,
          '--images',
          images,
          '--start',
          '10',
          '--step-s',
          '1.5',
          '--warmup-s',
          '0.5',
          '--resolution-pct',
          '5',
          '--format',
          'json',
          '--out',
          out,
        ]);
        expect(r.code, r.stderr).toBe(0);
        const result = await readLoadtestResult(out);
        const figures = `steps ${result.steps.map((st) => `${st.offeredTps}→${st.achievedTps.toFixed(0)} (${st.throttledPct.toFixed(1)}%)`).join(', ')}`;
        expect(JSON.parse(r.stdout)).toEqual(result);
        expect(result.units).toMatchObject({
          inService: units,
          source: 'DescribeProjectVersions',
          minInferenceUnits: units,
          maxInferenceUnits: units,
        });
        expect(result.images).toMatchObject({
          source: 'bytes',
          count: 2,
          meanWidth: 640,
          meanHeight: 480,
          formats: ['jpeg'],
          meanObjects: null,
        });
        expect(result.stoppedBy).toBe('converged');
        // The search brackets the fleet's capacity: it doubled until a step throttled (the most it
        // offered is a throttled step), and its answer is the best clean step below that. Where the
        // capacity lies is a speed figure (how fast this machine runs the model), measured against
        // bench by benchmarks/serve-fleet.mjs and never asserted here: CI's machine may be loaded.
        const top = result.steps.reduce((a, b) => (b.offeredTps! > a.offeredTps! ? b : a));
        const clean = result.steps.filter((st) => st.clean);
        expect(top.clean, figures).toBe(false);
        expect(clean.length, figures).toBeGreaterThan(0);
        expect(lowestThrottled(result)!.offeredTps!, figures).toBeGreaterThan(0);
        expect(result.highestCleanTps, figures).toBe(Math.max(...clean.map((st) => st.achievedTps)));
        expect(Math.max(...clean.map((st) => st.offeredTps!)), figures).toBeLessThan(top.offeredTps!);
        expect(result.tpsPerUnit).toBeCloseTo(result.highestCleanTps! / units, 6);
        if (units === 1) {
          // The load test file calibrates a workload planned from the bench file of the same images:
          // a class that is the image class the load test sent gets exactly its TPS per unit.
          const workload = join(dir, 'calibrated.yaml');
          const mb = result.images.meanSizeMb;
          writeFileSync(
            workload,
            `version: 1\nname: calibrated\nmodel:\n  task: classification\n  bench: bench.json\n  calibration: { loadtest: lt-1.json }\nimages:\n  - { share: 1, width: 640, height: 480, size_mb: ${mb} }\ntraffic: { peak_tps: 10, baseline_tps: 2 }\n`,
          );
          const plan = await runCliAsync(['plan', workload, '--format', 'json']);
          expect(plan.code, plan.stderr).toBe(0);
          const p = JSON.parse(plan.stdout).plans[0];
          // The plan works on the calibration factor to 4 decimals and TPS to 3 (its derivations
          // are redone from the printed figures): the factor's rounding moves TPS by at most
          // 0.00005 × the local TPS (= TPS / factor), the plan's own rounding by 0.0005.
          const roundingTps = 0.0005 + (0.00005 * result.tpsPerUnit!) / p.calibration + 1e-9;
          expect(Math.abs(p.tpsPerUnit - result.tpsPerUnit!), figures).toBeLessThanOrEqual(roundingTps);
          expect(p.derivation.calibration).toContain(`TPS per unit from the load test lt-1.json`);
          expect(p.warnings.map((w: { code: string }) => w.code)).toContain('calibration-not-aws');
        }
      } finally {
        expect((await serve.stop()).code).toBe(0);
      }
    });
  }

  it('Ctrl-C stops the load at once, keeps the finished steps and exits 130', async () => {
    const serve = await startServe(['--units', '1', '--model', 'ocr-cls']);
    try {
      const out = join(dir, 'interrupted.json');
      const { child, done } = spawnCli([
        'loadtest',
        '--endpoint',
        serve.url,
        '--images',
        images,
        '--step-s',
        '0.5',
        '--warmup-s',
        '0',
        '--out',
        out,
      ]);
      await new Promise<void>((resolve) => child.stderr!.on('data', (c: Buffer) => c.toString().includes('step 2 (') && resolve()));
      const sentAt = performance.now();
      child.kill('SIGINT');
      const end = await done;
      expect(performance.now() - sentAt).toBeLessThan(5000);
      expect(end.code, end.stderr).toBe(130);
      const result = await readLoadtestResult(out);
      expect(result).toMatchObject({ complete: false, stoppedBy: 'interrupted' });
      expect(result.steps.length).toBeGreaterThanOrEqual(2);
    } finally {
      await serve.stop();
    }
  });
});
