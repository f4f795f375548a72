import { EXIT, type ExitCode, UserError } from '../core/errors.js';
import { integerFlag, optionalFlag } from '../core/flags.js';
import { BOUNDS } from '../workload/bounds.js';
import { backtest } from '../simulate/backtest.js';
import { pathPolicy } from '../core/paths.js';
import { simulateWorkload } from '../simulate/simulate-workload.js';
import { planWorkloads } from '../plan/recommend.js';
import { backtestJson } from '../report/backtest/json.js';
import { backtestMarkdown } from '../report/backtest/markdown.js';
import { backtestTable } from '../report/backtest/table.js';
import { parseStart, parseZoneOutage } from '../simulate/scenario.js';
import { pickFormatter } from '../report/format.js';
import { simulationJson } from '../report/simulation/json.js';
import { simulationMarkdown } from '../report/simulation/markdown.js';
import { simulationHtml } from '../report/simulation/html.js';
import { simulationTable } from '../report/simulation/table.js';
import { loadWorkload } from '../workload/resolve.js';
import { emit, renderOptions, workloadInputs } from './output.js';

const SIMULATION_FORMATS = { table: simulationTable, json: simulationJson, markdown: simulationMarkdown, html: simulationHtml };
const BACKTEST_FORMATS = { table: backtestTable, json: backtestJson, markdown: backtestMarkdown };

export interface SimulateOptions {
  format: string;
  out?: string;
  min?: string;
  max?: string;
  zoneOutage?: string;
  unitFailure?: string;
  backtest?: boolean;
  allowPath?: string[];
}

/** Flags are bounded like the workload's numbers (workload/bounds.ts): the simulator's arrays assume it. */
function unitsFlag(text: string | undefined, flag: string): number | undefined {
  return optionalFlag(text, (v) => integerFlag(flag, v, { of: 'units', min: 1, max: BOUNDS.units }));
}

/** A zone outage lasts at most a year: longer is a typo in units, and the simulator walks every minute of it. */
const MAX_OUTAGE_MINUTES = 366 * 24 * 60;

function boundedOutage(outage: { startMinute: number; durationMinutes: number }): { startMinute: number; durationMinutes: number } {
  if (outage.durationMinutes > MAX_OUTAGE_MINUTES)
    throw new UserError(
      `--zone-outage: the outage must last at most ${MAX_OUTAGE_MINUTES.toLocaleString('en-US')} minutes (a year), got ${outage.durationMinutes.toLocaleString('en-US')}`,
    );
  return outage;
}

export async function simulateCommand(file: string, opts: SimulateOptions): Promise<ExitCode> {
  if (opts.backtest) return backtestCommand(file, opts);
  const format = pickFormatter(SIMULATION_FORMATS, opts.format);
  const minUnits = unitsFlag(opts.min, '--min');
  const maxUnits = unitsFlag(opts.max, '--max');
  if (minUnits !== undefined && maxUnits !== undefined && minUnits > maxUnits)
    throw new UserError(`--min ${minUnits} is above --max ${maxUnits}`);
  const loaded = await loadWorkload(file, pathPolicy(opts.allowPath));
  if (!loaded.overTime) {
    const at = loaded.doc.locate(['traffic']);
    throw UserError.at(
      file,
      'simulate needs traffic over time: add traffic.profile (24 or 168 hourly TPS values), traffic.trace (a CSV file) or traffic.cloudwatch',
      at.line,
      at.col,
    );
  }
  const { series } = loaded.overTime;
  const zoneOutage = opts.zoneOutage !== undefined ? boundedOutage(parseZoneOutage(opts.zoneOutage, series)) : undefined;
  const unitFailureMinute = opts.unitFailure !== undefined ? parseStart(opts.unitFailure, series, '--unit-failure') : undefined;
  // The default pair is the plan's answer: the one `plan` recommends and `gate` checks.
  const { plans } = await planWorkloads([loaded]);
  const result = simulateWorkload(loaded, loaded.overTime, plans[0]!, {
    ...(minUnits !== undefined ? { minUnits } : {}),
    ...(maxUnits !== undefined ? { maxUnits } : {}),
    ...(zoneOutage ? { zoneOutage } : {}),
    ...(unitFailureMinute !== undefined ? { unitFailureMinute } : {}),
  });
  await emit(format(result, await renderOptions(opts.format, opts.out)), opts.out, workloadInputs([loaded]));
  return EXIT.ok;
}

/** `simulate --backtest`: replays a CloudWatch history with its recorded Min/Max and compares. */
async function backtestCommand(file: string, opts: SimulateOptions): Promise<ExitCode> {
  const format = pickFormatter(BACKTEST_FORMATS, opts.format);
  if (opts.zoneOutage !== undefined || opts.unitFailure !== undefined)
    throw new UserError('--backtest replays what happened: it takes no --zone-outage or --unit-failure');
  const minFlag = unitsFlag(opts.min, '--min');
  const maxFlag = unitsFlag(opts.max, '--max');
  const loaded = await loadWorkload(file, pathPolicy(opts.allowPath));
  const recorded = loaded.overTime?.recorded;
  if (!loaded.overTime || !recorded) {
    const at = loaded.doc.locate(['traffic']);
    throw UserError.at(file, '--backtest needs traffic.cloudwatch: a recorded history to compare with', at.line, at.col);
  }
  const { inServiceUnits } = recorded;
  if (!inServiceUnits) {
    const at = loaded.doc.locate(['traffic', 'cloudwatch']);
    throw UserError.at(
      file,
      "traffic.cloudwatch: --backtest needs InServiceInferenceUnits in the history (Id 'inservice'); make the file with capacity-plan cloudwatch-query",
      at.line,
      at.col,
    );
  }
  const minUnits = minFlag ?? recorded.minUnits ?? undefined;
  const maxUnits = maxFlag ?? recorded.maxUnits ?? minUnits;
  if (minUnits === undefined || maxUnits === undefined) {
    throw new UserError(
      '--backtest: the history has no MinInferenceUnits/MaxInferenceUnits; give the pair the model ran with as --min and --max',
    );
  }
  if (minUnits > maxUnits) throw new UserError(`--backtest: Min ${minUnits} is above Max ${maxUnits}`);
  const source = minFlag !== undefined || maxFlag !== undefined ? 'flags' : 'recorded';
  const result = backtest(loaded, loaded.overTime, { ...recorded, inServiceUnits }, { minUnits, maxUnits, source });
  await emit(format(result, await renderOptions(opts.format, opts.out)), opts.out, workloadInputs([loaded]));
  return EXIT.ok;
}
