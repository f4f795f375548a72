import { dirname, resolve } from 'node:path';
import { UserError, type Problem } from '../errors.js';
import { readUserFile } from '../io/files.js';
import { readBenchResult } from '../bench/read-result.js';
import { predictMs, type TpsSource } from '../plan/tps.js';
import type { Warning } from '../plan/plan.js';
import { loadYamlWithSchema, type LocatedDocument } from '../yaml/load.js';
import { checkImageLimits } from './limits.js';
import { knownRegions, lookUpPrice, type PriceQuote } from './prices.js';
import { WorkloadSchema, type Workload } from './schema.js';

export interface LoadedWorkload {
  file: string;
  workload: Workload;
  doc: LocatedDocument;
  tpsSource: TpsSource;
  price: PriceQuote;
  warnings: Warning[];
}

/** Parses and validates one workload file; every problem carries file:line:col. */
export function parseWorkload(text: string, file: string): { workload: Workload; doc: LocatedDocument } {
  const { value: workload, doc } = loadYamlWithSchema(text, file, WorkloadSchema);
  const problems: Problem[] = [];
  workload.images.forEach((img, i) => {
    for (const v of checkImageLimits(workload.service, img)) {
      problems.push({ file, ...doc.locate(['images', i, v.key]), message: `images[${i}].${v.key}: ${v.message}` });
    }
  });
  if (workload.price_per_unit_hour === undefined && !lookUpPrice(workload.service, workload.region)) {
    const regions = knownRegions(workload.service);
    problems.push({
      file,
      ...doc.locate(['region']),
      message:
        `no built-in price for ${workload.service} in ${workload.region}` +
        (regions.length ? ` (built-in: ${regions.join(', ')})` : '') +
        '; set price_per_unit_hour',
    });
  }
  if (problems.length) throw new UserError(problems);
  return { workload, doc };
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
    // Fail here, at the image class's line, rather than inside the planner without a location.
    workload.images.forEach((img, i) => {
      const loc = doc.locate(['images', i]);
      if (!model.costModel) {
        const exact = model.conditions.some((c) => c.width === img.width && c.height === img.height && c.objects === img.objects);
        if (!exact) {
          throw UserError.at(file, `images[${i}]: bench model '${model.name}' has no cost model and no measured condition at ${img.width}x${img.height} with ${img.objects} objects`, loc.line, loc.col);
        }
      } else if (!(predictMs(model.costModel, (img.width * img.height) / 1e6, img.size_mb, img.objects) > 0)) {
        throw UserError.at(file, `images[${i}]: the cost model of '${model.name}' predicts no positive time for this image class; cannot plan from it`, loc.line, loc.col);
      }
    });
    if (!bench.complete) warnings.push({ code: 'bench-incomplete', message: `${m.bench} is incomplete (the bench run was interrupted)` });
    const unstable = model.conditions.filter((c) => !c.stable).length;
    if (unstable) warnings.push({ code: 'bench-unstable', message: `${unstable} of ${model.conditions.length} conditions of '${model.name}' in ${m.bench} did not reach the target precision` });
    if (model.costModel && model.costModel.r2 < 0.9) {
      warnings.push({ code: 'cost-model-weak', message: `cost model of '${model.name}' explains only R² = ${model.costModel.r2.toFixed(3)} of the variation` });
    }
    tpsSource = { kind: 'bench', file: m.bench!, model };
  }
  return { file, workload, doc, tpsSource, price, warnings };
}
