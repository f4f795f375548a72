import { mkdir, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { EXIT, type ExitCode, UserError } from '../core/errors.js';
import { readUserFile, readUserFileBytes, writeOutputFile } from '../core/files.js';
import { OWN_FOLDERS_ONLY } from '../core/paths.js';
import { renderOptionsFor } from './output.js';
import { benchTable } from '../report/bench/table.js';
import { planAnswers } from '../report/plan/table.js';
import { planJson } from '../report/plan/json.js';
import { planMarkdown } from '../report/plan/markdown.js';
import { wrapLine } from '../report/table.js';
import { createProgress } from '../bench/progress.js';
import { runBench } from '../bench/run.js';
import { setUpBench } from '../bench/setup.js';
import { benchResultJson } from '../report/bench/json.js';
import { planWorkloads } from '../plan/recommend.js';
import { loadWorkloads } from '../workload/resolve.js';
import { interruptible } from './interrupt.js';

/** The example workloads shipped with the package. */
const EXAMPLE_WORKLOADS_DIR = resolve(import.meta.dirname, '..', '..', 'examples', 'workloads');

/** Which built-in model stands in for a workload's model, by task. */
const BUILTIN_FOR_TASK: Record<string, string> = { detection: 'ocr-det', classification: 'ocr-cls' };

/**
 * A copy of an example workload that takes its TPS shape from the fresh bench result: model.bench
 * and bench_model set, tps_per_unit removed, and the calibration anchored to the TPS per unit the
 * example states for its image mix (from a load test of a real unit, or its own bench file and
 * calibration), so the plan's level is the example's and only the split between image classes
 * comes from this machine's measurement. Two demo runs on a noisy machine then plan the same pair.
 */
function demoWorkloadText(
  text: string,
  source: string,
  benchFile: string,
  mixTps: number,
  rebasePath: (path: string) => string = (p) => p,
): string {
  // The editor schema hint points at a path relative to the fixture; it would be wrong in the copy.
  const doc = parseDocument(text.replace(/^# yaml-language-server:.*\n/m, ''));
  const task = String(doc.getIn(['model', 'task']) ?? '');
  const builtin = BUILTIN_FOR_TASK[task];
  if (!builtin) throw UserError.at(source, `model.task '${task}' has no built-in model for the demo`);
  doc.deleteIn(['model', 'tps_per_unit']);
  doc.setIn(['model', 'bench'], benchFile);
  doc.setIn(['model', 'bench_model'], builtin);
  doc.setIn(['model', 'calibration'], doc.createNode({ tps: mixTps }, { flow: true }));
  // Paths in a workload are relative to it: a trace next to the fixture must still be found from the copy.
  const trace = doc.getIn(['traffic', 'trace']);
  if (typeof trace === 'string') doc.setIn(['traffic', 'trace'], rebasePath(trace));
  doc.commentBefore =
    ` Written by 'capacity-plan demo' from ${source}:\n model.bench points at the bench result measured just now (built-in ${builtin}), and\n` +
    ` model.calibration anchors it to the ${mixTps} TPS per unit the example states for this image mix.`;
  return doc.toString();
}

export interface DemoOptions {
  dir: string;
}

/** `bench --quick` on both built-ins, then `plan` on every example workload pointed at that result. */
export async function demoCommand(opts: DemoOptions): Promise<ExitCode> {
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
    return EXIT.interrupted;
  }

  const names = (await readdir(EXAMPLE_WORKLOADS_DIR)).filter((n) => /\.ya?ml$/.test(n)).sort();
  // Each example's own TPS per unit for its mix: what the demo copy is anchored to.
  const shipped = await loadWorkloads(
    names.map((n) => join(EXAMPLE_WORKLOADS_DIR, n)),
    OWN_FOLDERS_ONLY,
  );
  const files: string[] = [];
  for (const [i, name] of names.entries()) {
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
    await writeOutputFile(out, demoWorkloadText(text, `examples/workloads/${name}`, benchFile, shipped[i]!.tpsPerUnit, besideCopy));
    for (const [from, to] of copies) await writeOutputFile(to, await readUserFileBytes(from, 'trace file'));
    files.push(out);
  }
  const report = await planWorkloads(await loadWorkloads(files, OWN_FOLDERS_ONLY));
  // The derivations go to files; the screen ends with the answers, one line per workload.
  await writeOutputFile(join(dir, 'plan.md'), planMarkdown(report, renderOptionsFor(join(dir, 'plan.md'))));
  await writeOutputFile(join(dir, 'plan.json'), planJson(report, renderOptionsFor(join(dir, 'plan.json'))));
  const w = view.width;
  process.stdout.write(
    [
      '',
      wrapLine(
        `Planned ${files.length} example workloads on this bench result, each anchored to its stated real-unit TPS. How each figure was obtained: ${opts.dir}/plan.md (re-plan with: capacity-plan plan ${opts.dir}/*.yaml).`,
        w,
      ),
      '',
      ...planAnswers(report, view.color.bold, w),
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
