import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { cachedSynthesizeImage, type SynthImage } from '../../src/bench/images/index.js';
import { MAX_WARMUP_SAMPLES, MIN_WARMUP_SAMPLES, measureBlock, warmedUp } from '../../src/bench/measure.js';
import { createSession, resolveModel } from '../../src/bench/models/index.js';
import type { ModelAdapter } from '../../src/bench/models/types.js';

// Real ocr-cls on real generated images; the adapter is wrapped only to record which image each run decoded.
async function recordingCls(): Promise<{ adapter: ModelAdapter; decoded: Buffer[] }> {
  const real = await resolveModel('ocr-cls');
  const decoded: Buffer[] = [];
  return { adapter: { ...real, decode: (bytes, name) => (decoded.push(bytes), real.decode(bytes, name)) }, decoded };
}

async function images(sizeMb: number, variants: number): Promise<Buffer[]> {
  const made = await Promise.all(
    Array.from({ length: variants }, (_, variant) =>
      cachedSynthesizeImage({ width: 640, height: 480, targetSizeMb: sizeMb, objects: 0, kind: 'text', variant }),
    ),
  );
  return made.map((m) => (m as SynthImage).bytes);
}

describe('measureBlock (real model, real images)', () => {
  it('interleaves the conditions of a block in shuffled rounds, each rotating over its own images, and stops each on its own samples', async () => {
    const { adapter, decoded } = await recordingCls();
    const session = await createSession(adapter, 1);
    try {
      const a = await images(0.05, 2);
      const b = await images(0.2, 3);
      const settings = { minSamples: 6, minTimeS: 0, maxTimeS: 60, targetRsePct: 100 };
      const m = await measureBlock(
        adapter,
        session,
        [
          { id: 'a', images: a },
          { id: 'b', images: b },
        ],
        settings,
        { seenShapes: new Set(['1x3x48x192']), clock: 'cpu' },
      );
      const measured = decoded.slice(decoded.length - 12);
      const label = (buf: Buffer) => (a.includes(buf) ? `a${a.indexOf(buf)}` : `b${b.indexOf(buf)}`);
      // Six rounds of one sample each, in a shuffled order; each condition rotates over its own images.
      const labels = measured.map(label);
      for (let r = 0; r < 6; r++)
        expect(
          labels
            .slice(2 * r, 2 * r + 2)
            .map((l) => l[0])
            .sort(),
        ).toEqual(['a', 'b']);
      expect(labels.filter((l) => l[0] === 'a')).toEqual(['a0', 'a1', 'a0', 'a1', 'a0', 'a1']);
      expect(labels.filter((l) => l[0] === 'b')).toEqual(['b0', 'b1', 'b2', 'b0', 'b1', 'b2']);
      expect(m.conditions.map((c) => c?.samples)).toEqual([6, 6]);
      expect(m.samples).toBe(12);
      for (const c of m.conditions) {
        expect(c!.stable).toBe(true);
        // The time budget counts the unit's clock: each condition's share of the block, as measured.
        expect(c!.measuredS).toBeCloseTo((c!.rawMs * c!.samples) / 1000, 9);
        // Corrected to the block's average speed, the mean moves by what the correction says.
        expect(c!.rawMs).toBeGreaterThan(0);
      }
      expect(m.speed.clock).toBe('cpu');
      expect(m.speed.trace.length).toBeGreaterThan(0);
    } finally {
      await session.release();
    }
  });

  it('warms up for at least warmupMinS before the first measured sample', async () => {
    const real = await resolveModel('ocr-cls');
    const decodedAtMs: number[] = [];
    const adapter: ModelAdapter = { ...real, decode: (bytes, name) => (decodedAtMs.push(performance.now()), real.decode(bytes, name)) };
    const session = await createSession(adapter, 1);
    try {
      const settings = { minSamples: 4, minTimeS: 0, maxTimeS: 60, targetRsePct: 100 };
      const m = await measureBlock(adapter, session, [{ id: 'a', images: await images(0.05, 2) }], settings, {
        seenShapes: new Set(['1x3x48x192']),
        warmupMinS: 0.3,
      });
      // The bound holds exactly on the clock measureBlock reports with (performance.now()).
      expect(m.warmupMs).toBeGreaterThanOrEqual(300);
      // Read independently, on the same clock, from when the adapter was asked to decode: each stamp
      // is taken a few µs after its sample started (more only if the OS deschedules the process
      // between two statements), so the two readings agree within a 20 ms tolerance.
      const firstMeasured = decodedAtMs[decodedAtMs.length - m.samples]!;
      expect(Math.abs(firstMeasured - decodedAtMs[0]! - m.warmupMs)).toBeLessThan(20);
      // Without it, the same shape gets the MIN_WARMUP_SAMPLES minimum only.
      decodedAtMs.length = 0;
      const quick = await measureBlock(adapter, session, [{ id: 'a', images: await images(0.05, 2) }], settings, {
        seenShapes: new Set(['1x3x48x192']),
      });
      expect(decodedAtMs.length - quick.samples).toBe(MIN_WARMUP_SAMPLES);
      // A shape the session has not run warms up until two runs agree (at least 3 runs).
      decodedAtMs.length = 0;
      const fresh = await measureBlock(adapter, session, [{ id: 'a', images: await images(0.05, 2) }], settings, { seenShapes: new Set() });
      expect(decodedAtMs.length - fresh.samples).toBeGreaterThanOrEqual(3 + MIN_WARMUP_SAMPLES - 1);
    } finally {
      await session.release();
    }
  });

  it('abandons the unfinished conditions when aborted', async () => {
    const { adapter } = await recordingCls();
    const session = await createSession(adapter, 1);
    try {
      const controller = new AbortController();
      // Each condition could stop after its 3rd sample (decided when a round ends); Ctrl-C in the
      // middle of the second round leaves both unfinished. (Keeping finished conditions is run.test.ts's.)
      const settings = { minSamples: 3, minTimeS: 0, maxTimeS: 600, targetRsePct: 100 };
      const m = await measureBlock(
        adapter,
        session,
        [
          { id: 'a', images: await images(0.05, 2) },
          { id: 'b', images: await images(0.2, 2) },
        ],
        settings,
        {
          signal: controller.signal,
          onSample: (count) => {
            if (count === 3) controller.abort();
          },
        },
      );
      expect(m.samples).toBe(3);
      expect(m.conditions).toEqual([null, null]);
    } finally {
      await session.release();
    }
  });
});

describe('warm-up after an input-shape change', () => {
  it('needs at least 3 samples', () => {
    expect(warmedUp([100, 100])).toBe(false);
    expect(warmedUp([300, 100, 100])).toBe(true);
  });
  it('goes on until two successive samples agree within 10%', () => {
    expect(warmedUp([300, 200, 150])).toBe(false);
    expect(warmedUp([300, 200, 150, 140])).toBe(true);
    expect(warmedUp([300, 150, 150, 180])).toBe(false);
  });
  it('stops at the cap however unsettled', () => {
    const rising = Array.from({ length: MAX_WARMUP_SAMPLES }, (_, i) => 100 * 1.2 ** i);
    expect(warmedUp(rising.slice(0, MAX_WARMUP_SAMPLES - 1))).toBe(false);
    expect(warmedUp(rising)).toBe(true);
  });
});
