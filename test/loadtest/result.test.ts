import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { readLoadtestResult } from '../../src/contracts/read-result.js';
import { LOADTEST_SCHEMA_ID } from '../../src/contracts/ids.js';
import type { LoadtestResult } from '../../src/contracts/loadtest.js';
import { loadtestResultJson } from '../../src/report/loadtest/json.js';
import { loadtestMarkdown } from '../../src/report/loadtest/markdown.js';
import { loadtestTable } from '../../src/report/loadtest/table.js';
import { tempDir } from '../helpers/cli.js';

const step = (index: number, offeredTps: number, achievedTps: number, throttled: number, sent: number) => ({
  index,
  phase: index <= 2 ? ('ramp' as const) : ('bisect' as const),
  offeredTps,
  users: null,
  durationS: 10,
  sent,
  succeeded: sent - throttled,
  throttled,
  otherErrors: 0,
  errors: {},
  notSent: 0,
  lateSends: 0,
  achievedTps,
  throttledPerS: throttled / 10,
  throttledPct: (throttled / sent) * 100,
  latencyMs: { p50: 80, p95: 120, p99: 150 },
  clean: throttled / sent <= 0.01,
});

const result: LoadtestResult = {
  schema: LOADTEST_SCHEMA_ID,
  createdAt: '2026-11-30T12:00:00.000Z',
  complete: true,
  stoppedBy: 'converged',
  target: {
    kind: 'aws',
    endpoint: null,
    projectVersionArn: 'arn:aws:rekognition:us-east-1:123456789012:project/p/version/p.v/1',
    region: 'us-east-1',
  },
  method: { mode: 'open', start: 4, growth: 2, stepS: 10, warmupS: 3, throttleLimitPct: 1, resolutionPct: 10, maxSteps: 12, retries: 0 },
  images: {
    source: 'bytes',
    location: 'imgs',
    count: 20,
    meanWidth: 1920,
    meanHeight: 1080,
    meanSizeMb: 0.8,
    formats: ['jpeg'],
    meanObjects: 6.5,
  },
  units: { inService: 1, source: 'DescribeProjectVersions', minInferenceUnits: 1, maxInferenceUnits: 1 },
  steps: [step(1, 4, 4, 0, 40), step(2, 8, 6.2, 18, 80), step(3, 5.7, 5.7, 0, 57), step(4, 6.2, 6.1, 1, 62)],
  highestCleanTps: 5.7,
  tpsPerUnit: 5.7,
  derivation: 'highest clean step #3',
  warnings: [{ code: 'max-steps', message: 'a warning' }],
};

describe('loadtest result file and views', () => {
  it('round-trips through the reader; other schema ids and malformed files are refused', async () => {
    const dir = tempDir();
    const file = join(dir, 'lt.json');
    writeFileSync(file, loadtestResultJson(result));
    expect(await readLoadtestResult(file)).toEqual(result);
    writeFileSync(file, JSON.stringify({ ...result, schema: 'capacity-plan/loadtest@3' }));
    await expect(readLoadtestResult(file)).rejects.toThrow(
      `${file}:1:1: loadtest result file has schema 'capacity-plan/loadtest@3'; this capacity-plan reads capacity-plan/loadtest@2, capacity-plan/loadtest@1`,
    );
    const malformed = JSON.stringify({ ...result, tpsPerUnit: -1 }, null, 2);
    writeFileSync(file, malformed);
    const line = malformed.split('\n').findIndex((l) => l.includes('"tpsPerUnit"')) + 1;
    await expect(readLoadtestResult(file)).rejects.toThrow(`${file}:${line}:17: tpsPerUnit: `);
  });

  it('reads a loadtest@1 file, whose warnings were sentences, as the current version: each an `uncoded` warning', async () => {
    const file = join(tempDir(), 'v1.json');
    writeFileSync(file, JSON.stringify({ ...result, schema: 'capacity-plan/loadtest@1', warnings: ['a warning'] }));
    expect(await readLoadtestResult(file)).toEqual({ ...result, warnings: [{ code: 'uncoded', message: 'a warning' }] });
    const shown = runCli(['report', file, '--format', 'json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ schema: LOADTEST_SCHEMA_ID, warnings: [{ code: 'uncoded', message: 'a warning' }] });
  });

  it('table and markdown show the headline, the image class and every step', () => {
    const color = new Chalk({ level: 0 });
    const table = loadtestTable(result, { color, width: 200 });
    expect(table).toContain('TPS per unit');
    expect(table).toContain('1920×1080 px, 0.80 MB, jpeg, 6.50 objects found per image');
    expect(table).toMatch(/│ 4 │ bisect │\s+6\.20 TPS │\s+6\.10 │\s+0\.10 │\s+1\.6 │\s+0 │\s+80\.0 │\s+120 │\s+150 │ no/);
    // Fitted to the width asked for, like every table.
    for (const width of [60, 80, 120])
      expect(
        Math.max(
          ...loadtestTable(result, { color, width })
            .split('\n')
            .map((l) => l.length),
        ),
        `width ${width}`,
      ).toBeLessThanOrEqual(width);
    const md = loadtestMarkdown(result, { color, width: 200 });
    expect(md).toContain('| TPS per unit');
    expect(md).toContain('**5.70**');
    expect(md).toContain('> ⚠️ **max-steps**: a warning');
  });
});

describe('capacity-plan report on a saved load test', () => {
  it('re-renders it as table, markdown and json', () => {
    const file = join(tempDir(), 'lt.json');
    writeFileSync(file, loadtestResultJson(result));
    const table = runCli(['report', file]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('TPS per unit');
    expect(runCli(['report', file, '--format', 'markdown']).stdout).toContain('| TPS per unit');
    expect(JSON.parse(runCli(['report', file, '--format', 'json']).stdout)).toEqual(result);
  });
});
