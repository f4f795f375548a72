import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  forHtml,
  forMarkdown,
  forMermaid,
  forTerminal,
  forTerminalOutput,
  forYaml,
  hasControlChars,
  mapStrings,
} from '../../src/core/escape.js';
import { entryYaml } from '../../src/report/inspect/yaml.js';
import type { ModelInspection } from '../../src/contracts/inspect.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { savedResults } from '../helpers/saved-results.js';

/**
 * Text from outside (saved results, workloads, model files, the command line) reaches terminals,
 * markdown (the PR comment), Mermaid, YAML and HTML through one escaping module (issue
 * "Hardening II", class 8): no escape sequence, bidi override, HTML, @mention or forged marker.
 */

const HOSTILE = [
  '\u001b[2J\u001b[H',
  '\u001b]0;pwned\u0007',
  '\u001b]8;;https://e.vil\u0007link\u001b]8;;\u0007',
  'admin\u202eexe.txt',
  '\u2066iso\u2069',
  'cr\rover',
  '\u009b31m',
];
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const saved = savedResults();

const FREE_TEXT_KEYS = new Set(['name', 'file', 'endpoint', 'location', 'previousName', 'corpus', 'model']);

/** `value` with `text` put before every name, path and sentence in it (enums and dates left valid). */
function patchText(value: unknown, text: string, key = '', parent = ''): unknown {
  // A simulation's strategy names are an enum.
  const free = FREE_TEXT_KEYS.has(key) && parent !== 'strategies';
  if (typeof value === 'string') return free || value.includes(' ') ? `${text} ${value}` : value;
  if (Array.isArray(value)) return value.map((v) => patchText(v, text, key, parent));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, patchText(v, text, k, key)]));
}

/** Every string field of `value` (keys kept) replaced by `text`: the worst a saved result can hold. */
function everyString<T>(value: T, text: string): T {
  return mapStrings(value, () => text);
}

describe('saved results: every string, every kind, every view', () => {
  it('report --format table/markdown/html prints no raw control character, escape sequence or bidi override', () => {
    const dir = tempDir();
    for (const [kind, result] of Object.entries(saved)) {
      const hostile = HOSTILE.join(' ');
      // Enums must stay valid for the reader to accept the file: names, paths and prose (which has spaces) only.
      const patched = patchText(result, hostile);
      writeFileSync(join(dir, `${kind}.json`), JSON.stringify(patched));
      for (const format of ['table', 'markdown', 'html']) {
        const out = runCli(['report', `${kind}.json`, '-f', format], { cwd: dir });
        if (out.code === 2 && /has no '.*' view/.test(out.stderr)) continue;
        // A name is refused like a workload's name (the plan contract's rule): one clean line, nothing rendered.
        if (out.code === 2 && /name: must not contain control characters/.test(out.stderr)) {
          expect(out.stdout).toBe('');
          expect(out.stderr).not.toMatch(RAW_CONTROL);
          continue;
        }
        expect(out.code, `${kind} ${format}: ${out.stderr}`).toBe(0);
        expect(out.stdout, `${kind} ${format}`).not.toMatch(RAW_CONTROL);
      }
    }
  }, 180_000);

  it('markdown: assumptions and warning codes of a simulation cannot hold HTML, @mentions or the gate marker', () => {
    const sim = structuredClone(saved.simulation) as { assumptions: string[]; warnings: Array<{ code: string; message: string }> };
    sim.assumptions.push('<img src=x onerror=alert(1)> @octocat <!-- capacity-plan-gate -->');
    sim.warnings.push({ code: '<b>x</b>@team', message: 'm' });
    const dir = tempDir();
    writeFileSync(join(dir, 's.json'), JSON.stringify(sim));
    const md = runCli(['report', 's.json', '-f', 'markdown'], { cwd: dir }).stdout;
    expect(md).not.toMatch(/<img|<b>|@octocat|@team|<!-- capacity-plan-gate -->/);
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt; @&#8203;octocat');
  });

  it('markdown: a load test escapes more than | (HTML, links, @mentions) in its endpoint and warnings', () => {
    const lt = structuredClone(saved.loadtest) as { target: { endpoint: string } };
    lt.target.endpoint = 'http://x/<script>alert(1)</script>@octocat';
    const dir = tempDir();
    writeFileSync(join(dir, 'l.json'), JSON.stringify(lt));
    const md = runCli(['report', 'l.json', '-f', 'markdown'], { cwd: dir });
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).not.toMatch(/<script>|@octocat/);
  });
});

describe('workload names and the gate comment', () => {
  it('a name holding a bidi override (U+202E, U+2066) is refused at its line, like a control character', () => {
    for (const name of ['"evil\\u202Eexe"', '"a\\u2066b"', '"x\\u202Ay"']) {
      const dir = tempDir();
      writeFileSync(
        join(dir, 'w.yaml'),
        `version: 1\nname: ${name}\nprice_per_unit_hour: 1\nmodel: { task: classification, tps_per_unit: 10 }\nimages: [{ share: 1, width: 640, height: 480, size_mb: 0.3 }]\ntraffic: { peak_tps: 30 }\n`,
      );
      const r = runCli(['validate', 'w.yaml'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/w\.yaml:2:7: name: .*bidi overrides/);
      expect(r.stderr).not.toMatch(RAW_CONTROL);
    }
  });

  it('command-line parse errors are escaped and cut short', () => {
    const r = runCli(['plan', 'x.yaml', '--format', `\u001b]0;pwned\u0007${'y'.repeat(1000)}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr).toContain('\\u001b]0;pwned\\u0007');
    expect(r.stderr.length).toBeLessThan(600);
    const unknown = runCli([`\u202eplan`]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).not.toMatch(RAW_CONTROL);
  });
});

describe('the escaping functions, one per medium', () => {
  it('terminal: every hostile string becomes visible escapes', () => {
    for (const s of HOSTILE) expect(forTerminal(s)).not.toMatch(RAW_CONTROL);
    expect(forTerminal('a\u202eb')).toBe('a\\u202eb');
  });

  it('terminal output: colour codes stay only when colour is on; OSC, CSI moves and bidi never', () => {
    const text = '\u001b[1mbold\u001b[22m \u001b]0;t\u0007 \u001b[2J \u202e\n\tnext';
    expect(forTerminalOutput(text, true)).toBe('\u001b[1mbold\u001b[22m \\u001b]0;t\\u0007 \\u001b[2J \\u202e\n\tnext');
    expect(forTerminalOutput(text, false)).not.toMatch(RAW_CONTROL);
  });

  it('markdown: HTML, links, table breaks and @mentions; the marker cannot be forged', () => {
    const md = forMarkdown('<!-- capacity-plan-gate --> | [x](https://e.vil) @octocat \u202e');
    expect(md).not.toMatch(/<!--|@octocat|\u202e|(?<!\\)\|/);
  });

  it('Mermaid: one quoted string with no quote, backtick, tag, line break, @mention or bidi', () => {
    const m = forMermaid('a"b`c<script>\n@x\u202e'.repeat(50));
    expect(m.startsWith('"') && m.endsWith('"')).toBe(true);
    expect(m.slice(1, -1)).not.toMatch(/["`<>\n@\u202e]/);
    expect([...m].length).toBeLessThanOrEqual(123);
  });

  it('HTML: the five special characters, control and bidi characters', () => {
    expect(forHtml('<a href="x">\'&\u202e\u001b')).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;\\u202e\\u001b');
  });

  it('YAML output: a name with bidi or control characters is double-quoted, escaped, and reads back the same', () => {
    const name = 'in\u202eput\u001b[2J';
    const entry = {
      name: 'm',
      task: 'classification',
      path: 'm.onnx',
      input: { name, width: 32, height: 32 },
      output: { format: 'logits' },
    };
    const text = entryYaml({ entry, check: { ok: true } } as unknown as ModelInspection);
    expect(text).not.toMatch(RAW_CONTROL);
    expect((parse(text) as Array<{ input: { name: string } }>)[0]!.input.name).toBe(name);
    expect(forYaml('"a\u2067"')).toBe('"a\\u2067"');
  });

  it('mapStrings escapes every string of a value nested 10,000 deep, without recursion, and copies it', () => {
    let deep: unknown = 'x\u001b';
    for (let i = 0; i < 10_000; i++) deep = i % 2 ? [deep] : { k: deep };
    const mapped = mapStrings(deep, forTerminal);
    let at: unknown = mapped;
    while (typeof at === 'object') at = Array.isArray(at) ? at[0] : (at as { k: unknown }).k;
    expect(at).toBe('x\\u001b');
    expect(everyString({ a: ['s', 1, null, { b: 's' }] }, 'T')).toEqual({ a: ['T', 1, null, { b: 'T' }] });
  });

  it('hasControlChars covers C0, C1, DEL and the bidi overrides and isolates', () => {
    for (const c of ['\u0000', '\u001b', '\u007f', '\u0085', '\u202a', '\u202e', '\u2066', '\u2069'])
      expect(hasControlChars(`a${c}`)).toBe(true);
    for (const s of ['plain', 'café', '日本', 'a‐b']) expect(hasControlChars(s)).toBe(false);
  });
});
