import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';

/**
 * The layer rules of src/, checked on the import graph: data flows one way, so dependencies do.
 * A small reader of import specifiers instead of a dependency-analysis package: src/ only uses
 * relative ESM specifiers (`./x.js`, static, re-export and dynamic), which a regex reads exactly.
 */

/** src-relative path (posix) → the src-relative paths it imports. */
export type ImportGraph = Map<string, string[]>;

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

export function readImportGraph(srcDir: string): ImportGraph {
  const graph: ImportGraph = new Map();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const from = relative(srcDir, path).split(sep).join('/');
        const text = readFileSync(path, 'utf8');
        const targets = [...text.matchAll(SPECIFIER)].map((m) =>
          posix.normalize(posix.join(posix.dirname(from), m[1]!.replace(/\.js$/, '.ts'))),
        );
        graph.set(from, [...new Set(targets)]);
      }
    }
  };
  walk(srcDir);
  return graph;
}

/** The Rekognition wire protocol: `serve` speaks it, `loadtest` checks images against its limits. */
const PROTOCOL = 'serve/protocol.ts';
/** The service's image limits: one table the planner, `serve` and `loadtest` all apply; it imports nothing. */
const SERVICE_LIMITS = 'workload/limits.ts';

type Layer =
  | 'cli'
  | 'commands'
  | 'report'
  | 'gate'
  | 'plan'
  | 'simulate'
  | 'sizing'
  | 'contracts'
  | 'workload'
  | 'core'
  | 'bench'
  | 'serve'
  | 'protocol'
  | 'service-limits'
  | 'loadtest';

function layerOf(file: string): Layer | undefined {
  if (file === 'cli.ts') return 'cli';
  if (file === PROTOCOL) return 'protocol';
  if (file === SERVICE_LIMITS) return 'service-limits';
  const top = file.split('/')[0];
  const known: Layer[] = [
    'commands',
    'report',
    'gate',
    'plan',
    'simulate',
    'sizing',
    'contracts',
    'workload',
    'core',
    'bench',
    'serve',
    'loadtest',
  ];
  return known.find((l) => l === top);
}

/** Who may import whom. Anything not listed is a violation; a layer may always import itself. */
const ALLOWED: Record<Layer, Layer[]> = {
  core: [],
  'service-limits': [],
  // Saved results' schemas and their one reader (bench and load test files included): every layer above core may read them.
  contracts: ['core'],
  // The engine writes the bench file its contract defines, and sizes input tensors by it.
  bench: ['core', 'contracts'],
  workload: ['core', 'contracts', 'service-limits'],
  // The peak/baseline rule and the unit arithmetic; the simulator runs on them; the plan layer
  // (the one answer: rule, search, zone promise) stands on both.
  sizing: ['core', 'contracts', 'workload'],
  simulate: ['core', 'contracts', 'workload', 'sizing'],
  plan: ['core', 'contracts', 'workload', 'service-limits', 'sizing', 'simulate'],
  gate: ['core', 'contracts', 'workload', 'sizing', 'plan', 'simulate'],
  // serve and loadtest stand beside bench: they run its models and read its images, nothing above.
  protocol: ['core', 'bench', 'service-limits'],
  serve: ['core', 'bench', 'protocol', 'service-limits'],
  // Its result file is a contract (contracts/loadtest.ts): read by workload/ and report/ through it.
  loadtest: ['core', 'contracts', 'bench', 'protocol', 'service-limits'],
  report: ['core', 'contracts', 'workload', 'sizing', 'plan', 'simulate', 'gate'],
  commands: [
    'core',
    'contracts',
    'workload',
    'sizing',
    'plan',
    'simulate',
    'gate',
    'report',
    'bench',
    'serve',
    'protocol',
    'loadtest',
    'service-limits',
  ],
  cli: ['core', 'commands'],
};

/** Shared helpers in commands/ that are not commands; every other file there is one command. */
const COMMAND_HELPERS = new Set(['commands/output.ts', 'commands/interrupt.ts']);

export function checkDependencies(graph: ImportGraph): string[] {
  const problems: string[] = [];
  for (const [from, targets] of graph) {
    const fromLayer = layerOf(from);
    if (!fromLayer) {
      problems.push(`${from}: not in a known layer (add it to the rules in test/helpers/dependency-rules.ts)`);
      continue;
    }
    for (const to of targets) {
      if (!graph.has(to)) {
        problems.push(`${from} imports ${to}, which does not exist`);
        continue;
      }
      const toLayer = layerOf(to);
      if (!toLayer) continue; // reported as its own problem
      if (fromLayer === 'commands' && toLayer === 'commands' && !COMMAND_HELPERS.has(to)) {
        problems.push(`${from} imports ${to}: commands never import each other (move the shared part into a core module)`);
      } else if (toLayer !== fromLayer && !ALLOWED[fromLayer].includes(toLayer)) {
        problems.push(`${from} imports ${to}: ${fromLayer}/ may not depend on ${toLayer}/`);
      }
    }
  }
  for (const cycle of findCycles(graph)) problems.push(`import cycle: ${[...cycle, cycle[0]].join(' → ')}`);
  return problems;
}

/** Every strongly connected component with more than one file (or a self-import), by Tarjan's algorithm. */
export function findCycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.reverse());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

export const SRC_DIR = join(dirname(new URL(import.meta.url).pathname), '..', '..', 'src');
