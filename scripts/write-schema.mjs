// `npm run schema`: writes schema/*.schema.json from the zod schemas (the one source of truth), atomically.
// Not part of the build, so `npm test` checks the committed files instead of rewriting them.
import { renameSync, writeFileSync } from 'node:fs';
import { suiteJsonSchema } from '../build/bench/suite.js';
import { workloadJsonSchema } from '../build/workload/schema.js';

for (const [name, schema] of [
  ['workload', workloadJsonSchema()],
  ['bench-suite', suiteJsonSchema()],
]) {
  const path = new URL(`../schema/${name}.schema.json`, import.meta.url);
  const tmp = new URL(`../schema/.${name}.schema.json.tmp`, import.meta.url);
  writeFileSync(tmp, JSON.stringify(schema, null, 2) + '\n');
  renameSync(tmp, path);
}
