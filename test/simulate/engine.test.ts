import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate, throttledPct, unitsWantedPerMinute, type SimParams } from '../../src/simulate/engine.js';
import { headlineStrategy, RESTART_MINUTES, runStrategies } from '../../src/simulate/strategies.js';

/** 10 TPS per unit, autoscaler at full capacity unless a test says otherwise. */
function sim(demand: number[], p: Partial<SimParams> = {}) {
  return simulate({
    demandTps: Float64Array.from(demand),
    tpsPerUnit: 10,
    capTps: 10,
    minUnits: 1,
    maxUnits: 3,
    scaleUpMinutes: 0,
    scaleDownMinutes: 0,
    zones: 3,
    ...p,
  });
}

describe('simulate: hand-computed small traces', () => {
  it('throttles while added units start (scale-up lag)', () => {
    // t0: 1 unit serves 5. t1: demand 25 wants 3 units; 2 requested serve from t3.
    // t1, t2: 1 unit serves 10 of 25 → 15 TPS × 60 = 900 throttled each minute.
    const t = sim([5, 25, 25, 25, 25], { scaleUpMinutes: 2, scaleDownMinutes: 100 });
    expect(t.requestsTotal).toBe((5 + 25 * 4) * 60);
    expect(t.requestsThrottled).toBeCloseTo(1800, 9);
    expect(t.minutesThrottled).toBe(2);
    // Billed from the minute requested: 1 + 3 + 3 + 3 + 3.
    expect(t.unitMinutesBilled).toBe(13);
    expect(t.peakBilledUnits).toBe(3);
  });

  it('with no lag the autoscaler keeps up', () => {
    const t = sim([5, 25, 25, 25, 25], { scaleUpMinutes: 0, scaleDownMinutes: 100 });
    expect(t.requestsThrottled).toBe(0);
    expect(t.minutesThrottled).toBe(0);
  });

  it('removes units after scale_down_minutes below need', () => {
    // t0: 3 units. t1, t2: 1 wanted (2 minutes below need); they leave at t3.
    const t = sim([25, 5, 5, 5, 5, 5], { scaleDownMinutes: 2 });
    expect(t.unitMinutesBilled).toBe(3 + 3 + 3 + 1 + 1 + 1);
    expect(t.requestsThrottled).toBe(0);
  });

  it('scales down only to the highest need of the waiting window', () => {
    // t1, t2 want 2; at t3 (1 wanted) the fleet drops to 2, then to 1 two minutes later (t5).
    const t = sim([25, 15, 15, 5, 5, 5], { scaleDownMinutes: 2 });
    expect(t.unitMinutesBilled).toBe(3 + 3 + 3 + 2 + 2 + 1);
  });

  it('zone outage: the worst zone (ceil(N / zones) units) is gone, then comes back', () => {
    // 3 units over 3 zones lose 1: 20 TPS for 25 → 5 × 60 = 300 throttled in each of 2 minutes.
    const t = sim([25, 25, 25, 25, 25], { minUnits: 3, maxUnits: 3, zoneOutage: { startMinute: 1, durationMinutes: 2 } });
    expect(t.requestsThrottled).toBeCloseTo(600, 9);
    expect(t.minutesThrottled).toBe(2);
    expect(t.unitMinutesBilled).toBe(15); // lost units stay billed
    // Over 2 zones the worst zone holds ceil(3 / 2) = 2 units: 10 TPS left for 25.
    const t2 = sim([25, 25, 25, 25, 25], { minUnits: 3, maxUnits: 3, zones: 2, zoneOutage: { startMinute: 1, durationMinutes: 2 } });
    expect(t2.requestsThrottled).toBeCloseTo(1800, 9);
  });

  it('unit failure: one unit down until its replacement serves after scale_up_minutes', () => {
    const rec = new Int32Array(6);
    const t = sim([15, 15, 15, 15, 15, 15], { minUnits: 2, maxUnits: 2, scaleUpMinutes: 3, unitFailureMinute: 1, recordInService: rec });
    expect([...rec]).toEqual([2, 1, 1, 1, 2, 2]);
    expect(t.requestsThrottled).toBeCloseTo(3 * 5 * 60, 9);
    expect(t.minutesThrottled).toBe(3);
    expect(t.unitMinutesBilled).toBe(12);
  });

  it('schedule: stopped minutes throttle everything; a start bills Min units that serve after the restart gap', () => {
    const rec = new Int32Array(8);
    const billed = new Int32Array(8);
    const t = sim([5, 5, 5, 5, 5, 5, 5, 5], {
      minUnits: 1,
      maxUnits: 1,
      schedule: Uint8Array.from([1, 1, 0, 0, 1, 1, 1, 1]),
      restartMinutes: 2,
      recordInService: rec,
      recordBilled: billed,
    });
    expect([...rec]).toEqual([1, 1, 0, 0, 0, 0, 1, 1]);
    expect([...billed]).toEqual([1, 1, 0, 0, 1, 1, 1, 1]);
    expect(t.requestsThrottled).toBeCloseTo(4 * 300, 9);
    expect(t.minutesThrottled).toBe(4);
    expect(t.unitMinutesBilled).toBe(6);
  });

  it('the first minute starts with Min units serving', () => {
    const rec = new Int32Array(2);
    sim([0, 0], { minUnits: 2, maxUnits: 4, scaleUpMinutes: 15, recordInService: rec });
    expect([...rec]).toEqual([2, 2]);
  });

  it('the autoscaler plans on target utilization but serves at full capacity', () => {
    // cap 8: 15 TPS wants 2 units; 1 unit still serves 10 of it while the second starts.
    const rec = new Int32Array(3);
    const t = sim([15, 15, 15], { capTps: 8, scaleUpMinutes: 1, recordInService: rec });
    expect([...rec]).toEqual([1, 2, 2]);
    expect(t.requestsThrottled).toBeCloseTo(300, 9);
  });
});

const demandArb = fc.array(fc.double({ min: 0, max: 60, noNaN: true }), { minLength: 1, maxLength: 240 });
const timingArb = fc.record({
  up: fc.integer({ min: 0, max: 30 }),
  down: fc.integer({ min: 0, max: 30 }),
  zones: fc.integer({ min: 1, max: 3 }),
});

describe('simulate: properties', () => {
  it('more capacity (a higher Max or Min) never throttles more', () => {
    fc.assert(
      fc.property(
        demandArb,
        timingArb,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 4 }),
        fc.boolean(),
        (d, tm, min, extra, raiseMin) => {
          const p = { scaleUpMinutes: tm.up, scaleDownMinutes: tm.down, zones: tm.zones, capTps: 8 };
          const a = sim(d, { ...p, minUnits: min, maxUnits: min + extra });
          const b = sim(d, { ...p, minUnits: raiseMin ? min + 1 : min, maxUnits: min + extra + 1 });
          expect(b.requestsThrottled).toBeLessThanOrEqual(a.requestsThrottled + 1e-6);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('more capacity never throttles more, with a zone outage and a unit failure too', () => {
    fc.assert(
      fc.property(
        demandArb,
        timingArb,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 4 }),
        fc.nat(239),
        fc.integer({ min: 1, max: 120 }),
        fc.nat(239),
        (d, tm, min, extra, at, dur, failAt) => {
          const p = {
            scaleUpMinutes: tm.up,
            scaleDownMinutes: tm.down,
            zones: tm.zones,
            capTps: 8,
            zoneOutage: { startMinute: at, durationMinutes: dur },
            unitFailureMinute: failAt,
          };
          const a = sim(d, { ...p, minUnits: min, maxUnits: min + extra });
          const b = sim(d, { ...p, minUnits: min, maxUnits: min + extra + 1 });
          expect(b.requestsThrottled).toBeLessThanOrEqual(a.requestsThrottled + 1e-6);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a longer scale-up lag never throttles less', () => {
    fc.assert(
      fc.property(
        demandArb,
        timingArb,
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        (d, tm, more, min, extra) => {
          const p = { scaleDownMinutes: tm.down, zones: tm.zones, capTps: 8, minUnits: min, maxUnits: min + extra };
          const fast = sim(d, { ...p, scaleUpMinutes: tm.up });
          const slow = sim(d, { ...p, scaleUpMinutes: tm.up + more });
          expect(slow.requestsThrottled).toBeGreaterThanOrEqual(fast.requestsThrottled - 1e-6);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('served + throttled = total, and billing is at least Min every minute', () => {
    fc.assert(
      fc.property(demandArb, timingArb, fc.integer({ min: 1, max: 4 }), (d, tm, min) => {
        const t = sim(d, { scaleUpMinutes: tm.up, scaleDownMinutes: tm.down, minUnits: min, maxUnits: min + 2 });
        expect(t.requestsServed + t.requestsThrottled).toBeCloseTo(t.requestsTotal, 6);
        expect(t.unitMinutesBilled).toBeGreaterThanOrEqual(min * d.length);
        expect(throttledPct(t)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('precomputed units wanted give the same result as computing them per minute', () => {
    fc.assert(
      fc.property(demandArb, timingArb, fc.integer({ min: 1, max: 4 }), (d, tm, min) => {
        const p = { scaleUpMinutes: tm.up, scaleDownMinutes: tm.down, minUnits: min, maxUnits: min + 3, capTps: 8 };
        const unitsWanted = unitsWantedPerMinute(Float64Array.from(d), 8);
        expect(sim(d, { ...p, unitsWanted })).toEqual(sim(d, p));
      }),
    );
  });
});

describe('runStrategies: the headline strategy run is recorded, not simulated twice', () => {
  const demand = Float64Array.from({ length: 3 * 1440 }, (_, m) => 5 + 20 * Math.max(0, Math.sin((Math.PI * (m % 1440)) / 1440)));
  const base = {
    demandTps: demand,
    tpsPerUnit: 10,
    capTps: 8,
    minUnits: 1,
    maxUnits: 4,
    scaleUpMinutes: 15,
    scaleDownMinutes: 15,
    zones: 3,
  };
  const mask = Uint8Array.from({ length: demand.length }, (_, m) => (m % 1440 >= 480 && m % 1440 < 1080 ? 1 : 0));

  for (const [label, m] of [
    ['always on: autoscale', null],
    ['on a schedule: schedule', mask],
  ] as const) {
    it(label, () => {
      const recorded = new Int32Array(demand.length);
      const billed = new Int32Array(demand.length);
      const throttled = new Uint8Array(demand.length);
      const runs = runStrategies(base, m, { recordInService: recorded, recordBilled: billed, recordThrottled: throttled });
      const name = headlineStrategy(m);
      expect(name).toBe(label.split(': ')[1]);
      const alone = new Int32Array(demand.length);
      const aloneBilled = new Int32Array(demand.length);
      const aloneThrottled = new Uint8Array(demand.length);
      const sched = m ? { schedule: m, restartMinutes: RESTART_MINUTES } : {};
      const totals = simulate({ ...base, recordInService: alone, recordBilled: aloneBilled, recordThrottled: aloneThrottled, ...sched });
      expect(runs.find((r) => r.name === name)!.totals).toEqual(totals);
      expect(recorded).toEqual(alone);
      expect(billed).toEqual(aloneBilled);
      expect(throttled).toEqual(aloneThrottled);
      // The throttled record counts the same minutes as the totals.
      expect(throttled.reduce((a, b) => a + b, 0)).toBe(totals.minutesThrottled);
      expect(Math.max(...alone)).toBeGreaterThan(1);
    });
  }
});
