import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { workloadJsonSchema } from '../../src/workload/schema.js';
import { starterWorkload } from '../../src/workload/starter.js';

const committed = JSON.parse(readFileSync('schema/workload.schema.json', 'utf8'));

describe('schema/workload.schema.json', () => {
  it('is what the zod schema derives (run npm run schema to refresh it)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(workloadJsonSchema())));
  });

  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(committed);

  it('accepts the starter workload and every example workload', () => {
    const texts = [
      starterWorkload('my-model'),
      ...['shelf-audit', 'parcel-labels', 'quality-inspection'].map((n) => readFileSync(`examples/workloads/${n}.yaml`, 'utf8')),
    ];
    for (const text of texts) {
      const ok = validate(parse(text));
      expect(validate.errors ?? [], 'JSON Schema errors').toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('rejects what the zod schema rejects structurally: unknown keys, wrong types, version 2', () => {
    for (const name of [
      'unknown-key-top',
      'unknown-key-nested',
      'unknown-key-image',
      'wrong-type-string',
      'wrong-type-bool',
      'version-2',
      'zero-tps-per-unit',
    ]) {
      expect(validate(parse(readFileSync(`test/fixtures/bad/${name}.yaml`, 'utf8'))), name).toBe(false);
    }
  });
});
