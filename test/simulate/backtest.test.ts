import { describe, expect, it } from 'vitest';
import { backtest } from '../../src/simulate/backtest.js';
import { loadWorkload } from '../../src/workload/resolve.js';
import { OWN_FOLDERS_ONLY } from '../../src/core/paths.js';

// test/fixtures/cloudwatch/backtest.json, worked by hand. One minute per period, 09:00-09:05:
//   demand (successful + throttled) / 60:  10, 25, 25, 40, 10, 0 TPS
//   recorded units in service:              2,  2,  3,  3,  3, 2      (15 unit-minutes)
//   recorded throttled:                     0, 300, 0, 600, 0, 0     (900)
// The workload: 10 TPS per unit, target utilization 1, scale up and down at once, recorded Min/Max 2/3.
// The autoscaler wants clamp(ceil(demand / 10), 2, 3) = 2, 3, 3, 3, 2, 2   (15 unit-minutes)
// and throttles what 10 TPS per unit cannot serve:   0, 0, 0, (40 - 30) × 60 = 600, 0, 0.
describe('backtest on a hand-computed history', () => {
  it('gives the errors worked out by hand', async () => {
    const w = await loadWorkload('test/fixtures/cloudwatch/backtest.yaml', OWN_FOLDERS_ONLY);
    const rec = w.overTime!.recorded!;
    const r = backtest(
      w,
      w.overTime!,
      { ...rec, inServiceUnits: rec.inServiceUnits! },
      { minUnits: rec.minUnits!, maxUnits: rec.maxUnits!, source: 'recorded' },
    );
    expect(r).toMatchObject({
      minInferenceUnits: 2,
      maxInferenceUnits: 3,
      pairSource: 'recorded',
      minutes: 6,
      runningMinutes: 6,
      requestsTotal: 6600,
    });
    expect(r.recorded).toEqual({ unitHours: 0.25, throttledRequests: 900, minutesThrottled: 2 });
    expect(r.simulated).toEqual({ unitHours: 0.25, throttledRequests: 600, minutesThrottled: 1 });
    expect(r.error).toEqual({
      unitHoursPct: 0,
      // per-minute unit differences 0, +1, 0, 0, -1, 0
      meanAbsUnits: 0.333,
      meanUnits: 0,
      minutesUnitsExactPct: 66.67,
      throttledRequests: -300,
      // -300 / 6600
      throttledPctOfRequests: -4.5455,
      // |0 - 0| + |0 - 300| + 0 + |600 - 600| + 0 + 0 = 300 over 6 minutes
      meanAbsThrottledPerMinute: 50,
      throttledMinutes: { both: 1, simulatedOnly: 0, recordedOnly: 1 },
    });
    expect(r.hourly.recordedThrottled).toEqual([900]);
    expect(r.warnings).toEqual([]);
  });

  it('--min/--max replaces the recorded pair: Max 2 throttles 25 TPS minutes too', async () => {
    const w = await loadWorkload('test/fixtures/cloudwatch/backtest.yaml', OWN_FOLDERS_ONLY);
    const rec = w.overTime!.recorded!;
    const r = backtest(w, w.overTime!, { ...rec, inServiceUnits: rec.inServiceUnits! }, { minUnits: 2, maxUnits: 2, source: 'flags' });
    // 2 units serve 20 TPS: throttled (25 - 20) × 60 twice and (40 - 20) × 60 = 300 + 300 + 1200.
    expect(r.simulated).toEqual({ unitHours: 0.2, throttledRequests: 1800, minutesThrottled: 3 });
    expect(r.error.unitHoursPct).toBe(-20);
  });
});
