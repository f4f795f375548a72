import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../../src/contracts/bench.js';
import { loadWorkload } from '../../src/workload/resolve.js';
import { tempDir } from '../helpers/cli.js';
import { OWN_FOLDERS_ONLY } from '../../src/core/paths.js';

// parcel-labels plans from examples/workloads/example-bench.json; here, a copy of that file in a state a real run can leave.
async function warningsWith(edit: (b: BenchResult) => void): Promise<Array<{ code: string; message: string }>> {
  const dir = tempDir();
  const bench = JSON.parse(readFileSync('examples/workloads/example-bench.json', 'utf8')) as BenchResult;
  edit(bench);
  writeFileSync(join(dir, 'example-bench.json'), JSON.stringify(bench));
  copyFileSync('examples/workloads/parcel-labels.yaml', join(dir, 'parcel-labels.yaml'));
  return (await loadWorkload(join(dir, 'parcel-labels.yaml'), OWN_FOLDERS_ONLY)).warnings;
}

const det = (b: BenchResult) => b.models.find((m) => m.name === 'ocr-det')!;

describe('warnings about the bench file a plan uses', () => {
  it('none for a complete, stable run whose drift check found no move', async () => {
    const codes = (
      await warningsWith(
        (b) => void (det(b).recheck = { conditionId: 'x', tps: 7, samples: 8, rsePct: 1, changePct: 1.2, significant: false }),
      )
    ).map((w) => w.code);
    expect(codes.filter((c) => c.startsWith('bench-'))).toEqual([]);
  });

  it('bench-drift when the drift check found the machine moved, with the size of the move', async () => {
    const w = await warningsWith(
      (b) => void (det(b).recheck = { conditionId: 'x', tps: 7, samples: 8, rsePct: 1, changePct: -9.64, significant: true }),
    );
    expect(w.find((x) => x.code === 'bench-drift')?.message).toMatch(/'ocr-det' in \.\/example-bench\.json drifted -9\.6% during the run/);
  });

  it('bench-incomplete and bench-unstable for an interrupted run with an imprecise condition', async () => {
    const w = await warningsWith((b) => {
      b.complete = false;
      det(b).conditions[0]!.stable = false;
    });
    expect(w.map((x) => x.code)).toEqual(expect.arrayContaining(['bench-incomplete', 'bench-unstable']));
  });
});
