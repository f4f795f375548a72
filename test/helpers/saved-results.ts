import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from './cli.js';
import { loadtestResult } from './loadtest-result.js';

/** One saved result of every kind `report` reads, as the producing commands write them. */
export function savedResults(): Record<'plan' | 'simulation' | 'backtest' | 'gate' | 'bench' | 'loadtest', unknown> {
  const json = (args: string[]) => {
    const r = runCli([...args, '-f', 'json']);
    if (r.code > 1) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout) as unknown;
  };
  return {
    plan: json(['plan', 'examples/workloads/shelf-audit.yaml', 'examples/workloads/quality-inspection.yaml']),
    simulation: json(['simulate', 'examples/workloads/storefront-profile.yaml']),
    backtest: json(['simulate', 'test/fixtures/cloudwatch/backtest.yaml', '--backtest']),
    gate: json(['gate', 'examples/workloads/shelf-audit.yaml']),
    bench: JSON.parse(readFileSync(join(ROOT, 'examples/workloads/example-bench.json'), 'utf8')) as unknown,
    loadtest: { ...loadtestResult({ kind: 'endpoint' }), steps: [] },
  };
}
