import { describe, expect, it } from 'vitest';
import { runOpenStep } from '../../src/loadtest/generator.js';
import type { Outcome } from '../../src/loadtest/target.js';

describe('runOpenStep: achieved never exceeds offered', () => {
  it('2.07 TPS for 5 s after 3 s: 10 measured calls over the 4.83 s they span (not 11 over 5 s = 2.2)', async () => {
    const ok: Outcome = { kind: 'ok', latencyMs: 1, objects: null };
    const signal = new AbortController().signal;
    // A short real step at the same proportions: rate × 10, times / 10.
    const tally = await runOpenStep(async () => ok, { rateTps: 20.7, warmupS: 0.3, stepS: 0.5, maxInFlight: 100, signal, imageOffset: 0 });
    // round(0.5 × 20.7) = 10 measured calls, sent over 10 / 20.7 s.
    expect(tally!.sent).toBe(10);
    expect(tally!.durationS).toBeCloseTo(10 / 20.7, 12);
    expect(tally!.succeeded / tally!.durationS).toBeLessThanOrEqual(20.7 + 1e-9);
  });
});
