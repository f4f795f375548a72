import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { parseSuite, suiteJsonSchema } from '../../src/bench/suite.js';

function problem(text: string): string {
  try {
    parseSuite(text, 'suite.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as UserError).message;
  }
  throw new Error('expected the suite to be refused');
}

describe('bench suite file', () => {
  it('parses a full suite with defaults filled in', () => {
    const { suite } = parseSuite(
      `version: 1
models: [ocr-det]
conditions:
  resolutions: ["640x480", "1920x1080"]
  sizes_mb: [0.2, 1]
  objects: [0, 5]
`,
      'suite.yaml',
    );
    expect(suite.unit.threads).toBe(1);
    expect(suite.conditions.resolutions).toEqual([
      { width: 640, height: 480 },
      { width: 1920, height: 1080 },
    ]);
    expect(suite.measure).toEqual({ min_samples: 10, min_time_s: 0.5, max_time_s: 2, target_rse_pct: 2 });
  });

  it('accepts a user model spec and resolves images_dir against the suite folder', () => {
    const s = parseSuite(
      `version: 1
models:
  - name: mine
    task: classification
    path: m.onnx
    input: { width: 224, height: 224 }
    output: { format: logits }
conditions: { images_dir: photos }
`,
      '/tmp/x/suite.yaml',
    );
    expect(s.imagesDir).toBe('/tmp/x/photos');
    expect(typeof s.suite.models[0]).toBe('object');
  });

  it('names an unknown key with line:col', () => {
    expect(problem('version: 1\nmodels: [ocr-det]\nmeasure:\n  min_sample: 3\n')).toBe(
      "suite.yaml:4:3: unknown key 'min_sample' in measure",
    );
  });

  it('points a mistake inside a user model spec at its own key', () => {
    const text =
      'version: 1\nmodels:\n  - name: m\n    task: detection\n    path: m.onnx\n    input: { width: 64, height: 64 }\n    output: { format: yolov9 }\n';
    expect(problem(text)).toMatch(/^suite\.yaml:7:23: models\[0\]\.output\.format: /);
  });

  it('refuses zero and negative sizes with their location', () => {
    expect(problem('version: 1\nmodels: [ocr-det]\nconditions:\n  sizes_mb: [1, 0]\n')).toMatch(
      /^suite\.yaml:4:17: conditions\.sizes_mb\[1\]: .*greater than 0/,
    );
    expect(problem('version: 1\nmodels: [ocr-det]\nconditions:\n  resolutions: ["0x480"]\n')).toMatch(
      /^suite\.yaml:4:17: .*greater than 0/,
    );
    expect(problem('version: 1\nmodels: [ocr-det]\nconditions:\n  resolutions: ["-5x480"]\n')).toMatch(/^suite\.yaml:4:17: .*1920x1080/);
  });

  it('refuses an absurd resolution, a bad version, and max below min time', () => {
    expect(problem('version: 1\nmodels: [ocr-det]\nconditions:\n  resolutions: ["100000x100000"]\n')).toMatch(/megapixels/);
    expect(problem('version: 2\nmodels: [ocr-det]\n')).toMatch(/^suite\.yaml:1:10: version: expected one of 1, got 2$/);
    expect(problem('version: 1\nmodels: [ocr-det]\nmeasure: { min_time_s: 3, max_time_s: 1 }\n')).toMatch(
      /^suite\.yaml:3:39: measure\.max_time_s: must be at least min_time_s \(3\), got 1$/,
    );
  });
});

const committed = JSON.parse(readFileSync('schema/bench-suite.schema.json', 'utf8'));
const docsSuite = /```yaml\n(version: 1\nmodels:[\s\S]*?)```/.exec(readFileSync('docs/models.md', 'utf8'))![1]!;

describe('schema/bench-suite.schema.json', () => {
  it('is what the zod schema derives (run npm run schema to refresh it)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(suiteJsonSchema())));
  });

  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(committed);

  it('accepts the packaged suites and the user-model suite in docs/models.md', () => {
    for (const text of [
      readFileSync('examples/suites/default.yaml', 'utf8'),
      readFileSync('examples/suites/quick.yaml', 'utf8'),
      docsSuite,
    ]) {
      const ok = validate(parse(text));
      expect(validate.errors ?? [], 'JSON Schema errors').toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('rejects a typo in a model spec, an unknown output format, an unknown key and a bad resolution', () => {
    const base = parse(docsSuite) as { models: Array<Record<string, unknown>> };
    const cases: unknown[] = [
      { ...base, models: [{ ...base.models[1], ouput: base.models[1]!['output'] }] },
      { ...base, models: [{ ...base.models[1], output: { format: 'yolov9' } }] },
      { ...base, measure: { max_time: 3 } },
      { version: 1, models: ['ocr-det'], conditions: { resolutions: ['1920*1080'] } },
    ];
    for (const c of cases) expect(validate(c), JSON.stringify(c).slice(0, 80)).toBe(false);
  });
});
