import { interruptible } from './interrupt.js';
import { renderOptions } from './output.js';
import { EXIT, type ExitCode, UserError, type Warning } from '../core/errors.js';
import { integerFlag, numberFlag, optionalFlag, secondsFlag } from '../core/flags.js';
import { checkOutputPath, writeResultOrKeep } from '../core/files.js';
import type { ImageSource } from '../loadtest/images.js';
import { loadImageBytes } from '../loadtest/images.js';
import type { LoadtestResult, LoadtestStep } from '../contracts/loadtest.js';
import { runLoadtest, type LoadtestRun, type LoadtestSettings } from '../loadtest/run.js';
import type { Target } from '../loadtest/target.js';
import { runAwsSampleMethod } from '../loadtest/run-aws-sample.js';
import { pickFormatter } from '../report/format.js';
import { loadtestJson, loadtestResultJson } from '../report/loadtest/json.js';
import { loadtestMarkdown } from '../report/loadtest/markdown.js';
import { loadtestTable } from '../report/loadtest/table.js';
import { lookUpCachedPrice, readPriceCache } from '../workload/price-list.js';
import { lookUpPrice, type PriceQuote } from '../workload/prices.js';

const LOADTEST_FORMATS = { table: loadtestTable, json: loadtestJson, markdown: loadtestMarkdown };

/** Calls in flight at most (and sockets of the client): a stalled endpoint cannot exhaust the client. */
const MAX_IN_FLIGHT = 1024;

export interface LoadtestOptions {
  endpoint?: string;
  projectVersionArn?: string;
  images?: string;
  s3?: string;
  mode: 'open' | 'users';
  start: string;
  stepS: string;
  warmupS: string;
  maxSteps: string;
  maxLoad?: string;
  resolutionPct: string;
  units?: string;
  /** commander restricts it to these choices. */
  method: 'step-search' | 'aws-sample';
  callTimeoutS: string;
  format: string;
  out: string;
}

/** --start and --max-load count users (whole numbers) or offered TPS, by --mode. */
function loadFlag(flag: string, raw: string, users: boolean): number {
  return users
    ? integerFlag(flag, raw, { of: 'users', min: 1, max: flag === '--max-load' ? MAX_IN_FLIGHT : 100_000 })
    : numberFlag(flag, raw, { what: 'a TPS', min: 0.01, max: 100_000 });
}

function settingsFrom(o: LoadtestOptions): LoadtestSettings {
  const users = o.mode === 'users';
  return {
    mode: o.mode,
    start: loadFlag('--start', o.start, users),
    growth: 2,
    stepS: secondsFlag('--step-s', o.stepS, { min: 0.1, max: 3600 }),
    warmupS: secondsFlag('--warmup-s', o.warmupS, { min: 0, max: 600 }),
    maxSteps: integerFlag('--max-steps', o.maxSteps, { of: 'steps', min: 1, max: 50 }),
    maxLevel: loadFlag('--max-load', o.maxLoad ?? (users ? '256' : '4096'), users),
    resolutionPct: numberFlag('--resolution-pct', o.resolutionPct, { what: 'a percentage', min: 0.1, max: 100 }),
    maxInFlight: MAX_IN_FLIGHT,
  };
}

function progressLine(s: LoadtestStep): string {
  const load = s.offeredTps !== null ? `${s.offeredTps} TPS offered` : `${s.users} users`;
  const p95 = s.latencyMs ? `, p95 ${s.latencyMs.p95.toFixed(0)} ms` : '';
  return `step ${s.index} (${s.phase}, ${load}): ${s.achievedTps.toFixed(1)} TPS achieved, ${s.throttledPct.toFixed(1)}% throttled${s.otherErrors ? `, ${s.otherErrors} other errors` : ''}${p95} — ${s.clean ? 'clean' : 'throttled'}\n`;
}

/** What the test window can cost, and the commands that start and stop the model: printed before any call to AWS. */
function costGuard(
  commands: { start: string; stop: string },
  units: number | undefined,
  st: LoadtestSettings,
  price: PriceQuote | undefined,
): string {
  const windowS = st.maxSteps * (st.warmupS + st.stepS);
  const unitsText = units ?? 1;
  const hours = (unitsText * windowS) / 3600;
  const usd = price
    ? ` ≈ $${(hours * price.pricePerUnitHourUsd).toFixed(2)} at $${price.pricePerUnitHourUsd.toFixed(2)} per inference hour (${price.priceSource})`
    : ` × your region's price per inference hour`;
  return [
    `cost: a running model bills every inference-unit hour, busy or idle. This test runs at most ${st.maxSteps} steps × ${st.warmupS + st.stepS} s = ${(windowS / 60).toFixed(1)} min: ${unitsText} unit${unitsText === 1 ? '' : 's'} × ${(windowS / 3600).toFixed(3)} h = ${hours.toFixed(3)} inference hours${usd}.`,
    `capacity-plan never starts or stops a model. Start it with 1 unit before the test (AWS's method measures one unit):`,
    `  ${commands.start}`,
    `and stop it when you are done (it bills until stopped):`,
    `  ${commands.stop}`,
    '',
  ].join('\n');
}

/** Ctrl-C during the load: the step running stops and the finished ones are written. */
const INTERRUPT_NOTE = 'interrupted: stopping the load now, keeping the finished steps (Ctrl-C again to quit at once)';

function checkTargetFlags(o: LoadtestOptions): void {
  if (o.endpoint === undefined && o.projectVersionArn === undefined)
    throw new UserError(
      'give --endpoint URL (e.g. capacity-plan serve) or --project-version-arn ARN (a running Rekognition Custom Labels model)',
    );
  if ((o.images === undefined) === (o.s3 === undefined))
    throw new UserError('give exactly one of --images DIR and --s3 s3://bucket/prefix');
}

/** Before any call to a model on AWS: a region mismatch, and what the test window can cost. */
async function warnBeforeAws(
  region: string,
  commands: { start: string; stop: string },
  unitsFlag: number | undefined,
  settings: LoadtestSettings,
): Promise<void> {
  if (process.env.AWS_REGION && process.env.AWS_REGION !== region)
    process.stderr.write(
      `capacity-plan: warning: AWS_REGION is ${process.env.AWS_REGION} but the model is in ${region} (its ARN): calling ${region}\n`,
    );
  // The price plan would use: the cache `capacity-plan prices` fetched, else the built-in table.
  const cache = await readPriceCache();
  const price =
    (cache && lookUpCachedPrice(cache, 'rekognition-custom-labels', region)) ?? lookUpPrice('rekognition-custom-labels', region);
  process.stderr.write(costGuard(commands, unitsFlag, settings, price));
}

async function loadImages(o: LoadtestOptions, region: string): Promise<ImageSource> {
  if (o.images !== undefined) return loadImageBytes(o.images);
  const { requireOptionalPackages } = await import('../core/optional-packages.js');
  requireOptionalPackages('loadtest --s3', ['@aws-sdk/client-s3']);
  const { listS3Images } = await import('../loadtest/s3.js');
  return listS3Images(o.s3!, region);
}

/** The units the test runs on (--units, else the model's Min), and a warning when autoscaling could add more. */
function unitsOf(
  state: Awaited<ReturnType<Target['describe']>>,
  unitsFlag: number | undefined,
  startCommand: string,
): { units: LoadtestResult['units']; warnings: Warning[] } {
  if (state.status !== 'RUNNING')
    throw new UserError(
      `the model is ${state.status}, not RUNNING${state.statusMessage ? ` (${state.statusMessage})` : ''}; start it with: ${startCommand}`,
    );
  const warnings: Warning[] = [];
  if (state.maxInferenceUnits !== null && state.minInferenceUnits !== null && state.maxInferenceUnits > state.minInferenceUnits) {
    warnings.push({
      code: 'autoscaling',
      message: `MaxInferenceUnits ${state.maxInferenceUnits} > MinInferenceUnits ${state.minInferenceUnits}: autoscaling may add units during the test and distort TPS per unit; start the model with equal Min and Max`,
    });
  }
  if (unitsFlag === undefined && (state.minInferenceUnits === null || state.minInferenceUnits < 1))
    throw new UserError('DescribeProjectVersions gave no MinInferenceUnits: pass --units N');
  const inService = unitsFlag ?? state.minInferenceUnits!;
  const units: LoadtestResult['units'] = {
    inService,
    source: unitsFlag !== undefined ? '--units' : 'DescribeProjectVersions',
    minInferenceUnits: state.minInferenceUnits,
    maxInferenceUnits: state.maxInferenceUnits,
  };
  return { units, warnings };
}

/** One call before the load: undefined when it was answered; exit 1 when the endpoint fails on its side; else a UserError. */
async function probe(target: Target, signal: AbortSignal): Promise<ExitCode | undefined> {
  const first = await target.detect(0, signal);
  if (first.kind !== 'error') return undefined;
  // An endpoint that takes the call and never answers is not a storm of server errors: one line, exit 2.
  if (first.name === 'timed out') throw new UserError(first.line);
  if (first.server && !first.fatal) {
    process.stderr.write(`capacity-plan: ${first.line}\n`);
    return EXIT.checkFailed;
  }
  throw new UserError(first.line);
}

function exitFor(run: LoadtestRun): ExitCode {
  if (run.result.stoppedBy === 'interrupted') return EXIT.interrupted;
  if (run.inputProblem) return EXIT.invalidInput;
  if (run.result.stoppedBy === 'server-errors') return EXIT.checkFailed;
  return EXIT.ok;
}

export async function loadtestCommand(o: LoadtestOptions): Promise<ExitCode> {
  const format = pickFormatter(LOADTEST_FORMATS, o.format);
  checkTargetFlags(o);
  const settings = settingsFrom(o);
  const unitsFlag = optionalFlag(o.units, (v) => integerFlag('--units', v, { of: 'units', min: 1, max: 1000 }));
  const callTimeoutMs = secondsFlag('--call-timeout-s', o.callTimeoutS, { min: 1, max: 600 }) * 1000;

  // The AWS SDK loads here only: plan, gate and validate never pay for it.
  const { createTarget, parseProjectVersionArn, startCommand, stopCommand, LOCAL_ARN } = await import('../loadtest/target.js');
  const arn = o.projectVersionArn ?? LOCAL_ARN;
  const { region } = parseProjectVersionArn(arn);
  if (o.endpoint === undefined) await warnBeforeAws(region, { start: startCommand(arn), stop: stopCommand(arn) }, unitsFlag, settings);
  const images = await loadImages(o, region);

  // The images sent are inputs; checked before the load starts, so a run never ends unwritable.
  const inputs = images.kind === 'bytes' ? images.images.map((i) => i.file) : [];
  await checkOutputPath(o.out, { inputs });
  const target = await createTarget({
    endpoint: o.endpoint,
    projectVersionArn: o.projectVersionArn,
    images,
    maxSockets: MAX_IN_FLIGHT,
    callTimeoutMs,
    // The AWS sample's botocore config retries once (two attempts); the step search never does.
    maxAttempts: o.method === 'aws-sample' ? 2 : 1,
  });
  const stderr = { note: (text: string) => process.stderr.write(`${text}\n`) };
  try {
    const run = await interruptible(
      stderr,
      async (signal) => {
        const { units, warnings } = unitsOf(await target.describe(), unitsFlag, startCommand(arn));
        for (const w of warnings) process.stderr.write(`capacity-plan: warning: ${w.message}\n`);
        const failed = await probe(target, signal);
        if (failed !== undefined) return failed;
        return (o.method === 'aws-sample' ? runAwsSampleMethod : runLoadtest)({
          send: (i, s) => target.detect(i, s),
          target: { kind: target.kind, endpoint: target.endpoint, projectVersionArn: arn, region: target.kind === 'aws' ? region : null },
          images,
          units,
          settings,
          signal,
          warnings,
          onStep: (s) => process.stderr.write(progressLine(s)),
        });
      },
      INTERRUPT_NOTE,
    );
    if (typeof run === 'number') return run;
    await writeResultOrKeep(o.out, loadtestResultJson(run.result), { inputs });
    process.stdout.write(format(run.result, await renderOptions(o.format, undefined)));
    process.stderr.write(`${run.result.complete ? 'result' : 'partial result (complete: false)'} written to ${o.out}\n`);
    if (run.stopLine) process.stderr.write(`capacity-plan: ${run.stopLine}\n`);
    return exitFor(run);
  } finally {
    target.close();
  }
}
