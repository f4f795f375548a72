import { mkdir, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { UserError } from '../core/errors.js';
import { readUserFile, readUserFileBytes, writeOutputFile } from '../core/files.js';
import { OWN_FOLDERS_ONLY } from '../core/paths.js';
import { renderOptionsFor } from './output.js';
import { benchTable } from '../report/bench/table.js';
import { planTable } from '../report/plan/table.js';
import { createProgress } from '../bench/progress.js';
import { runBench } from '../bench/run.js';
import { setUpBench } from '../bench/setup.js';
import { benchResultJson } from '../report/bench/json.js';
import { planWorkloads } from '../plan/recommend.js';
import { loadWorkloads } from '../workload/resolve.js';
import { EXIT_INTERRUPTED, interruptible } from './interrupt.js';

/** The example workloads shipped with the package. */
export const EXAMPLE_WORKLOADS_DIR = resolve(import.meta.dirname, '..', '..', 'examples', 'workloads');

/** Which built-in model stands in for a workload's model, by task. */
const BUILTIN_FOR_TASK: Record<string, string> = { detection: 'ocr-det', classification: 'ocr-cls' };

/**
 * A copy of an example workload that takes its TPS from the fresh bench result: model.bench and
 * bench_model set, tps_per_unit removed; everything else (images, traffic, calibration, budget) kept.
 */
export function demoWorkloadText(text: string, source: string, benchFile: string, rebasePath: (path: string) => string = (p) => p): string {
  // The editor schema hint points at a path relative to the fixture; it would be wrong in the copy.
  const doc = parseDocument(text.replace(/^# yaml-language-server:.*\n/m, ''));
  const task = String(doc.getIn(['model', 'task']) ?? '');
  const builtin = BUILTIN_FOR_TASK[task];
  if (!builtin) throw UserError.at(source, `model.task '${task}' has no built-in model for the demo`);
  doc.deleteIn(['model', 'tps_per_unit']);
  doc.setIn(['model', 'bench'], benchFile);
  doc.setIn(['model', 'bench_model'], builtin);
  // Paths in a workload are relative to it: a trace next to the fixture must still be found from the copy.
  const trace = doc.getIn(['traffic', 'trace']);
  if (typeof trace === 'string') doc.setIn(['traffic', 'trace'], rebasePath(trace));
  doc.commentBefore = ` Written by 'capacity-plan demo' from ${source}:\n model.bench points at the bench result measured just now (built-in ${builtin}).`;
  return doc.toString();
}

export interface DemoOptions {
  dir: string;
}

/** `bench --quick` on both built-ins, then `plan` on every example workload pointed at that result. */
export async function demoCommand(opts: DemoOptions): Promise<number> {
  const dir = resolve(opts.dir);
  await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw UserError.at(opts.dir, `cannot create the demo folder: ${err.code ?? String(err)}`);
  });
  const benchFile = 'bench.json';
  const view = renderOptionsFor(undefined);
  const benchOut = join(dir, benchFile);
  const setup = await setUpBench({ quick: true });
  const progress = createProgress();
  const { result, aborted } = await interruptible(progress, async (signal) => ({
    result: await runBench({ ...setup, signal, progress, checkpoint: (partial) => writeOutputFile(benchOut, benchResultJson(partial)) }),
    aborted: signal.aborted,
  }));
  await writeOutputFile(benchOut, benchResultJson(result));
  process.stdout.write(benchTable(result, view));
  if (!result.complete || aborted) {
    process.stderr.write(`interrupted: partial bench result in ${benchOut}; no plan\n`);
    return EXIT_INTERRUPTED;
  }

  const names = (await readdir(EXAMPLE_WORKLOADS_DIR)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const files: string[] = [];
  for (const name of names) {
    const source = join(EXAMPLE_WORKLOADS_DIR, name);
    const text = await readUserFile(source, 'workload file');
    const out = join(dir, basename(name));
    // A trace is copied beside the demo workload: the demo folder is self-contained, and a workload
    // may only read files in its own folder or the working directory (core/paths.ts).
    const copies: Array<[from: string, to: string]> = [];
    const besideCopy = (p: string) => {
      copies.push([resolve(EXAMPLE_WORKLOADS_DIR, p), join(dir, basename(p))]);
      return basename(p);
    };
    await writeOutputFile(out, demoWorkloadText(text, `examples/workloads/${name}`, benchFile, besideCopy));
    for (const [from, to] of copies) await writeOutputFile(to, await readUserFileBytes(from, 'trace file'));
    files.push(out);
  }
  process.stdout.write('\n');
  process.stdout.write(planTable(await planWorkloads(await loadWorkloads(files, OWN_FOLDERS_ONLY)), view));
  process.stderr.write(`bench result and demo workloads in ${opts.dir}/ (re-plan with: capacity-plan plan ${opts.dir}/*.yaml)\n`);
  return 0;
}
