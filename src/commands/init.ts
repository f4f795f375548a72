import { access } from 'node:fs/promises';
import { EXIT, type ExitCode, UserError } from '../core/errors.js';
import { writeOutputFile } from '../core/files.js';
import { idFromFileName, starterWorkload } from '../workload/starter.js';

export interface InitOptions {
  force?: boolean;
}

export async function initCommand(file: string, opts: InitOptions): Promise<ExitCode> {
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (exists && !opts.force) throw UserError.at(file, 'already exists; pass --force to overwrite');
  await writeOutputFile(file, starterWorkload(idFromFileName(file)));
  process.stderr.write(`wrote ${file}; next: capacity-plan plan ${file}\n`);
  return EXIT.ok;
}
