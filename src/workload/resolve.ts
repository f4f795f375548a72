import { UserError, type Warning } from '../core/errors.js';
import { readUserFile } from '../core/files.js';
import { roundTo } from '../core/money.js';
import { formatCount, roundTps } from '../core/numbers.js';
import { confinePath, type PathPolicy } from '../core/paths.js';
import type { LocatedDocument } from '../core/yaml.js';
import { bindBench } from './bench-binding.js';
import { BOUNDS } from './bounds.js';
import { parseWorkload } from './parse.js';
import { lookUpCachedPrice, readPriceCache, type PriceCache } from './price-list.js';
import { lookUpPrice, type PriceQuote } from './prices.js';
import type { Workload } from './schema.js';
import { resolveCalibration, type CalibrationLoadtest, type ResolvedCalibration } from './calibration.js';
import { classTps, mixTpsPerUnit, type ClassTps, type TpsSource } from './tps.js';
import { decideTraffic, readTrafficOverTime, type TrafficOverTime, type WorkloadWithTraffic } from './traffic.js';

/**
 * A workload with every input decided, once, for plan, simulate, gate and validate: traffic
 * peak and baseline, the price, where TPS comes from, each image class's TPS and the mix's
 * TPS per unit (with calibration). Everything downstream is pure arithmetic on this.
 */
export interface ResolvedWorkload {
  workload: WorkloadWithTraffic;
  tpsSource: TpsSource;
  price: PriceQuote;
  classes: ClassTps[];
  calibration: ResolvedCalibration;
  /** calibration / Σ(share_i / tps_i): one unit's TPS for the mix. */
  tpsPerUnit: number;
  /** The same with every class's TPS at the low end of its interval (ClassTps.uncertaintyPct). */
  tpsPerUnitLow: number;
  /** Present when the traffic is a profile or a trace. */
  overTime?: TrafficOverTime;
  warnings: Warning[];
  file?: string;
}

/** A resolved workload read from a file: it keeps its located YAML so later checks can point at lines. */
export interface LoadedWorkload extends ResolvedWorkload {
  file: string;
  doc: LocatedDocument;
  /** Every file read for it (the workload, its bench file, its trace): what --out must never replace. */
  inputs: string[];
}

interface ResolveInputs {
  tpsSource: TpsSource;
  /** The load test result named by model.calibration.loadtest, read. */
  loadtest?: CalibrationLoadtest;
  /** Default: price_per_unit_hour, else the built-in table. */
  price?: PriceQuote;
  overTime?: TrafficOverTime;
  warnings?: Warning[];
  file?: string;
}

/**
 * The price a workload pays per unit-hour: its own price_per_unit_hour, else the cache that
 * `capacity-plan prices` fetched, else the built-in table (every report names which).
 */
function priceOf(w: Workload, cache: PriceCache | null = null): PriceQuote {
  if (w.price_per_unit_hour !== undefined)
    return { pricePerUnitHourUsd: w.price_per_unit_hour, priceSource: 'price_per_unit_hour in the workload' };
  const quote = (cache ? lookUpCachedPrice(cache, w.service, w.region) : undefined) ?? lookUpPrice(w.service, w.region);
  // parseWorkload refuses a region without a price; reaching here without one is a bug.
  if (!quote) throw new Error(`no price for ${w.service} in ${w.region}`);
  return quote;
}

/** Pure: decides traffic and per-class TPS for a validated workload. */
/** A part of a workload that cannot be resolved, with the key it belongs to: the loader points at that key's line. */
class ResolveError extends Error {
  constructor(
    readonly key: Array<string | number>,
    message: string,
  ) {
    super(message);
  }
}

export function resolveWorkload(w: Workload, i: ResolveInputs): ResolvedWorkload {
  // An anchored calibration cancels the bench run's drift: the classes are priced knowing it.
  const anchored = typeof w.model.calibration === 'object';
  // Every figure a derivation prints is the figure computed on (calibration to 4 decimals, TPS to
  // 3), so each printed step, worked again from the printed numbers, gives the printed result.
  const classes = w.images.map((img, index) => {
    try {
      const c = classTps(i.tpsSource, img, index, anchored);
      return { ...c, tps: roundTps(c.tps), uncertaintyPct: roundTo(c.uncertaintyPct, 2) };
    } catch (err) {
      const at = img.corpus !== undefined ? ['images', index, 'corpus'] : ['images', index];
      throw new ResolveError(at, `images[${index}]${img.corpus !== undefined ? '.corpus' : ''}: ${(err as Error).message}`);
    }
  });
  let resolved: ResolvedCalibration;
  try {
    resolved = resolveCalibration(w, i.tpsSource, i.loadtest);
  } catch (err) {
    const c = w.model.calibration;
    throw new ResolveError(
      typeof c === 'object' && 'loadtest' in c ? ['model', 'calibration', 'loadtest'] : ['model', 'calibration'],
      `model.calibration: ${(err as Error).message}`,
    );
  }
  const calibration = {
    ...resolved,
    factor: resolved.factor >= 0.01 ? roundTo(resolved.factor, 4) : Number(resolved.factor.toPrecision(4)),
  };
  // A TPS measured on the mix itself is the mix's TPS: the class shape adds no uncertainty to it.
  const tpsPerUnit = calibration.mixTps ?? mixTpsPerUnit(classes, calibration.factor);
  return {
    workload: decideTraffic(w, i.overTime?.series),
    tpsSource: i.tpsSource,
    price: i.price ?? priceOf(w),
    classes,
    calibration,
    tpsPerUnit,
    tpsPerUnitLow: calibration.mixTps ?? mixTpsPerUnit(classes, calibration.factor, { low: true }),
    ...(i.overTime ? { overTime: i.overTime } : {}),
    warnings: [...(i.warnings ?? []), ...calibration.warnings],
    ...(i.file !== undefined ? { file: i.file } : {}),
  };
}

/**
 * Reads a workload file and everything it points at (bench file, trace), and resolves it. Every
 * path is confined by `paths` (core/paths.ts); `priceCache`: already read (null: none), else read here.
 */
export async function loadWorkload(file: string, paths: PathPolicy, priceCache?: PriceCache | null): Promise<LoadedWorkload> {
  await confinePath(file, undefined, paths);
  const cache = priceCache === undefined ? await readPriceCache() : priceCache;
  const { workload, doc } = parseWorkload(await readUserFile(file, 'workload file'), file, cache);
  const m = workload.model;
  const inputs = [file];
  let tpsSource: TpsSource;
  let warnings: Warning[] = [];
  let loadtest: CalibrationLoadtest | undefined;
  if (m.tps_per_unit !== undefined) {
    tpsSource = { kind: 'constant', tpsPerUnit: m.tps_per_unit };
  } else {
    const benchPath = await namedPath(m.bench!, file, doc, ['model', 'bench'], paths);
    inputs.push(benchPath);
    const binding = await bindBench(workload, benchPath, file, doc);
    tpsSource = { kind: 'bench', file: m.bench!, model: binding.model, inputSizeOf: binding.inputSizeOf };
    warnings = binding.warnings;
    const c = workload.model.calibration;
    if (typeof c === 'object' && 'loadtest' in c) {
      const key = ['model', 'calibration', 'loadtest'];
      const ltPath = await namedPath(c.loadtest, file, doc, key, paths);
      inputs.push(ltPath);
      // Like model.bench: the load test file's problems (which name that file) point at the line naming it.
      try {
        // Loaded only when a workload names a load test: its schema costs every other plan start-up time.
        const { readLoadtestResult } = await import('../contracts/read-result.js');
        loadtest = { named: c.loadtest, result: await readLoadtestResult(ltPath) };
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        const at = doc.locate(key);
        throw UserError.at(file, `model.calibration.loadtest: ${err.message}`, at.line, at.col);
      }
    }
  }
  const trafficFiles: { trace?: string; cloudwatch?: string } = {};
  for (const key of ['trace', 'cloudwatch'] as const) {
    const named = workload.traffic[key];
    if (named === undefined) continue;
    trafficFiles[key] = await namedPath(named, file, doc, ['traffic', key], paths);
    inputs.push(trafficFiles[key]);
  }
  const overTime = await readTrafficOverTime(workload, file, doc, trafficFiles);
  let resolved: ResolvedWorkload;
  try {
    const allWarnings = [...warnings, ...(overTime?.warnings ?? [])];
    resolved = resolveWorkload(workload, {
      tpsSource,
      warnings: allWarnings,
      file,
      price: priceOf(workload, cache),
      ...(overTime ? { overTime } : {}),
      ...(loadtest ? { loadtest } : {}),
    });
  } catch (err) {
    if (!(err instanceof ResolveError)) throw err;
    const at = doc.locate(err.key);
    throw UserError.at(file, err.message, at.line, at.col);
  }
  checkUnitBound(resolved, file, doc);
  return { ...resolved, file, doc, inputs };
}

/**
 * Refuses a workload whose plan would need more units than BOUNDS.units (peak ÷ per-unit TPS,
 * and the zone-outage head-room on top), before anything sizes or simulates it.
 */
function checkUnitBound(r: ResolvedWorkload, file: string, doc: LocatedDocument): void {
  const w = r.workload;
  const capTps = r.tpsPerUnit * w.scaling.target_utilization;
  let units = w.traffic.peak_tps / capTps;
  const zones = w.availability.zones;
  if (w.availability.survive_zone_outage && zones >= 2)
    units = Math.max(units, ((w.traffic.peak_tps / r.tpsPerUnit) * zones) / (zones - 1) + zones);
  if (Number.isFinite(units) && units <= BOUNDS.units) return;
  // The per-unit figure is the usual culprit (a TPS typed where it should be ms, or the reverse).
  const at = doc.locate(['model', w.model.tps_per_unit !== undefined ? 'tps_per_unit' : 'bench']);
  const need = !Number.isFinite(units)
    ? 'unboundedly many'
    : units < 1e12
      ? `about ${formatCount(Math.ceil(units))}`
      : `about ${units.toExponential(2)}`;
  throw UserError.at(
    file,
    `the traffic needs ${need} units (peak ${w.traffic.peak_tps} TPS at ${r.tpsPerUnit.toPrecision(3)} TPS per unit): ` +
      `more than the ${formatCount(BOUNDS.units)} units capacity-plan plans; check the units of peak_tps and tps_per_unit`,
    at.line,
    at.col,
  );
}

/** A path the workload names, confined (core/paths.ts); a refusal points at the key's line. */
async function namedPath(named: string, file: string, doc: LocatedDocument, key: string[], paths: PathPolicy): Promise<string> {
  try {
    return await confinePath(named, file, paths);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    const at = doc.locate(key);
    throw UserError.at(file, `${key.join('.')}: ${err.message}`, at.line, at.col);
  }
}

/** loadWorkload for several files; reads overlap, and the first problem in command-line order is the one reported. */
export async function loadWorkloads(files: string[], paths: PathPolicy): Promise<LoadedWorkload[]> {
  const cache = await readPriceCache();
  const settled = await Promise.allSettled(files.map((f) => loadWorkload(f, paths, cache)));
  return settled.map((s) => {
    if (s.status === 'rejected') throw s.reason;
    return s.value;
  });
}
