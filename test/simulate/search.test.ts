import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruteForceMinMax, EXACT_MIN_CANDIDATES, searchMinMax } from '../../src/simulate/search.js';
import { simulate, throttledPct } from '../../src/simulate/engine.js';

const base = (demand: number[], up = 3, down = 5) => ({
  demandTps: Float64Array.from(demand),
  tpsPerUnit: 10,
  capTps: 8,
  scaleUpMinutes: up,
  scaleDownMinutes: down,
  zones: 3,
});

describe('searchMinMax', () => {
  it('finds the hand-checked cheapest pair on a small trace', () => {
    // 60 min at 5 TPS, 30 at 35, 60 at 5: 99,000 requests, so 1% allows 990 throttled.
    // Units serve after 3 min. Min 2: (35 - 20) TPS × 180 s = 2,700 throttled: too many.
    // Min 3: (35 - 30) × 180 = 900: fine. Max 3 would throttle 5 TPS for 30 min; Max 4 serves 40 TPS
    // at full capacity, so (3, 4) is the cheapest: 3 × 60 + 4 × 30 + 4 × 5 (scale-down wait) + 3 × 55 = 485 unit-minutes.
    const demand = [...Array(60).fill(5), ...Array(30).fill(35), ...Array(60).fill(5)];
    const input = { base: base(demand), floorUnits: 2, maxThrottledPct: 1 };
    const r = searchMinMax(input);
    expect(r.feasible).toBe(true);
    expect([r.minUnits, r.maxUnits]).toEqual([3, 4]);
    expect(r.totals.unitMinutesBilled).toBe(485);
    expect(r.totals.requestsThrottled).toBeCloseTo(900, 6);
    expect(r.upperUnits).toBe(5); // ceil(35 / 8)
    const brute = bruteForceMinMax(input, r.upperUnits);
    expect(brute).toEqual({ minUnits: 3, maxUnits: 4, unitMinutesBilled: 485 });
  });

  it('never below the AZ floor, and a strict limit forces a bigger Min', () => {
    const demand = [...Array(30).fill(4), ...Array(30).fill(30), ...Array(30).fill(4)];
    const loose = searchMinMax({ base: base(demand, 10), floorUnits: 2, maxThrottledPct: 50 });
    const strict = searchMinMax({ base: base(demand, 10), floorUnits: 2, maxThrottledPct: 0 });
    expect(loose.minUnits).toBeGreaterThanOrEqual(2);
    // Zero throttling with a 10-minute lag and a sudden jump needs the peak fleet from the start: Min = ceil(30 / 10) = 3 full-capacity units.
    expect(strict.minUnits).toBe(3);
    expect(strict.totals.requestsThrottled).toBe(0);
    expect(loose.totals.unitMinutesBilled).toBeLessThan(strict.totals.unitMinutesBilled);
  });

  it('with autoscale off, searches fixed fleets only: the smallest that meets the limit', () => {
    // 35 TPS for 30 of 150 minutes: 3 full units serve 30, throttling 5 TPS × 1,800 s = 9,000 of 99,000 (9.1%).
    const demand = [...Array(60).fill(5), ...Array(30).fill(35), ...Array(60).fill(5)];
    const r = searchMinMax({ base: base(demand), floorUnits: 2, maxThrottledPct: 10, fixedFleet: true });
    expect([r.minUnits, r.maxUnits, r.feasible]).toEqual([3, 3, true]);
    expect(r.totals.unitMinutesBilled).toBe(3 * 150);
    const strict = searchMinMax({ base: base(demand), floorUnits: 2, maxThrottledPct: 0, fixedFleet: true });
    expect([strict.minUnits, strict.maxUnits]).toEqual([4, 4]);
  });

  it('says so when no pair meets the limit (a schedule throttles while stopped)', () => {
    const demand = Array(20).fill(5);
    const schedule = Uint8Array.from(Array.from({ length: 20 }, (_, i) => (i < 10 ? 1 : 0)));
    const r = searchMinMax({ base: { ...base(demand), schedule, restartMinutes: 2 }, floorUnits: 1, maxThrottledPct: 0.1 });
    expect(r.feasible).toBe(false);
    expect(throttledPct(r.totals)).toBeCloseTo(50, 6);
  });

  it('keeps a zone-outage promise: no Max below maxFloorUnits, and ties go to the lowest Min, then the lowest Max', () => {
    // The small trace above: (3, 4) is cheapest, but 4 units over 3 zones keep 2 × 10 = 20 TPS
    // after a zone loss, not the 35 TPS peak; 6 units keep 4 × 10 = 40. So Max must be at least 6.
    const demand = [...Array(60).fill(5), ...Array(30).fill(35), ...Array(60).fill(5)];
    const input = { base: base(demand), floorUnits: 2, maxFloorUnits: 6, maxThrottledPct: 1 };
    const r = searchMinMax(input);
    expect(r.feasible).toBe(true);
    expect(r.maxUnits).toBeGreaterThanOrEqual(6);
    expect(r.upperUnits).toBe(6); // above ceil(35 / 8) = 5: the floor widens the range
    const brute = bruteForceMinMax(input, r.upperUnits);
    expect(brute).toEqual({ minUnits: r.minUnits, maxUnits: r.maxUnits, unitMinutesBilled: r.totals.unitMinutesBilled });
  });

  it('with a Max floor, matches brute force on random small cases', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 45, noNaN: true }), { minLength: 5, maxLength: 100 }),
        fc.integer({ min: 0, max: 10 }),
        fc.constantFrom(0, 0.1, 1, 5),
        fc.integer({ min: 0, max: 9 }),
        fc.boolean(),
        (d, up, limit, maxFloor, fixedFleet) => {
          const input = { base: base(d, up, 5), floorUnits: 2, maxFloorUnits: maxFloor, maxThrottledPct: limit, fixedFleet };
          const r = searchMinMax(input);
          if (r.feasible) expect(r.maxUnits).toBeGreaterThanOrEqual(maxFloor);
          if (fixedFleet) return;
          const brute = bruteForceMinMax(input, r.upperUnits);
          expect(r.feasible).toBe(brute !== undefined);
          if (brute) expect(r.totals.unitMinutesBilled).toBeCloseTo(brute.unitMinutesBilled, 9);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('matches brute force on random small cases', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 45, noNaN: true }), { minLength: 5, maxLength: 150 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom(0, 0.1, 1, 5),
        fc.integer({ min: 1, max: 2 }),
        (d, up, down, limit, floor) => {
          const input = { base: base(d, up, down), floorUnits: floor, maxThrottledPct: limit };
          const r = searchMinMax(input);
          const brute = bruteForceMinMax(input, r.upperUnits);
          if (!brute) {
            expect(r.feasible).toBe(false);
            return;
          }
          expect(r.feasible).toBe(true);
          expect(r.totals.unitMinutesBilled).toBeCloseTo(brute.unitMinutesBilled, 9);
          const check = simulate({ ...input.base, minUnits: r.minUnits, maxUnits: r.maxUnits });
          expect(throttledPct(check)).toBeLessThanOrEqual(limit + 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches brute force with a schedule (stopped minutes, restart gaps) and scenarios', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 45, noNaN: true }), fc.boolean()), { minLength: 5, maxLength: 150 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom(1, 5, 20, 60),
        fc.nat(149),
        (rows, up, down, limit, at) => {
          const d = rows.map((r) => r[0]);
          const schedule = Uint8Array.from(rows.map((r, i) => (i < 3 || r[1] ? 1 : 0)));
          const input = {
            base: { ...base(d, up, down), schedule, restartMinutes: 4, zoneOutage: { startMinute: at, durationMinutes: 30 } },
            floorUnits: 1,
            maxThrottledPct: limit,
          };
          const r = searchMinMax(input);
          const brute = bruteForceMinMax(input, r.upperUnits);
          expect(r.feasible).toBe(brute !== undefined);
          if (brute) expect(r.totals.unitMinutesBilled).toBeCloseTo(brute.unitMinutesBilled, 9);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('searchMinMax above the exact range', () => {
  it('a grid of Mins refined by halving steps stays within 1% of brute force, with far fewer simulations', () => {
    // Peak 30 TPS at 0.08 TPS a unit: 375 Min candidates, past the exact range; brute force tries all 70,000 pairs.
    const demand = Array.from({ length: 120 }, (_, t) => 3 + 27 * Math.max(0, Math.sin((t / 120) * Math.PI * 2)) ** 2);
    const input = { base: { ...base(demand, 5, 5), tpsPerUnit: 0.1, capTps: 0.08 }, floorUnits: 2, maxThrottledPct: 1 };
    const r = searchMinMax(input);
    expect(r.upperUnits - 2 + 1).toBeGreaterThan(EXACT_MIN_CANDIDATES);
    const brute = bruteForceMinMax(input, r.upperUnits)!;
    expect(r.feasible).toBe(true);
    expect(r.totals.unitMinutesBilled).toBeGreaterThanOrEqual(brute.unitMinutesBilled - 1e-6);
    expect(r.totals.unitMinutesBilled / brute.unitMinutesBilled).toBeLessThan(1.01);
    expect(r.simulations).toBeLessThan(EXACT_MIN_CANDIDATES * 40);
  }, 120_000);

  it('its simulation count grows with log(units), not units: 100× the units, under 5× the simulations', () => {
    const shape = Array.from({ length: 200 }, (_, t) => 1 + (t % 50 < 10 ? 9 : 0));
    const count = (scale: number) =>
      searchMinMax({ base: base(shape.map((d) => d * scale)), floorUnits: 2, maxThrottledPct: 0.5 }).simulations;
    const small = count(100);
    const large = count(10_000);
    expect(large).toBeLessThan(small * 5);
  });
});
