import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/commands/report.js';
import { UserError } from '../../src/core/errors.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { savedResults } from '../helpers/saved-results.js';

/**
 * Saved results fed to `report`, mutated the ways an attacker or a damaged disk would: any value
 * replaced by an extreme one (huge strings and arrays, deep nesting, escape sequences, 1e308,
 * wrong types), keys removed, the text cut or a byte changed. Each case renders (exit 0) or is
 * refused as bad input (UserError: exit 2) within the time limit: never an internal error, never
 * a hang. FUZZ_SAVED_RUNS and FUZZ_SAVED_CLI_RUNS scale it up for a long run by hand.
 */
const RUNS = Number(process.env.FUZZ_SAVED_RUNS ?? 60);
/**
 * Seeded, so the in-process cases are the same every run: only 2-6 of 60 cases render (most
 * mutations break the schema), so an unseeded run could reach no render at all and fail the
 * not-vacuous check below. FUZZ_SAVED_SEED picks other cases for a long run by hand.
 */
const SEED = Number(process.env.FUZZ_SAVED_SEED ?? 20261207);
const CLI_RUNS = Number(process.env.FUZZ_SAVED_CLI_RUNS ?? 3);
/** Per case: the largest mutations (a 150,000-element array) render in about a second. */
const CASE_LIMIT_MS = 15_000;
const RUN_TIMEOUT_MS = Math.max(300_000, RUNS * 200);

const saved = savedResults();
const KINDS = Object.keys(saved) as Array<keyof typeof saved>;

type Path = Array<string | number>;

/** Paths of every value in `root` (for choosing one to replace), breadth first and capped. */
function pathsOf(root: unknown, cap = 20_000): Path[] {
  const out: Path[] = [];
  const queue: Array<[unknown, Path]> = [[root, []]];
  for (let i = 0; i < queue.length && out.length < cap; i++) {
    const [v, path] = queue[i]!;
    out.push(path);
    if (v !== null && typeof v === 'object')
      for (const [k, child] of Object.entries(v)) queue.push([child, [...path, Array.isArray(v) ? Number(k) : k]]);
  }
  return out;
}

function setAt(root: unknown, path: Path, value: unknown, remove: boolean): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  if (remove) delete node[path.at(-1)!];
  else node[path.at(-1)!] = value;
  return copy;
}

/** Deep nesting as text: JSON.stringify of 5,000 levels would overflow the test's own stack. */
const NEST = '\u0000nest';
const nestText = (depth: number) => `${'{"a":['.repeat(depth / 2)}1${']}'.repeat(depth / 2)}`;

const hostileValue = fc.oneof(
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    -0,
    1e308,
    -1e308,
    2 ** 53 + 1,
    0.1,
    1e-300,
    '',
    'capacity-plan/plan@2',
    '\u001b]0;pwned\u0007\u202e<img src=x>@octocat<!-- capacity-plan-gate -->',
    {},
    [],
  ),
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.json().map((j) => JSON.parse(j) as unknown),
  // Large values as recipes, built in mutate(): a counterexample must stay printable.
  fc.record({ big: fc.constantFrom('name', 'lines', 'array', 'nest'), size: fc.constantFrom(0, 1, 2) }),
);

/** A large value from its recipe: names past 200 characters, 200,000 lines, 150,000 rows, 5,000 levels. */
function build(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || !('big' in v) || !('size' in v)) return v;
  const { big, size } = v as { big: string; size: number };
  if (big === 'name') return 'n'.repeat([60, 201, 250][size]!);
  if (big === 'lines') return 'x\n'.repeat([5_000, 15_000, 100_000][size]!);
  if (big === 'array') return Array.from({ length: [100, 10_001, 150_000][size]! }, (_, i) => i);
  return `${NEST}${[60, 70, 5_000][size]!}`;
}

const mutation = fc.record({
  kind: fc.constantFrom(...KINDS),
  pick: fc.nat(),
  value: hostileValue,
  op: fc.constantFrom('replace', 'replace', 'replace', 'remove', 'cut', 'byte'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  byte: fc.integer({ min: 0, max: 255 }),
  format: fc.constantFrom('table', 'json', 'markdown', 'github'),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(m: Mutation): string {
  const base = saved[m.kind];
  if (m.op === 'cut' || m.op === 'byte') {
    const text = JSON.stringify(base);
    const i = Math.floor(m.at * text.length);
    return m.op === 'cut' ? text.slice(0, i) : text.slice(0, i) + String.fromCharCode(m.byte) + text.slice(i + 1);
  }
  const paths = pathsOf(base);
  const text = JSON.stringify(setAt(base, paths[m.pick % paths.length]!, build(m.value), m.op === 'remove'));
  return text.replace(/"\\u0000nest(\d+)"/, (_, depth: string) => nestText(Number(depth)));
}

const dir = tempDir('capacity-plan-fuzz-saved-');
const tally = { cases: 0, rendered: 0, refused: 0, crashes: 0, hangs: 0 };

describe('fuzz: saved results fed to report', () => {
  it(
    `in process: every mutated result renders or is refused as bad input (${RUNS} cases)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(mutation, async (m) => {
          const file = join(dir, 'r.json');
          writeFileSync(file, mutate(m));
          const started = performance.now();
          tally.cases++;
          try {
            await reportCommand(file, { format: m.format, out: join(dir, 'out.txt') });
            tally.rendered++;
          } catch (err) {
            if (!(err instanceof UserError)) {
              tally.crashes++;
              throw err;
            }
            tally.refused++;
            expect(err.message.split('\n')).toHaveLength(1);
          }
          if (performance.now() - started > CASE_LIMIT_MS) tally.hangs++;
          expect(performance.now() - started).toBeLessThan(CASE_LIMIT_MS);
        }),
        { numRuns: RUNS, seed: SEED },
      );
      if (process.env.FUZZ_SAVED_RUNS) process.stderr.write(`fuzz saved results: ${JSON.stringify(tally)}\n`);
      // Both outcomes are reached, so the property is not vacuous.
      expect(tally.rendered).toBeGreaterThan(0);
      expect(tally.refused).toBeGreaterThan(0);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    `through the CLI: exit 0 or 2, one line, no stack trace, nothing raw on the terminal (${CLI_RUNS} cases)`,
    () => {
      fc.assert(
        fc.property(mutation, (m) => {
          const cliDir = tempDir('capacity-plan-fuzz-saved-cli-');
          writeFileSync(join(cliDir, 'r.json'), mutate(m));
          const r = runCli(['report', 'r.json', '-f', m.format === 'github' ? 'html' : m.format], { cwd: cliDir });
          expect([0, 2]).toContain(r.code);
          expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
          if (r.code === 2) expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
          if (m.format === 'table') expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202a-\u202e]/);
        }),
        { numRuns: CLI_RUNS },
      );
    },
    RUN_TIMEOUT_MS,
  );
});
