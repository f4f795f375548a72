import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readBenchResult } from '../src/contracts/read-result.js';
import { runCli } from './helpers/cli.js';

const workloads = readdirSync('examples/workloads').filter((f) => f.endsWith('.yaml'));

describe('example fixtures', () => {
  it('there are example workloads, one of them planned from a bench file', () => {
    expect(workloads.length).toBeGreaterThanOrEqual(3);
  });

  it.each(workloads)('examples/workloads/%s validates and plans with exit 0 in every format', (name) => {
    const file = `examples/workloads/${name}`;
    expect(runCli(['validate', file])).toMatchObject({ code: 0, stderr: '' });
    for (const format of ['table', 'json', 'markdown']) {
      const r = runCli(['plan', file, '--format', format]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });

  it('the example bench file reads as capacity-plan/bench@2 with ocr-det and ocr-cls, labelled as an example', async () => {
    const bench = await readBenchResult('examples/workloads/example-bench.json');
    expect(bench.models.map((m) => [m.name, m.task])).toEqual([
      ['ocr-det', 'detection'],
      ['ocr-cls', 'classification'],
    ]);
    expect(bench.warnings[0]).toMatchObject({ code: 'example-file', message: expect.stringMatching(/^EXAMPLE FILE/) });
    for (const m of bench.models) expect(m.costModel).not.toBeNull();
  });
});
