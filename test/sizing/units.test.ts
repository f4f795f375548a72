import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scheduledHoursPerMonth } from '../../src/core/hours.js';
import { roundUsd } from '../../src/core/money.js';
import { capacityAfterZoneLoss, ceilTolerant, computeUnits, worstZoneUnits } from '../../src/sizing/units.js';

const inputs = {
  tpsPerUnit: 10,
  targetUtilization: 0.8,
  baselineTps: 5,
  peakTps: 30,
  production: true,
  zones: 3,
  surviveZoneOutage: false,
  autoscale: true,
};

describe('units', () => {
  it('ceilTolerant forgives float noise but not real fractions', () => {
    expect(ceilTolerant(7.000000000000001)).toBe(7);
    expect(ceilTolerant(3.0000000000000004)).toBe(3);
    expect(ceilTolerant(3.01)).toBe(4);
    expect(ceilTolerant(0)).toBe(0);
  });

  it('the worst zone holds ceil(N / zones) units', () => {
    // 7 units over 3 zones: 3 + 2 + 2, the worst zone holds 3; 4 are left × 10 TPS = 40.
    expect(worstZoneUnits(7, 3)).toBe(3);
    expect(capacityAfterZoneLoss(7, 3, 10)).toBe(40);
    // 1 unit: losing its zone leaves nothing.
    expect(capacityAfterZoneLoss(1, 3, 10)).toBe(0);
  });

  it('survival over one zone is impossible: no units are added (the planner warns instead)', () => {
    const u = computeUnits({ ...inputs, zones: 1, surviveZoneOutage: true });
    expect([u.minInferenceUnits, u.maxInferenceUnits]).toEqual([2, 4]);
    expect(u.zoneOutageUnitsAdded).toEqual({ min: 0, max: 0 });
  });

  it('the floor counts as applied when Min sits at the floor because of it', () => {
    // ceil(5/8) = 1 < 2: Min = 2 = floor: applied.
    expect(computeUnits(inputs).azFloorApplied).toBe(true);
    // Survival over 3 zones, baseline 7: ceil(7/8) = 1; (N - ceil(N/3)) × 10 >= 7 → N = 2 = floor: still applied.
    expect(computeUnits({ ...inputs, baselineTps: 7, surviveZoneOutage: true }).azFloorApplied).toBe(true);
    // Fixed fleet: ceil(5/8) = 1 < 2, but Min = Max = ceil(30/8) = 4: the floor changed nothing.
    const fixed = computeUnits({ ...inputs, autoscale: false });
    expect([fixed.minInferenceUnits, fixed.azFloorApplied]).toEqual([4, false]);
    // 2 zones, survival, baseline 15: ceil(15/8) = 2 = floor, not below it: not applied. Survival: N - ceil(N/2) >= 1.5 → N = 4.
    const z2 = computeUnits({ ...inputs, baselineTps: 15, zones: 2, surviveZoneOutage: true });
    expect([z2.minInferenceUnits, z2.azFloorApplied]).toEqual([4, false]);
  });
});

describe('hours and money', () => {
  it('scheduled hours a month use the 730-hour month', () => {
    expect(scheduledHoursPerMonth(24, 7)).toBe(730);
    // 10 × 5 × 730 / 168 = 217.2619...
    expect(scheduledHoursPerMonth(10, 5)).toBeCloseTo(217.2619, 4);
    // 12 × 7 = 84 h a week = half of 168: 365 h.
    expect(scheduledHoursPerMonth(12, 7)).toBe(365);
  });

  it('roundUsd rounds half up to cents', () => {
    expect(roundUsd(0.125)).toBe(0.13);
    expect(roundUsd(1738.095238)).toBe(1738.1);
    expect(roundUsd(1.005)).toBe(1.01);
  });
});

describe('zone-outage sizing at scale', () => {
  it('is exact for huge traffic, without counting up one unit at a time (which would never finish)', () => {
    // 2 zones, full utilization: 1e12 TPS at 1 TPS a unit needs 1e12 units left after losing half: 2e12 units.
    const big = { ...inputs, tpsPerUnit: 1, targetUtilization: 1, baselineTps: 1e12, peakTps: 1e12, surviveZoneOutage: true };
    const u = computeUnits({ ...big, zones: 2 });
    expect([u.minInferenceUnits, u.maxInferenceUnits]).toEqual([2e12, 2e12]);
    // 3 zones: need floor(N × 2/3) >= 1e12 → N = 1.5e12.
    expect(computeUnits({ ...big, zones: 3 }).maxInferenceUnits).toBe(1.5e12);
  });

  it('the jump never skips past the smallest fleet that survives', () => {
    // Brute force against counting up, over small fleets.
    for (let zones = 2; zones <= 6; zones++) {
      for (let peak = 0.5; peak <= 60; peak += 0.5) {
        const u = computeUnits({
          ...inputs,
          tpsPerUnit: 3,
          targetUtilization: 1,
          baselineTps: 0,
          peakTps: peak,
          production: false,
          zones,
          surviveZoneOutage: true,
        });
        let n = 1;
        while (capacityAfterZoneLoss(n, zones, 3) < peak - 1e-9) n++;
        expect(u.maxInferenceUnits, `zones ${zones} peak ${peak}`).toBe(Math.max(n, Math.ceil(peak / 3 - 1e-9)));
      }
    }
  });
});

describe('zone-outage sizing in closed form', () => {
  /** The rule as first written: count up until the units left after the worst zone serve the traffic. */
  const countUp = (start: number, zones: number, tpsPerUnit: number, tps: number) => {
    let n = start;
    while ((n - Math.ceil(n / zones)) * tpsPerUnit < tps - 1e-9) n++;
    return n;
  };

  it('matches counting up, unit by unit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        fc.double({ min: 0.1, max: 2000, noNaN: true }),
        (zones, tpsPerUnit, peakTps) => {
          const u = computeUnits({
            tpsPerUnit,
            targetUtilization: 1,
            baselineTps: peakTps,
            peakTps,
            production: true,
            zones,
            surviveZoneOutage: true,
            autoscale: true,
          });
          expect(u.maxInferenceUnits).toBe(countUp(Math.max(2, Math.ceil(peakTps / tpsPerUnit - 1e-9)), zones, tpsPerUnit, peakTps));
        },
      ),
    );
  });

  it('answers at once where counting up would never end (past 2^53, n + 1 === n)', () => {
    const u = computeUnits({
      tpsPerUnit: 1e-9,
      targetUtilization: 0.8,
      baselineTps: 1e9,
      peakTps: 1e9,
      production: true,
      zones: 3,
      surviveZoneOutage: true,
      autoscale: true,
    });
    // 1e18 units must be left after losing a third: 1.5e18 in all.
    expect(u.maxInferenceUnits / 1.5e18).toBeCloseTo(1, 9);
  });
});
