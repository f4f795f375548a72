import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

describe('docs/planner.md', () => {
  it("the worked example's JSON excerpt matches what plan prints for shelf-audit", () => {
    const doc = readFileSync('docs/planner.md', 'utf8');
    const block = /```json\n([\s\S]*?)\n```/.exec(doc);
    expect(block).not.toBeNull();
    const excerpt = JSON.parse(block![1]!);
    const r = runCli(['plan', 'examples/workloads/shelf-audit.yaml', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject(excerpt);
  });
});

describe('README.md', () => {
  it('shows in the worked example the headline plan ends with', () => {
    const readme = readFileSync('README.md', 'utf8');
    const r = runCli(['plan', 'examples/workloads/shelf-audit.yaml'], { env: { COLUMNS: '200' } });
    const headline = r.stdout.trimEnd().split('\n').at(-1)!;
    expect(headline).toMatch(/^shelf-audit: run MinInferenceUnits 2 \/ MaxInferenceUnits 5 — /);
    const example = readme.split('### Worked example')[1]!;
    expect(/```text\n(.*)\n```/.exec(example)?.[1]).toBe(headline);
  });
});
