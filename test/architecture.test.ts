import { describe, expect, it } from 'vitest';
import { checkDependencies, findCycles, readImportGraph, SRC_DIR, type ImportGraph } from './helpers/dependency-rules.js';

const graph = readImportGraph(SRC_DIR);

describe('src/ layers: dependencies point one way', () => {
  it('reads the real graph (a sanity check that the reader sees imports)', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('plan/recommend.ts')).toContain('core/money.ts');
    // Dynamic imports count too: the CLI loads each command lazily.
    expect(graph.get('cli.ts')).toContain('commands/plan.ts');
  });

  it('has no cycles, no command importing a command, and no import against the layer order', () => {
    expect(checkDependencies(graph)).toEqual([]);
  });

  it('fails on a deliberately added cycle and layer violation', () => {
    const broken: ImportGraph = new Map(graph);
    broken.set('core/errors.ts', [...(graph.get('core/errors.ts') ?? []), 'plan/recommend.ts']);
    const problems = checkDependencies(broken);
    expect(problems).toContain('core/errors.ts imports plan/recommend.ts: core/ may not depend on plan/');
    expect(problems.some((p) => p.startsWith('import cycle: ') && p.includes('core/errors.ts') && p.includes('plan/recommend.ts'))).toBe(
      true,
    );
  });

  it('fails when a command imports another command, or report/ imports commands/', () => {
    const broken: ImportGraph = new Map(graph);
    broken.set('commands/gate.ts', [...(graph.get('commands/gate.ts') ?? []), 'commands/plan.ts']);
    broken.set('report/format.ts', [...(graph.get('report/format.ts') ?? []), 'commands/plan.ts']);
    const problems = checkDependencies(broken);
    expect(problems).toContain(
      'commands/gate.ts imports commands/plan.ts: commands never import each other (move the shared part into a core module)',
    );
    expect(problems).toContain('report/format.ts imports commands/plan.ts: report/ may not depend on commands/');
  });

  it('finds a cycle of three files and a self-import', () => {
    const g: ImportGraph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['d.ts']],
      ['e.ts', ['a.ts']],
    ]);
    expect(findCycles(g)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['d.ts']]);
  });
});
