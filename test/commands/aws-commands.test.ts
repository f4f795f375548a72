import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { runCliAsync } from '../helpers/processes.js';
import { startCommand, stopCommand } from '../../src/loadtest/target.js';
import { parseCloudWatch } from '../../src/workload/cloudwatch.js';

/**
 * Every AWS command capacity-plan prints, parsed against the CLI's argument model: the operation
 * input members of the Rekognition and CloudWatch service models (botocore's, which AWS CLI v1
 * reads; test/fixtures/aws/cli-argument-model.json says which version), named as the CLI names
 * them. A command must name a known operation, use only its members and the global options,
 * give every required member, hold each value to the member's type and constraints, and carry
 * --region (without it the CLI calls its configured region, not the model's).
 */

interface Member {
  member: string;
  type: string;
  min?: number;
  max?: number;
  pattern?: string;
}
interface CliModel {
  globalOptions: string[];
  services: Record<string, Record<string, { operation: string; required: string[]; members: Record<string, Member> }>>;
}
const MODEL = JSON.parse(readFileSync('test/fixtures/aws/cli-argument-model.json', 'utf8')) as CliModel;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** POSIX words of a command, up to a redirection: plain words and single-quoted ones. */
function words(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)) {
    if (m[2] === '>') break;
    out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!);
  }
  return out;
}

function valueProblem(flag: string, m: Member, v: string): string | undefined {
  if (m.type === 'integer' && !/^\d+$/.test(v)) return `--${flag} ${v}: not an integer`;
  if (m.type === 'integer' && ((m.min !== undefined && Number(v) < m.min) || (m.max !== undefined && Number(v) > m.max)))
    return `--${flag} ${v}: out of range`;
  if (m.type === 'timestamp' && !Number.isFinite(Date.parse(v))) return `--${flag} ${v}: not a time`;
  if (m.type === 'string') {
    if ((m.min !== undefined && v.length < m.min) || (m.max !== undefined && v.length > m.max))
      return `--${flag}: length ${v.length} outside ${m.min}-${m.max}`;
    if (m.pattern && !new RegExp(m.pattern).test(v)) return `--${flag} ${v}: does not match ${m.pattern}`;
  }
  return undefined;
}

/** Problems of one printed command against the model; [] when the CLI would take it as printed. */
export function checkAwsCommand(command: string): string[] {
  const [aws, service, operation, ...rest] = words(command);
  if (aws !== 'aws') return [`not an aws command: ${command}`];
  const op = MODEL.services[service!]?.[operation!];
  if (!op) return [`unknown operation: aws ${service} ${operation}`];
  const problems: string[] = [];
  const given = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i]!;
    if (!flag.startsWith('--') || rest[i + 1] === undefined || rest[i + 1]!.startsWith('--')) {
      problems.push(`expected --option value at '${flag}'`);
      break;
    }
    given.set(flag.slice(2), rest[i + 1]!);
  }
  for (const [flag, v] of given) {
    const m = op.members[flag];
    if (!m && !MODEL.globalOptions.includes(flag)) problems.push(`--${flag} is not an option of ${op.operation}`);
    const bad = m ? valueProblem(flag, m, v) : undefined;
    if (bad) problems.push(bad);
  }
  for (const r of op.required) if (!given.has(r)) problems.push(`--${r} is required by ${op.operation}`);
  if (!given.has('region')) problems.push('no --region');
  else if (!REGION.test(given.get('region')!)) problems.push(`--region ${given.get('region')}: not a region`);
  return problems;
}

const ARN = 'arn:aws:rekognition:eu-central-1:123456789012:project/shelf/version/shelf.2026-01-01T00.00.00/1767225600000';

describe('every printed AWS command parses against the CLI argument model', () => {
  it('the checker itself refuses what the CLI would refuse', () => {
    expect(checkAwsCommand(`aws rekognition start-project-version --project-version-arn ${ARN} --min-inference-units 1`)).toEqual([
      'no --region',
    ]);
    expect(checkAwsCommand(`aws rekognition start-project-version --region eu-central-1 --project-version-arn ${ARN}`)).toEqual([
      '--min-inference-units is required by StartProjectVersion',
    ]);
    expect(
      checkAwsCommand(`aws rekognition start-project-version --region eu-central-1 --project-version-arn ${ARN} --min-inference-units 1.5`),
    ).toEqual(['--min-inference-units 1.5: not an integer']);
    expect(
      checkAwsCommand(
        `aws rekognition stop-project-version --region eu-central-1 --project-version-arn arn:aws:s3:::bucket-of-models --units 1`,
      ),
    ).toEqual([
      expect.stringMatching(/^--project-version-arn arn:aws:s3:::bucket-of-models: does not match/),
      '--units is not an option of StopProjectVersion',
    ]);
  });

  it('loadtest: start-project-version and stop-project-version, region from the ARN, as printed before any call', async () => {
    expect(checkAwsCommand(startCommand(ARN))).toEqual([]);
    expect(checkAwsCommand(stopCommand(ARN))).toEqual([]);
    expect(startCommand(ARN)).toContain('--region eu-central-1 ');
    const dir = tempDir();
    const r = await runCliAsync(['loadtest', '--project-version-arn', ARN, '--images', dir, '--out', join(dir, 'x.json')]);
    const printed = r.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('aws '));
    expect(printed).toHaveLength(2);
    for (const c of printed) expect(checkAwsCommand(c), c).toEqual([]);
  });

  it('cloudwatch-query: get-metric-data', () => {
    const endMs = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const r = runCli([
      'cloudwatch-query',
      '--project',
      'shelf',
      '--version',
      'v 1',
      '--days',
      '30',
      '--region',
      'eu-central-1',
      '--end',
      new Date(endMs).toISOString(),
      '--out',
      join(tempDir(), "it's.json"),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const command = r.stdout.split('\n').find((l) => l.startsWith('aws '))!;
    expect(checkAwsCommand(command), command).toEqual([]);
  });

  it("the CloudWatch reader's list-metrics command", () => {
    const page = JSON.stringify({
      MetricDataResults: [
        { Id: 'successful', Timestamps: [], Values: [] },
        { Id: 'throttled', Timestamps: [], Values: [] },
        { Id: 'inservice', Timestamps: ['2026-11-02T09:00:00Z'], Values: [1] },
      ],
    });
    let message = '';
    try {
      parseCloudWatch(page, 'cw.json', 'eu-central-1');
    } catch (err) {
      message = (err as Error).message;
    }
    const command = /'(aws cloudwatch list-metrics [^']+)'/.exec(message)![1]!;
    expect(checkAwsCommand(command), command).toEqual([]);
  });

  it("plan's start-project-version", () => {
    const dir = tempDir();
    const w = join(dir, 'w.yaml');
    // The shelf example with a model ARN: plan prints the command that applies its Min/Max.
    const base = readFileSync('examples/workloads/shelf-audit.yaml', 'utf8');
    const region = /^region:\s*(\S+)/m.exec(base)![1]!;
    writeFileSync(w, base.replace(/^model:\n/m, `model:\n  project_version_arn: ${ARN.replace('eu-central-1', region)}\n`));
    const r = runCli(['plan', w, '-f', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const commands = [...r.stdout.matchAll(/"(aws rekognition [^"]+)"/g)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) expect(checkAwsCommand(c), c).toEqual([]);
  });
});
