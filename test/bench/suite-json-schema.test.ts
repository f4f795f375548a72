import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { suiteJsonSchema } from '../../src/bench/suite.js';

const committed = JSON.parse(readFileSync('schema/bench-suite.schema.json', 'utf8'));
const docsSuite = /```yaml\n(version: 1\nmodels:[\s\S]*?)```/.exec(readFileSync('docs/models.md', 'utf8'))![1]!;

describe('schema/bench-suite.schema.json', () => {
  it('is what the zod schema derives (run npm run schema to refresh it)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(suiteJsonSchema())));
  });

  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(committed);

  it('accepts the packaged suites and the user-model suite in docs/models.md', () => {
    for (const text of [readFileSync('examples/suites/default.yaml', 'utf8'), readFileSync('examples/suites/quick.yaml', 'utf8'), docsSuite]) {
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
