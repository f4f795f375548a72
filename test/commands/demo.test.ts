import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

/** The demo's answer block: from the line that introduces it to the end of stdout. */
const answers = (stdout: string) => stdout.slice(stdout.indexOf('\nPlanned ') + 1).trimEnd();

describe('capacity-plan demo (built CLI, real models)', () => {
  it('bench --quick on both built-ins, then plans every example workload; two runs give the same answers', () => {
    const dir = tempDir();
    const env = { COLUMNS: '80' };
    const first = runCli(['demo', '--dir', 'demo'], { cwd: dir, env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/ocr-det \(detection/);
    expect(first.stdout).toMatch(/ocr-cls \(classification/);
    expect(readFileSync(join(dir, 'demo', 'shelf-audit.yaml'), 'utf8')).toMatch(
      /bench: bench\.json\n\s+bench_model: ocr-det\n\s+calibration: \{ tps: 10 \}/,
    );
    // The answers are the last screen: one headline per workload and the total, within 80 × 24.
    const block = answers(first.stdout).split('\n');
    expect(block.length).toBeLessThanOrEqual(24);
    for (const line of block) expect(line.length).toBeLessThanOrEqual(80);
    expect(block.join('\n')).toMatch(/^shelf-audit: run MinInferenceUnits 2 \/ MaxInferenceUnits 5 — \$7,300\.00\/month/m);
    expect(block.at(-1)).toMatch(/^(total of 5 workloads|.*\))/);
    // A second run measures the machine again (its speed moves); the answers do not.
    const second = runCli(['demo', '--dir', 'demo2'], { cwd: dir, env });
    expect(second.code, second.stderr).toBe(0);
    expect(answers(second.stdout).replaceAll('demo2/', 'demo/')).toBe(answers(first.stdout));
    expect(runCli(['plan', 'demo/shelf-audit.yaml', '--format', 'json'], { cwd: dir }).code).toBe(0);
  }, 240_000);
});
