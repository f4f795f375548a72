import { dirname, resolve } from 'node:path';
import { UserError, type Problem } from '../core/errors.js';
import { readUserFile } from '../core/files.js';
import { readBenchResult } from '../bench/read-result.js';
import { classTps, type TpsSource } from './tps.js';
import type { Warning } from '../plan/plan.js';
import { parseYamlLocated, zodProblems, type LocatedDocument } from '../core/yaml.js';
import { checkImageLimits } from './limits.js';
import { knownRegions, lookUpPrice, type PriceQuote } from './prices.js';
import { ImageClassSchema, WorkloadSchema, type Workload } from './schema.js';

// The two top-level keys the limit and price checks need, read on their own (defaults as in the schema).
const SERVICE = WorkloadSchema.shape.service;
const REGION = WorkloadSchema.shape.region;

export interface LoadedWorkload {
  file: string;
  workload: Workload;
  doc: LocatedDocument;
  tpsSource: TpsSource;
  price: PriceQuote;
  warnings: Warning[];
}

/**
 * Parses and validates one workload file; every problem carries file:line:col. Service limits
 * and the price look-up run even when other keys are wrong, on whatever parts parse, so that
 * `validate` lists every problem in one go.
 */
export function parseWorkload(text: string, file: string): { workload: Workload; doc: LocatedDocument } {
  const doc = parseYamlLocated(text, file);
  if (doc.data === null || doc.data === undefined) throw UserError.at(file, 'file is empty', 1, 1);
  const parsed = WorkloadSchema.safeParse(doc.data);
  const problems: Problem[] = parsed.success ? [] : zodProblems(doc, parsed.error);
  const raw = (typeof doc.data === 'object' && !Array.isArray(doc.data) ? doc.data : {}) as Record<string, unknown>;
  const service = SERVICE.safeParse(raw.service);
  const images = Array.isArray(raw.images) ? raw.images : [];
  if (service.success) {
    images.forEach((item, i) => {
      const img = ImageClassSchema.safeParse(item);
      if (!img.success) return;
      for (const v of checkImageLimits(service.data, img.data)) {
        problems.push({ file, ...doc.locate(['images', i, v.key]), message: `images[${i}].${v.key}: ${v.message}` });
      }
    });
    const region = REGION.safeParse(raw.region);
    if (region.success && raw.price_per_unit_hour === undefined && !lookUpPrice(service.data, region.data)) {
      const regions = knownRegions(service.data);
      problems.push({
        file,
        ...doc.locate(['region']),
        message:
          `no built-in price for ${service.data} in ${region.data}` +
          (regions.length ? ` (built-in: ${regions.join(', ')})` : '') +
          '; set price_per_unit_hour',
      });
    }
  }
  if (problems.length || !parsed.success) {
    throw new UserError(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0)));
  }
  return { workload: parsed.data, doc };
}

/** Reads a workload file and everything it points at (a bench file), ready for the planner. */
export async function loadWorkload(file: string): Promise<LoadedWorkload> {
  const text = await readUserFile(file, 'workload file');
  const { workload, doc } = parseWorkload(text, file);
  const warnings: Warning[] = [];
  const price: PriceQuote =
    workload.price_per_unit_hour !== undefined
      ? { pricePerUnitHourUsd: workload.price_per_unit_hour, priceSource: 'price_per_unit_hour in the workload' }
      : lookUpPrice(workload.service, workload.region)!;
  let tpsSource: TpsSource;
  const m = workload.model;
  if (m.tps_per_unit !== undefined) {
    tpsSource = { kind: 'constant', tpsPerUnit: m.tps_per_unit };
  } else {
    const benchPath = resolve(dirname(file), m.bench!);
    const at = doc.locate(['model', 'bench']);
    let bench;
    try {
      bench = await readBenchResult(benchPath);
    } catch (err) {
      if (err instanceof UserError) throw UserError.at(file, `model.bench: ${err.message}`, at.line, at.col);
      throw err;
    }
    const names = bench.models.map((x) => x.name);
    let model;
    if (m.bench_model !== undefined) {
      model = bench.models.find((x) => x.name === m.bench_model);
      if (!model) {
        const loc = doc.locate(['model', 'bench_model']);
        throw UserError.at(file, `model.bench_model: '${m.bench_model}' is not in ${m.bench} (it has: ${names.join(', ') || 'no models'})`, loc.line, loc.col);
      }
    } else {
      const sameTask = bench.models.filter((x) => x.task === m.task);
      if (sameTask.length !== 1) {
        throw UserError.at(
          file,
          `model.bench: ${m.bench} has ${sameTask.length} ${m.task} models (${names.join(', ') || 'none'}); name one with model.bench_model`,
          at.line,
          at.col,
        );
      }
      model = sameTask[0]!;
    }
    if (model.task !== m.task) {
      const loc = doc.locate(['model', 'task']);
      throw UserError.at(file, `model.task is ${m.task} but bench model '${model.name}' is ${model.task}`, loc.line, loc.col);
    }
    if (!model.costModel && model.conditions.length === 0) {
      throw UserError.at(file, `model.bench: model '${model.name}' in ${m.bench} has no measurements`, at.line, at.col);
    }
    tpsSource = { kind: 'bench', file: m.bench!, model };
    // The planner's own per-class check, run here so a class it cannot price fails at its line.
    for (const [i, img] of workload.images.entries()) {
      try {
        classTps(tpsSource, img, i);
      } catch (err) {
        const loc = doc.locate(['images', i]);
        throw UserError.at(file, `images[${i}]: ${(err as Error).message}`, loc.line, loc.col);
      }
    }
    if (!bench.complete) warnings.push({ code: 'bench-incomplete', message: `${m.bench} is incomplete (the bench run was interrupted)` });
    const unstable = model.conditions.filter((c) => !c.stable).length;
    if (unstable) warnings.push({ code: 'bench-unstable', message: `${unstable} of ${model.conditions.length} conditions of '${model.name}' in ${m.bench} did not reach the target precision` });
    if (model.recheck?.significant) {
      const moved = `${model.recheck.changePct > 0 ? '+' : ''}${model.recheck.changePct.toFixed(1)}%`;
      warnings.push({ code: 'bench-drift', message: `the machine that measured '${model.name}' in ${m.bench} drifted ${moved} during the run (drift check): its TPS figures are at least that uncertain` });
    }
    if (model.costModel && model.costModel.r2 < 0.9) {
      warnings.push({ code: 'cost-model-weak', message: `cost model of '${model.name}' explains only R² = ${model.costModel.r2.toFixed(3)} of the variation` });
    }
  }
  return { file, workload, doc, tpsSource, price, warnings };
}
