/**
 * Upper bounds on every number a workload may hold. A workload comes from a pull request, so
 * each bound is what keeps the arithmetic exact and the work finite, set far above any real
 * deployment; the JSON Schema and README (Security) state them.
 */
export const BOUNDS = {
  /**
   * Units a plan may need (Min, Max, after zone-outage sizing). Rekognition Custom Labels
   * quotas allow tens of inference units per model; a hundred thousand is a mistake in units,
   * not a fleet. It keeps unit counts exact in the simulator's Int32 arrays and unit-minute
   * sums over a year (100,000 × 527,040 minutes ≈ 5.3e10) exact in doubles.
   */
  units: 100_000,
  /** Requests per second (peak, baseline, profile hours, trace rows): 86 billion a day keeps request sums finite and exact. */
  tps: 1_000_000,
  /** USD per inference-unit hour: published prices are a few dollars; keeps costs finite. */
  pricePerUnitHourUsd: 1_000,
  /** calibration (real-unit TPS / local-unit TPS). */
  calibration: 1_000,
  /** USD amounts in budgets (monthly_usd, max_increase_usd). */
  budgetUsd: 1e12,
  /** Percent in max_increase_pct. */
  budgetPct: 1e6,
  /** Pixels on a side: the largest JPEG, WebP and PNG side the image decoder accepts. */
  sidePx: 65_535,
  /** Encoded image size, MB. */
  sizeMb: 1_000,
  /** Objects per image. */
  objects: 100_000,
  /** scale_up_minutes and scale_down_minutes: a day. The simulator keeps a ring of that many minutes. */
  scalingMinutes: 1_440,
  /** Images in one traffic.batch: a week at the TPS bound. */
  batchImages: 604_800_000_000,
  /** Windows in traffic.weekly: more than a week has hours. */
  weeklyWindows: 200,
} as const;
