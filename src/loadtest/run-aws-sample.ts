import { AWS_SAMPLE, runAwsSample, type AwsSampleRun } from './aws-sample.js';
import { sentImages } from './images.js';
import { LOADTEST_SCHEMA_ID } from '../contracts/ids.js';
import type { LoadtestResult, LoadtestStep } from '../contracts/loadtest.js';
import { formatRate, THROTTLE_LIMIT_PCT, toStep, type LoadtestInputs, type LoadtestRun } from './run.js';

function derivationOf(last: AwsSampleRun, index: number, units: LoadtestResult['units']): string {
  const perUnit = last.maxTps / units.inService;
  return (
    `AWS sample (tps.py): run ${index} (${last.users} users) was the last; Locust's window ${last.window.fromS.toFixed(0)}-${last.window.toS.toFixed(0)} s: ` +
    `${formatRate(last.maxTps + last.failurePerS)} calls/s - ${formatRate(last.failurePerS)} failures/s = ${formatRate(last.maxTps)} TPS; ` +
    `/ ${units.inService} unit${units.inService === 1 ? '' : 's'} (${units.source}) = ${formatRate(perUnit)} TPS per unit`
  );
}

function stopOf(runs: AwsSampleRun[], interrupted: boolean): LoadtestResult['stoppedBy'] {
  const last = runs[runs.length - 1]!;
  if (interrupted) return 'interrupted';
  if (last.tally.firstError?.fatal) return 'request-errors';
  if (last.failurePerS > 0) return runs.length === 1 ? 'throttled-at-start' : 'converged';
  return 'no-throttling';
}

/** `--method aws-sample`: the sample's runs and figure, in the same result file as the step search. */
export async function runAwsSampleMethod(inp: LoadtestInputs): Promise<LoadtestRun> {
  const stepS = inp.settings.stepS;
  const runs =
    (await runAwsSample(inp.send, stepS, inp.signal, (run, i) => inp.onStep?.(toStep(run.tally, i, run.users, 'ramp', 'users')))) ?? [];
  const steps: LoadtestStep[] = runs.map((run, i) => toStep(run.tally, i + 1, run.users, 'ramp', 'users'));
  const warnings = [...inp.warnings];
  const last = runs[runs.length - 1];
  const stoppedBy = last ? stopOf(runs, inp.signal.aborted) : 'interrupted';
  if (stoppedBy === 'no-throttling')
    warnings.push({
      code: 'no-throttling',
      message: `no failures in ${runs.length} runs up to ${last!.users} users: the sample's figure is that of its last run, a lower bound`,
    });
  if (stepS !== AWS_SAMPLE.stepS)
    warnings.push({
      code: 'short-runs',
      message: `runs of ${stepS} s, not the sample's ${AWS_SAMPLE.stepS} s: the first ${AWS_SAMPLE.spawnS} s of each still spawn users`,
    });
  const objects = runs.flatMap((r) => r.tally.objects);
  const maxTps = last && last.maxTps > 0 ? last.maxTps : null;
  const result: LoadtestResult = {
    schema: LOADTEST_SCHEMA_ID,
    createdAt: new Date().toISOString(),
    complete: stoppedBy !== 'interrupted' && stoppedBy !== 'request-errors',
    stoppedBy,
    target: inp.target,
    method: {
      name: 'aws-sample',
      mode: 'users',
      start: AWS_SAMPLE.startUsers,
      growth: AWS_SAMPLE.growth,
      stepS,
      warmupS: 0,
      throttleLimitPct: THROTTLE_LIMIT_PCT,
      resolutionPct: 100,
      maxSteps: AWS_SAMPLE.runs,
      retries: 1,
    },
    images: sentImages(inp.images, objects),
    units: inp.units,
    steps,
    highestCleanTps: maxTps,
    tpsPerUnit: maxTps === null ? null : maxTps / inp.units.inService,
    derivation: last ? derivationOf(last, runs.length, inp.units) : 'no run finished',
    warnings,
    ...(last
      ? {
          awsSample: {
            maxTps: Math.max(0, last.maxTps),
            failurePerS: last.failurePerS,
            p95LatencyMs: last.p95LatencyMs,
            users: last.users,
            window: last.window,
          },
        }
      : {}),
  };
  const fatal = last?.tally.firstError?.fatal ? last.tally.firstError.line : undefined;
  return { result, ...(fatal ? { stopLine: fatal, inputProblem: true } : {}) };
}
