import { describe, expect, it } from 'vitest';
import { fitCostModel, type CostPoint } from '../../src/bench/cost-model.js';

function grid(f: (mp: number, mb: number, obj: number) => number): CostPoint[] {
  const pts: CostPoint[] = [];
  for (const mp of [0.3, 0.9, 2.07, 8.3])
    for (const mb of [0.2, 1, 3])
      for (const obj of [0, 5, 20])
        pts.push({ megapixels: mp, sizeMb: mb * (1 + mp / 10), objects: obj, ms: f(mp, mb * (1 + mp / 10), obj) });
  return pts;
}

describe('cost model', () => {
  it('recovers exact linear coefficients with R² = 1 and zero LOO error', () => {
    const cm = fitCostModel(grid((mp, mb, obj) => 4 + 12 * mp + 3 * mb + 0.5 * obj))!;
    expect(cm.interceptMs).toBeCloseTo(4, 8);
    expect(cm.msPerMegapixel).toBeCloseTo(12, 8);
    expect(cm.msPerMb).toBeCloseTo(3, 8);
    expect(cm.msPerObject).toBeCloseTo(0.5, 8);
    expect(cm.r2).toBeCloseTo(1, 12);
    expect(cm.looMeanAbsErrPct).toBeLessThan(1e-6);
    expect(cm.range.megapixels).toEqual([0.3, 8.3]);
    expect(cm.range.objects).toEqual([0, 20]);
    expect(cm.dropped).toEqual([]);
    expect(cm.clamped).toEqual([]);
  });

  it('fits noisy data with R² below 1 but close, and a small LOO error', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 2;
    const cm = fitCostModel(grid((mp, mb, obj) => (4 + 12 * mp + 3 * mb + 0.5 * obj) * (1 + 0.03 * rand())))!;
    expect(cm.r2).toBeLessThan(1);
    expect(cm.r2).toBeGreaterThan(0.98);
    expect(cm.msPerMegapixel).toBeGreaterThan(10);
    expect(cm.msPerMegapixel).toBeLessThan(14);
    expect(cm.looMeanAbsErrPct).toBeGreaterThan(0);
    expect(cm.looMeanAbsErrPct).toBeLessThan(5);
  });

  it('drops a constant factor (classification: objects always 0) instead of failing', () => {
    const pts = grid((mp, mb) => 2 + 1.5 * mp + 0.7 * mb).filter((p) => p.objects === 0);
    const cm = fitCostModel(pts)!;
    expect(cm.dropped).toEqual(['objects']);
    expect(cm.msPerObject).toBe(0);
    expect(cm.msPerMegapixel).toBeCloseTo(1.5, 8);
    expect(cm.msPerMb).toBeCloseTo(0.7, 8);
    expect(cm.r2).toBeCloseTo(1, 10);
  });

  it('drops a collinear factor (size proportional to megapixels)', () => {
    const pts: CostPoint[] = [0.3, 0.9, 2, 8].flatMap((mp) =>
      [0, 10].map((o) => ({ megapixels: mp, sizeMb: mp * 0.5, objects: o, ms: 1 + 2 * mp + 0.1 * o })),
    );
    const cm = fitCostModel(pts)!;
    expect(cm.dropped).toEqual(['sizeMb']);
    expect(cm.msPerMegapixel).toBeCloseTo(2, 8);
  });

  it('fixes a slope that noise made negative at 0 instead of extrapolating it', () => {
    // sizeMb has no real effect; the noise makes its least-squares slope negative.
    const pts: CostPoint[] = [
      { megapixels: 0.3, sizeMb: 0.1, objects: 0, ms: 10.4 },
      { megapixels: 0.3, sizeMb: 0.3, objects: 5, ms: 12.1 },
      { megapixels: 2, sizeMb: 0.5, objects: 0, ms: 30.6 },
      { megapixels: 2, sizeMb: 1.5, objects: 5, ms: 31.0 },
      { megapixels: 8, sizeMb: 2, objects: 0, ms: 100.5 },
      { megapixels: 8, sizeMb: 4, objects: 5, ms: 99.0 },
    ];
    const cm = fitCostModel(pts)!;
    expect(cm.clamped).toEqual(['sizeMb']);
    expect(cm.msPerMb).toBe(0);
    expect(cm.msPerMegapixel).toBeGreaterThan(10);
    expect(cm.msPerObject).toBeGreaterThanOrEqual(0);
  });

  it('returns null when there are not more conditions than coefficients', () => {
    expect(fitCostModel([{ megapixels: 1, sizeMb: 1, objects: 0, ms: 5 }])).toBeNull();
    expect(
      fitCostModel([
        { megapixels: 1, sizeMb: 1, objects: 0, ms: 5 },
        { megapixels: 2, sizeMb: 1, objects: 0, ms: 7 },
      ]),
    ).toBeNull();
  });
});
