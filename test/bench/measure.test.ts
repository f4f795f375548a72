import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { cachedSynthesizeImage, type SynthImage } from '../../src/bench/images/index.js';
import { MAX_WARMUP_SAMPLES, measureBlock, warmedUp } from '../../src/bench/measure.js';
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
  it('interleaves the conditions of a block, each rotating over its own images, and stops each on its own samples', async () => {
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
        { previousInputShape: '1x3x48x192' },
      );
      const measured = decoded.slice(decoded.length - 12);
      const label = (buf: Buffer) => (a.includes(buf) ? `a${a.indexOf(buf)}` : `b${b.indexOf(buf)}`);
      expect(measured.map(label)).toEqual(['a0', 'b0', 'a1', 'b1', 'a0', 'b2', 'a1', 'b0', 'a0', 'b1', 'a1', 'b2']);
      expect(m.conditions.map((c) => c?.samples)).toEqual([6, 6]);
      expect(m.samples).toBe(12);
      for (const c of m.conditions) {
        expect(c!.stable).toBe(true);
        expect(c!.measuredS).toBeCloseTo((c!.stats.mean * c!.samples) / 1000, 9);
      }
      expect(m.wallS).toBeGreaterThanOrEqual(m.conditions.reduce((s, c) => s + c!.measuredS, 0));
      expect(m.inputShape).toBe('1x3x48x192');
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
        previousInputShape: '1x3x48x192',
        warmupMinS: 0.3,
      });
      // The bound holds exactly on the clock measureBlock reports with (performance.now()).
      expect(m.warmupMs).toBeGreaterThanOrEqual(300);
      // Read independently, on the same clock, from when the adapter was asked to decode: each stamp
      // is taken a few µs after its sample started (more only if the OS deschedules the process
      // between two statements), so the two readings agree within a 20 ms tolerance.
      const firstMeasured = decodedAtMs[decodedAtMs.length - m.samples]!;
      expect(Math.abs(firstMeasured - decodedAtMs[0]! - m.warmupMs)).toBeLessThan(20);
      // Without it, the same shape gets the 2-sample minimum only.
      decodedAtMs.length = 0;
      const quick = await measureBlock(adapter, session, [{ id: 'a', images: await images(0.05, 2) }], settings, {
        previousInputShape: '1x3x48x192',
      });
      expect(decodedAtMs.length - quick.samples).toBe(2);
    } finally {
      await session.release();
    }
  });

  it('abandons the unfinished conditions when aborted and keeps the finished ones', async () => {
    const { adapter } = await recordingCls();
    const session = await createSession(adapter, 1);
    try {
      const controller = new AbortController();
      // Each condition stops at its 3rd sample. Samples run a,b,a,b,a: after the 5th, 'a' is done
      // and 'b' has 2: Ctrl-C there keeps 'a' and abandons 'b'.
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
            if (count === 5) controller.abort();
          },
        },
      );
      expect(m.samples).toBe(5);
      expect(m.conditions[0]?.samples).toBe(3);
      expect(m.conditions[1]).toBeNull();
    } finally {
      await session.release();
    }
  });
});

describe('warm-up after an input-shape change', () => {
  it('needs at least 6 samples', () => {
    expect(warmedUp([100, 100, 100, 100, 100])).toBe(false);
    expect(warmedUp([100, 100, 100, 100, 100, 100])).toBe(true);
  });
  it('goes on while the last 3 are more than 5% slower than the 3 before', () => {
    // 190,180,170 then 160,150,150: last mean 153.3 <= 180 × 1.05: steady (getting faster is fine)
    expect(warmedUp([190, 180, 170, 160, 150, 150])).toBe(true);
    // 140,140,140 then 150,160,170: 160 > 147: still settling
    expect(warmedUp([140, 140, 140, 150, 160, 170])).toBe(false);
  });
  it('stops at the cap however unsettled', () => {
    const rising = Array.from({ length: MAX_WARMUP_SAMPLES }, (_, i) => 100 * 1.1 ** i);
    expect(warmedUp(rising.slice(0, MAX_WARMUP_SAMPLES - 1))).toBe(false);
    expect(warmedUp(rising)).toBe(true);
  });
});
