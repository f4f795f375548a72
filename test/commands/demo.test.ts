import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

describe('capacity-plan demo (built CLI, real models)', () => {
  it('bench --quick on both built-ins, then plans every example workload from that result', () => {
    const dir = tempDir();
    const r = runCli(['demo', '--dir', 'demo'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ocr-det \(detection/);
    expect(r.stdout).toMatch(/ocr-cls \(classification/);
    expect(r.stdout).toMatch(/MinInferenceUnits/);
    expect(r.stdout).toMatch(/shelf-audit/);
    expect(readFileSync(join(dir, 'demo', 'shelf-audit.yaml'), 'utf8')).toMatch(/bench: bench\.json\n\s+bench_model: ocr-det/);
    const again = runCli(['plan', 'demo/shelf-audit.yaml', '--format', 'json'], { cwd: dir });
    expect(again.code).toBe(0);
  });

});
