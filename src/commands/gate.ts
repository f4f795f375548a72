import { appendFile } from 'node:fs/promises';
import { EXIT, type ExitCode, UserError } from '../core/errors.js';
import { integerFlag, numberFlag } from '../core/flags.js';
import { parseBaseline } from '../gate/baseline.js';
import { evaluateGate, type PlanFigures } from '../gate/gate.js';
import type { Level } from '../gate/result.js';
import { budgetRules, FLAG_RULES, flagRules, type FlagLimits } from '../gate/rules.js';
import { pathPolicy, type PathPolicy } from '../core/paths.js';
import { readSavedFile } from '../core/saved-json.js';
import { pickFormatter } from '../report/format.js';
import { gateGithub } from '../report/gate/github.js';
import { gateJson } from '../report/gate/json.js';
import { gateMarkdown } from '../report/gate/markdown.js';
import { gateHtml } from '../report/gate/html.js';
import { gateTable } from '../report/gate/table.js';
import { planWorkloads } from '../plan/recommend.js';
import { loadWorkloads, type LoadedWorkload } from '../workload/resolve.js';
import { emit, forGithub, renderOptions, renderOptionsFor, workloadInputs } from './output.js';

const GATE_FORMATS = { table: gateTable, json: gateJson, markdown: gateMarkdown, github: gateGithub, html: gateHtml };

export interface GateOptions {
  baseline?: string;
  maxMonthlyCost?: string;
  maxIncreaseUsd?: string;
  maxIncreasePct?: string;
  maxUnits?: string;
  /** commander restricts it to these choices. */
  failOn: Level;
  format: string;
  out?: string;
  /** Further outputs of the same run, so CI gates once: the JSON and the markdown (PR comment). */
  outJson?: string;
  outMarkdown?: string;
  allowPath?: string[];
}

export async function gateCommand(files: string[], opts: GateOptions): Promise<ExitCode> {
  const format = pickFormatter(GATE_FORMATS, opts.format);
  const limits = readFlagLimits(opts);
  if (!opts.baseline) {
    for (const name of ['maxIncreaseUsd', 'maxIncreasePct'] as const) {
      if (limits[name] !== undefined) throw new UserError(`${FLAG_RULES[name].flag} needs --baseline (the plan JSON to compare with)`);
    }
  }
  const paths = pathPolicy(opts.allowPath);
  const baseline = opts.baseline ? { file: opts.baseline, plans: await readBaseline(opts.baseline, paths) } : null;
  // The gate checks each plan's answer: the pair `plan` recommends and its cost on the plan's basis.
  const loaded = await loadWorkloads(files, paths);
  const { plans } = await planWorkloads(loaded);
  const inputs = [...(opts.baseline ? [opts.baseline] : []), ...workloadInputs(loaded)];
  const result = evaluateGate({
    workloads: loaded.map((w, i) => ({
      plan: plans[i]!,
      file: w.file,
      budget: budgetRules(w.workload.budget, w.doc, w.file),
      keyAt: keyLocation(w),
    })),
    totalRules: flagRules(limits),
    baseline,
    failOn: opts.failOn,
  });

  const render = await renderOptions(opts.format, opts.out);
  // Written first: a run that cannot write its JSON or comment fails before it reports success.
  if (opts.outJson) await emit(gateJson(result, renderOptionsFor(opts.outJson)), opts.outJson, inputs);
  if (opts.outMarkdown) await emit(gateMarkdown(result, renderOptionsFor(opts.outMarkdown)), opts.outMarkdown, inputs);
  if (opts.format === 'github') {
    const annotated = forGithub(result);
    const summaryFile = process.env.GITHUB_STEP_SUMMARY;
    const markdown = gateMarkdown(annotated, render);
    let text = format(annotated, render);
    if (summaryFile) {
      try {
        // One append of the whole, already-built summary: never a partial one.
        await appendFile(summaryFile, markdown + '\n');
      } catch (err) {
        throw UserError.at(summaryFile, `cannot append to $GITHUB_STEP_SUMMARY: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
    } else {
      text += '\n' + markdown;
    }
    await emit(text, opts.out, inputs);
  } else {
    await emit(format(result, render), opts.out, inputs);
  }
  return result.status === 'fail' ? EXIT.checkFailed : EXIT.ok;
}

/** Where a workload's gate key (`id:`, else `name:`) is written. */
function keyLocation(w: LoadedWorkload): { line: number; col: number } {
  return w.doc.locate([w.workload.id !== undefined ? 'id' : 'name']);
}

/** A baseline is a saved result: confined, bounded and parsed without quoting it (core/saved-json.ts). */
async function readBaseline(file: string, paths: PathPolicy): Promise<PlanFigures[]> {
  const text = await readSavedFile(file, paths, { what: 'baseline file' });
  return parseBaseline(text, file);
}

/** How each limit flag is read: a typo is exit 2, not a silent pass. */
const LIMIT_FLAGS: Record<keyof FlagLimits, (flag: string, raw: string) => number> = {
  maxMonthlyCost: (flag, raw) => numberFlag(flag, raw, { what: 'an amount in USD', min: 0, aboveMin: true }),
  maxIncreaseUsd: (flag, raw) => numberFlag(flag, raw, { what: 'an amount in USD', min: 0 }),
  maxIncreasePct: (flag, raw) => numberFlag(flag, raw, { what: 'a percentage', min: 0 }),
  maxUnits: (flag, raw) => integerFlag(flag, raw, { of: 'units', min: 1 }),
};

function readFlagLimits(opts: GateOptions): FlagLimits {
  const limits: FlagLimits = {};
  for (const name of Object.keys(FLAG_RULES) as Array<keyof typeof FLAG_RULES>) {
    const raw = opts[name];
    if (raw !== undefined) limits[name] = LIMIT_FLAGS[name](FLAG_RULES[name].flag, raw);
  }
  return limits;
}
