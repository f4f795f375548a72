import { LoadtestResultSchema, type LoadtestResult } from '../../src/contracts/loadtest.js';

export interface LoadtestFixture {
  /** null: no clean step. */
  tpsPerUnit?: number | null;
  /** The mean image sent; width and height null for S3 objects. */
  image?: { width: number | null; height: number | null; sizeMb: number; objects: number | null };
  complete?: boolean;
  stoppedBy?: LoadtestResult['stoppedBy'];
  kind?: 'aws' | 'endpoint';
  units?: number;
}

/**
 * A load test result as `loadtest` writes it, checked by its schema: `tpsPerUnit` measured on
 * `units` units with `image` (default 5.2 TPS per unit, 2 units, 1000x1000 1 MB with 5 boxes).
 */
export function loadtestResult(over: LoadtestFixture = {}): LoadtestResult {
  const units = over.units ?? 2;
  const tpsPerUnit = over.tpsPerUnit === undefined ? 5.2 : over.tpsPerUnit;
  const img = over.image ?? { width: 1000, height: 1000, sizeMb: 1, objects: 5 };
  const aws = (over.kind ?? 'aws') === 'aws';
  return LoadtestResultSchema.parse({
    schema: 'capacity-plan/loadtest@2',
    createdAt: '2026-11-02T10:00:00.000Z',
    complete: over.complete ?? true,
    stoppedBy: over.stoppedBy ?? 'converged',
    target: aws
      ? {
          kind: 'aws',
          endpoint: null,
          projectVersionArn: 'arn:aws:rekognition:us-east-1:111122223333:project/p/version/v/1',
          region: 'us-east-1',
        }
      : {
          kind: 'endpoint',
          endpoint: 'http://127.0.0.1:8400',
          projectVersionArn: 'arn:aws:rekognition:us-east-1:000000000000:project/local/version/local/1',
          region: null,
        },
    method: { mode: 'open', start: 1, growth: 2, stepS: 30, warmupS: 5, throttleLimitPct: 1, resolutionPct: 5, maxSteps: 10, retries: 0 },
    images: {
      source: img.width === null ? 's3' : 'bytes',
      location: 'imgs',
      count: 20,
      meanWidth: img.width,
      meanHeight: img.height,
      meanSizeMb: img.sizeMb,
      formats: ['jpeg'],
      meanObjects: img.objects,
    },
    units: { inService: units, source: 'DescribeProjectVersions', minInferenceUnits: units, maxInferenceUnits: units },
    steps: [],
    highestCleanTps: tpsPerUnit === null ? null : tpsPerUnit * units,
    tpsPerUnit,
    derivation: 'test',
  });
}
