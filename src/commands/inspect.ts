import { basename } from 'node:path';
import { forTerminal } from '../core/escape.js';
import { EXIT, type ExitCode, UserError } from '../core/errors.js';
import { readUserFileBytes, writeOutputFile } from '../core/files.js';
import { inspectModel } from '../bench/models/inspect.js';
import { classNames, drawPreview } from '../bench/models/preview.js';
import { pickFormatter } from '../report/format.js';
import { inspectText } from '../report/inspect/text.js';
import { inspectYaml } from '../report/inspect/yaml.js';
import { renderOptionsFor } from './output.js';

const INSPECT_FORMATS = { table: inspectText, yaml: inspectYaml };

/**
 * Prints a model's signature and a proposed suite entry; exit 0 when that entry ran and its outputs
 * made sense, 1 when not. With --image the entry also runs on the user's photo, and --out draws what it found.
 */
export interface InspectOptions {
  format: string;
  image?: string;
  out?: string;
}

export async function inspectCommand(file: string, opts: InspectOptions): Promise<ExitCode> {
  const format = pickFormatter(INSPECT_FORMATS, opts.format);
  if (opts.out !== undefined && opts.image === undefined) throw new UserError('--out draws on your photo: give it with --image photo.jpg');
  const photo = opts.image === undefined ? undefined : { name: basename(opts.image), bytes: await readUserFileBytes(opts.image, 'image') };
  const result = await inspectModel(file, photo);
  if (opts.out !== undefined && photo !== undefined) {
    if (result.photoOutput === undefined)
      process.stderr.write(`capacity-plan: ${forTerminal(opts.out)} not written: the entry did not run on ${forTerminal(photo.name)}\n`);
    else
      await writeOutputFile(opts.out, await drawPreview(photo.bytes, result.photoOutput, classNames(result.metadata)), {
        inputs: [file, opts.image!],
      });
  }
  const { photoOutput: _drawn, ...inspection } = result;
  process.stdout.write(format(inspection, renderOptionsFor(undefined)));
  if (!result.check.ok && opts.format === 'yaml')
    process.stderr.write(
      `capacity-plan: ${forTerminal(result.file)}: the proposed entry did not pass its check: ${forTerminal(result.check.problem)}\n`,
    );
  return result.check.ok ? EXIT.ok : EXIT.checkFailed;
}
