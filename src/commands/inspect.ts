import { inspectModel } from '../bench/models/inspect.js';
import { pickFormatter } from '../report/format.js';
import { inspectText } from '../report/inspect/text.js';
import { inspectYaml } from '../report/inspect/yaml.js';
import { renderOptionsFor } from './output.js';

export const INSPECT_FORMATS = { table: inspectText, yaml: inspectYaml };

/** Prints a model's signature and a proposed suite entry; exit 0 when that entry ran on a synthetic image, 1 when it did not. */
export async function inspectCommand(file: string, opts: { format: string }): Promise<number> {
  const format = pickFormatter(INSPECT_FORMATS, opts.format);
  const result = await inspectModel(file);
  process.stdout.write(format(result, renderOptionsFor(undefined)));
  if (!result.check.ok && opts.format === 'yaml') process.stderr.write(`capacity-plan: ${result.file}: the proposed entry did not run: ${result.check.problem}\n`);
  return result.check.ok ? 0 : 1;
}
