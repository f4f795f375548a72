import { UserError, type Warning } from '../core/errors.js';
import type { LocatedDocument } from '../core/yaml.js';
import type { BenchModel } from '../contracts/bench.js';
import type { Workload } from './schema.js';

/** The bench model a workload plans from, and what the bench file says about its own quality. */
export interface BenchBinding {
  model: BenchModel;
  warnings: Warning[];
  /** The model-input tensor's size for an image, by the model's recorded resize rule; null when it recorded none. */
  inputSizeOf: (width: number, height: number) => { width: number; height: number } | null;
}

/**
 * Reads `model.bench` and picks the model the workload means (`bench_model`, else the one
 * model of the workload's task). `benchPath` is model.bench resolved by the caller; every
 * problem points at the workload's own line.
 */
/** Leave-one-out error above which a plan says its cost model is weak: twice the held-out error a sound model shows. */
const COST_MODEL_WEAK_LOO_PCT = 20;

export async function bindBench(workload: Workload, benchPath: string, file: string, doc: LocatedDocument): Promise<BenchBinding> {
  const m = workload.model;
  const at = doc.locate(['model', 'bench']);
  // Loaded only for a workload that names a bench file: building the bench file's schemas is a
  // large part of a plan's start-up, and most workloads give tps_per_unit.
  const [{ readBenchResult }, { modelInputSizeOf }] = await Promise.all([
    import('../contracts/read-result.js'),
    import('../contracts/model-input.js'),
  ]);
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
      throw UserError.at(
        file,
        `model.bench_model: '${m.bench_model}' is not in ${m.bench} (it has: ${names.join(', ') || 'no models'})`,
        loc.line,
        loc.col,
      );
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
  if (!model.costModel && model.conditions.length === 0 && !model.corpus) {
    throw UserError.at(file, `model.bench: model '${model.name}' in ${m.bench} has no measurements`, at.line, at.col);
  }
  const warnings: Warning[] = [];
  if (!bench.complete) warnings.push({ code: 'bench-incomplete', message: `${m.bench} is incomplete (the bench run was interrupted)` });
  const unstable = model.conditions.filter((c) => !c.stable).length;
  if (unstable)
    warnings.push({
      code: 'bench-unstable',
      message: `${unstable} of ${model.conditions.length} conditions of '${model.name}' in ${m.bench} did not reach the target precision`,
    });
  if (model.recheck?.significant) {
    const moved = `${model.recheck.changePct > 0 ? '+' : ''}${model.recheck.changePct.toFixed(1)}%`;
    warnings.push({
      code: 'bench-drift',
      message: `the machine that measured '${model.name}' in ${m.bench} drifted ${moved} during the run (drift check): its TPS figures are at least that uncertain`,
    });
  }
  // The model plans use: the per-stage one when the file has it. Judged by how well it predicts a
  // condition it did not see (leave-one-out), not by R²: on flat data (TPS barely moving with
  // image size) R² is small however well the model predicts.
  const fit = model.stageModel ?? model.costModel;
  if (fit && fit.looMeanAbsErrPct > COST_MODEL_WEAK_LOO_PCT) {
    const which = model.stageModel ? 'per-stage cost model' : 'cost model';
    warnings.push({
      code: 'cost-model-weak',
      message: `${which} of '${model.name}' predicts conditions it did not see with ${fit.looMeanAbsErrPct.toFixed(1)}% mean error (leave-one-out), above ${COST_MODEL_WEAK_LOO_PCT}%`,
    });
  }
  const bound = model;
  return { model, warnings, inputSizeOf: (width, height) => modelInputSizeOf(bound, width, height) };
}
