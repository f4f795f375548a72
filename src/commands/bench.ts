import { join } from 'node:path';
import { readdir, rm } from 'node:fs/promises';
import { EXIT, type ExitCode, UserError } from '../core/errors.js';
import { integerFlag, optionalFlag } from '../core/flags.js';
import { checkOutputPath, lockOutputFile, writeOutputFile, writeResultOrKeep } from '../core/files.js';
import { pathPolicy } from '../core/paths.js';
import { createProgress } from '../bench/progress.js';
import { readBenchResult } from '../contracts/read-result.js';
import { resumeConflict, resumedRequest, suiteRecord, type ResumeConflict } from '../bench/resume.js';
import { runBench } from '../bench/run.js';
import { setUpBench, type BenchRequest } from '../bench/setup.js';
import { pickFormatter } from '../report/format.js';
import { benchJson, benchResultJson } from '../report/bench/json.js';
import { benchMarkdown } from '../report/bench/markdown.js';
import { benchHtml } from '../report/bench/html.js';
import { benchTable } from '../report/bench/table.js';
import { interruptible } from './interrupt.js';
import { renderOptions } from './output.js';

const BENCH_FORMATS = { table: benchTable, json: benchJson, markdown: benchMarkdown, html: benchHtml };

/** Where the result goes when --out is not given: the working directory, so `plan` can point at it. */
const DEFAULT_OUT = 'bench-result.json';

export interface BenchOptions {
  model?: string[];
  quick?: boolean;
  threads?: string;
  out?: string;
  resume?: string;
  format: string;
  scaling?: boolean;
  allowPath?: string[];
}

/** Checkpoints go here until the run completes, so a complete result in --out is never replaced by a partial one. */
const sideFile = (out: string) => `${out}.partial`;

async function holdsCompleteResult(path: string): Promise<boolean> {
  return readBenchResult(path).then(
    (r) => r.complete,
    () => false,
  );
}

function resumeConflictMessage(c: ResumeConflict): string {
  switch (c.kind) {
    case 'threads':
      return `--resume: the partial result was measured with ${c.resultThreads} thread(s), not ${c.runThreads}; use --threads ${c.resultThreads}`;
    case 'clock':
      return `--resume: the partial result was timed with the ${c.resultClock} clock (an older version of capacity-plan), this run uses the ${c.runClock} clock; start a fresh run`;
    case 'model-changed':
      return `--resume: model '${c.model}' has changed since the partial result (sha256 differs); start a fresh run`;
    case 'suite-changed':
      return `--resume: ${c.path === null ? 'the packaged bench suite' : `suite ${c.path}`} has changed since the partial result (sha256 differs); start a fresh run`;
    case 'suite-other':
      return `--resume: the partial result was measured with ${c.recorded === null ? 'the packaged suite' : `suite ${c.recorded}`}, not ${c.given}; leave the suite out to use the recorded one`;
    case 'quick':
      return '--resume: the partial result was measured without --quick; leave --quick out to complete it';
  }
}

export async function benchCommand(suiteFile: string | undefined, opts: BenchOptions): Promise<ExitCode> {
  const format = pickFormatter(BENCH_FORMATS, opts.format);
  const threads = optionalFlag(opts.threads, (v) => integerFlag('--threads', v, { min: 1, max: 256 }));
  const previous = opts.resume ? await readBenchResult(opts.resume) : undefined;
  const out = opts.out ?? opts.resume ?? DEFAULT_OUT;
  let request: BenchRequest = {
    suiteFile,
    quick: opts.quick,
    models: opts.model,
    threads,
    resumedThreads: previous?.unit.threads,
    paths: pathPolicy(opts.allowPath),
  };
  if (previous && opts.resume) {
    const resumed = resumedRequest(previous, opts.resume, request);
    if ('kind' in resumed) throw new UserError(resumeConflictMessage(resumed));
    request = resumed;
  }
  const setup = await setUpBench(request);
  const conflict = previous ? resumeConflict(previous, setup) : null;
  if (conflict) throw new UserError(resumeConflictMessage(conflict));

  // What --out must never replace: the suite, its model files and the photos of its images_dir
  // (--resume is meant to be rewritten).
  const photos = setup.imagesDir ? (await readdir(setup.imagesDir)).map((name) => join(setup.imagesDir!, name)) : [];
  const inputs = [...(suiteFile ? [suiteFile] : []), ...setup.models.map((m) => m.adapter.modelPath), ...photos];
  // Checked before measuring: a run of minutes must not end on an --out it may not write.
  await checkOutputPath(out, { inputs });
  const side = sideFile(out);
  const lock = await lockOutputFile(out);
  let written: string;
  let result;
  let aborted;
  try {
    const progress = createProgress();
    ({ result, aborted } = await interruptible(progress, async (signal) => ({
      result: await runBench({
        ...setup,
        suiteRecord: suiteRecord(setup.suite, out),
        previous,
        scaling: opts.scaling,
        signal,
        progress,
        checkpoint: (partial) => writeOutputFile(side, benchResultJson(partial), { inputs }),
      }),
      aborted: signal.aborted,
    })));
    // A partial result goes to --out unless that holds a complete one; then it stays in the side file.
    written = result.complete || !(await holdsCompleteResult(out)) ? out : side;
    await writeResultOrKeep(written, benchResultJson(result), { inputs });
    if (written === out) await rm(side, { force: true });
  } finally {
    lock.release();
  }

  process.stdout.write(format(result, await renderOptions(opts.format, undefined)));
  const partial = !result.complete;
  const kept = written === side ? ' (the complete result already there is kept)' : '';
  const resume = written === side ? `--resume ${side} --out ${out}` : `--resume ${out}`;
  process.stderr.write(
    `${partial ? 'partial result (complete: false)' : 'result'} written to ${written}${kept}${partial ? `; finish it with ${resume}` : ''}\n`,
  );
  return partial || aborted ? EXIT.interrupted : EXIT.ok;
}
