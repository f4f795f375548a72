/**
 * The commented starter workload that `capacity-plan init` writes, with the stable `id:` the gate
 * matches a baseline by (so a later rename is never a removal plus an addition). Kept valid by a test.
 */
export const starterWorkload = (id: string) => `# yaml-language-server: $schema=./node_modules/capacity-plan/schema/workload.schema.json
# A capacity-plan workload: what one model serves, and how. Plan it with:
#   npx capacity-plan plan workload.yaml
version: 1
name: my-model
id: ${id}                          # the gate's key for this workload: keep it when you rename it
service: rekognition-custom-labels   # rekognition-custom-labels | lookout-for-vision | custom
region: us-east-1
# price_per_unit_hour: 4.00          # USD; default: the built-in price table for service + region

model:
  task: detection                    # classification | detection
  tps_per_unit: 5                    # TPS of ONE unit, measured elsewhere (e.g. a load test of one real unit) ...
  # bench: ./bench.json              # ... or a 'capacity-plan bench' result file instead (not both)
  # bench_model: ocr-det             # which model of that file, when it holds several
  calibration: 1.0                   # real-unit TPS / local-unit TPS; keep 1 with tps_per_unit

images:                              # the image mix; shares sum to 1
  - share: 0.8
    width: 1920
    height: 1080
    size_mb: 1.1                     # encoded file size; bytes must be under 4.0 MB
    objects: 6                       # objects per image (detection)
    source: bytes                    # bytes | s3
  - share: 0.2
    width: 1280
    height: 720
    size_mb: 0.4
    objects: 2

traffic:
  peak_tps: 20                       # highest sustained requests per second
  baseline_tps: 4                    # the rest of the time (default: peak_tps)
  peak_hours_per_day: 3              # optional: enables an expected monthly cost

schedule:
  hours_per_day: 24                  # hours the model runs
  days_per_week: 7

availability:
  production: true                   # at least 2 units across availability zones
  zones: 3
  survive_zone_outage: false         # true: the units left after losing a zone carry the traffic

scaling:
  target_utilization: 0.8            # plan on 80% of a unit's TPS
  autoscale: true                    # false: a fixed fleet (Min = Max)

# budget:
#   monthly_usd: 6000                # read by 'capacity-plan gate'
`;

/** An id from a file name: its base name, in the characters an id may hold (workload schema), else `my-model`. */
export function idFromFileName(file: string): string {
  const base = file
    .split(/[\\/]/)
    .pop()!
    .replace(/\.ya?ml$/i, '');
  const id = base
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 100);
  return id || 'my-model';
}
