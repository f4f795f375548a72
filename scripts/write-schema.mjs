// Writes schema/workload.schema.json from the zod schema (the one source of truth), atomically.
import { writeFileSync, renameSync } from 'node:fs';
import { workloadJsonSchema } from '../dist/workload/schema.js';

const path = new URL('../schema/workload.schema.json', import.meta.url);
const tmp = new URL('../schema/.workload.schema.json.tmp', import.meta.url);
writeFileSync(tmp, JSON.stringify(workloadJsonSchema(), null, 2) + '\n');
renameSync(tmp, path);
