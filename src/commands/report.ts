import { forTerminal, forTerminalOutput, mapStrings } from '../core/escape.js';
import { pathPolicy } from '../core/paths.js';
import { readSavedFile } from '../core/saved-json.js';
import { EXIT, type ExitCode, UserError } from '../core/errors.js';
import { readResult, schemaIdsOf, type SavedResult } from '../contracts/read-result.js';
import { backtestJson } from '../report/backtest/json.js';
import { loadtestJson } from '../report/loadtest/json.js';
import { loadtestMarkdown } from '../report/loadtest/markdown.js';
import { loadtestTable } from '../report/loadtest/table.js';
import { backtestMarkdown } from '../report/backtest/markdown.js';
import { backtestTable } from '../report/backtest/table.js';
import { benchHtml } from '../report/bench/html.js';
import { benchJson } from '../report/bench/json.js';
import { benchMarkdown } from '../report/bench/markdown.js';
import { benchTable } from '../report/bench/table.js';
import type { Formatter } from '../report/format.js';
import { gateGithub } from '../report/gate/github.js';
import { gateHtml } from '../report/gate/html.js';
import { gateJson } from '../report/gate/json.js';
import { gateMarkdown } from '../report/gate/markdown.js';
import { gateTable } from '../report/gate/table.js';
import { planHtml } from '../report/plan/html.js';
import { planJson } from '../report/plan/json.js';
import { planMarkdown } from '../report/plan/markdown.js';
import { planTable } from '../report/plan/table.js';
import { simulationHtml } from '../report/simulation/html.js';
import { simulationJson } from '../report/simulation/json.js';
import { simulationMarkdown } from '../report/simulation/markdown.js';
import { simulationTable } from '../report/simulation/table.js';
import { emit, renderOptions } from './output.js';

/** The saved results report reads: every kind with views, in each version still read. */
const REPORTED = schemaIdsOf(['plan', 'simulation', 'backtest', 'gate', 'bench', 'loadtest']);
type Reported = SavedResult<(typeof REPORTED)[number]>;

type Formats<K extends Reported['kind']> = Record<string, Formatter<Extract<Reported, { kind: K }>['result']>>;

/**
 * Every view of every saved result. The same formatters the producing commands use (their
 * tables are not imported: commands never import each other). github is the gate's alone.
 */
const FORMATS: { [K in Reported['kind']]: Formats<K> } = {
  plan: { table: planTable, json: planJson, markdown: planMarkdown, html: planHtml },
  simulation: { table: simulationTable, json: simulationJson, markdown: simulationMarkdown, html: simulationHtml },
  backtest: { table: backtestTable, json: backtestJson, markdown: backtestMarkdown },
  loadtest: { table: loadtestTable, json: loadtestJson, markdown: loadtestMarkdown },
  gate: { table: gateTable, json: gateJson, markdown: gateMarkdown, github: gateGithub, html: gateHtml },
  bench: { table: benchTable, json: benchJson, markdown: benchMarkdown, html: benchHtml },
};

export interface ReportOptions {
  format: string;
  out?: string;
  allowPath?: string[];
}

/**
 * Re-renders a saved result JSON: heavy work runs once and is viewed many ways. The file is
 * untrusted (core/saved-json.ts): confined, bounded, and its strings escaped for the terminal
 * before any view renders them (json gives the file back as it was).
 */
export async function reportCommand(file: string, opts: ReportOptions): Promise<ExitCode> {
  const text = await readSavedFile(file, pathPolicy(opts.allowPath));
  const saved = await readResult(text, file, REPORTED);
  const formats = FORMATS[saved.kind] as Record<string, Formatter<typeof saved.result>>;
  if (!Object.hasOwn(formats, opts.format)) {
    throw new UserError(`--format: a ${saved.kind} result has no '${opts.format}' view (choose ${Object.keys(formats).join(', ')})`);
  }
  const result = opts.format === 'json' ? saved.result : mapStrings(saved.result, forTerminal);
  const render = await renderOptions(opts.format, opts.out);
  const view = formats[opts.format]!(result, render);
  await emit(opts.format === 'table' ? forTerminalOutput(view, render.color.level > 0) : view, opts.out, [file]);
  return EXIT.ok;
}
