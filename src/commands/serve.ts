import { EXIT, type ExitCode, UserError } from '../core/errors.js';
import { integerFlag, optionalFlag } from '../core/flags.js';
import { OWN_FOLDERS_ONLY } from '../core/paths.js';
import { pickModels } from '../bench/setup.js';
import { loadSuite } from '../bench/suite.js';
import type { ModelSpec } from '../bench/models/index.js';
import { lookup } from 'node:dns/promises';
import { identityOf } from '../serve/describe.js';
import { Fleet } from '../serve/fleet.js';
import { LOCAL_ARN, PROJECT_VERSION_ARN } from '../serve/protocol.js';
import { startServer } from '../serve/server.js';

export interface ServeOptions {
  units: string;
  model: string;
  suite?: string;
  threads?: string;
  port: string;
  host: string;
  queue: string;
  projectVersionArn?: string;
  callTimeoutS: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** --model NAME: a suite's model by name or file path when --suite is given (as bench picks it), else a built-in. */
async function modelRef(
  name: string,
  suiteFile: string | undefined,
): Promise<{ model: string | ModelSpec; baseDir: string; threads?: number }> {
  if (!suiteFile) return { model: name, baseDir: process.cwd() };
  const suite = await loadSuite(suiteFile, OWN_FOLDERS_ONLY);
  const [ref] = pickModels(suite, [name]);
  return { ...ref!, threads: suite.suite.unit.threads };
}

/** The address to listen on, resolved before any unit starts: an unknown name is one line. */
async function resolvable(host: string): Promise<void> {
  if (host.length > 253 || /[\u0000-\u0020\u007f-\u009f]/.test(host))
    throw new UserError(`--host: not a host name or address: '${host.slice(0, 40)}'`);
  try {
    await lookup(host);
  } catch (err) {
    throw new UserError(`--host: cannot resolve '${host.slice(0, 40)}': ${(err as NodeJS.ErrnoException).code ?? 'lookup failed'}`);
  }
}

function projectVersionArn(v: string | undefined): string {
  if (v === undefined) return LOCAL_ARN;
  if (v.length > 2048 || !PROJECT_VERSION_ARN.test(v))
    throw new UserError(
      `--project-version-arn: expected arn:aws:rekognition:REGION:ACCOUNT:project/NAME/version/VERSION/TIMESTAMP, got '${v.slice(0, 40)}'`,
    );
  return v;
}

/** Runs until SIGINT or SIGTERM; the first stdout line is `listening on URL`. */
export async function serveCommand(opts: ServeOptions): Promise<ExitCode> {
  const units = integerFlag('--units', opts.units, { of: 'units', min: 1, max: 64 });
  const port = integerFlag('--port', opts.port, { min: 0, max: 65535 });
  const queue = integerFlag('--queue', opts.queue, { min: 0, max: 10_000 });
  const callTimeoutMs = integerFlag('--call-timeout-s', opts.callTimeoutS, { of: 'seconds', min: 1, max: 3600 }) * 1000;
  const arn = projectVersionArn(opts.projectVersionArn);
  await resolvable(opts.host);
  const ref = await modelRef(opts.model, opts.suite);
  const threads = optionalFlag(opts.threads, (v) => integerFlag('--threads', v, { min: 1, max: 256 })) ?? ref.threads ?? 1;

  let fatal: ((message: string) => void) | undefined;
  const fleet = await Fleet.start({ units, queue, threads, model: ref.model, baseDir: ref.baseDir, projectVersionArn: arn }, (m) =>
    fatal?.(m),
  );
  let server;
  try {
    server = await startServer(fleet, opts.host, port, { identity: identityOf(arn), callTimeoutMs });
  } catch (err) {
    await fleet.close();
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot listen on ${opts.host.slice(0, 40)}:${port}: ${code ?? (err as Error).message}`);
  }
  if (!LOOPBACK.has(opts.host)) {
    process.stderr.write(
      `capacity-plan: warning: serving on ${opts.host}, not loopback: anyone who can reach this address can send it work (there is no authentication)\n`,
    );
  }
  const running = server;
  process.stdout.write(`listening on ${running.url}\n`);
  process.stderr.write(
    `${units} unit${units === 1 ? '' : 's'} of ${typeof ref.model === 'string' ? ref.model : ref.model.name} (${threads} thread${threads === 1 ? '' : 's'} each), queue ${queue}; Ctrl-C stops\n`,
  );

  return new Promise<ExitCode>((resolveExit) => {
    let stopping = false;
    const stop = (code: ExitCode, note?: string) => {
      if (stopping) return;
      stopping = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (note) process.stderr.write(`capacity-plan: ${note}\n`);
      // The server answers its open calls 503 first; then the units stop, busy or not.
      void running
        .close()
        .then(() => fleet.close())
        .then(() => {
          const c = running.counters;
          process.stderr.write(`stopped: ${c.served} answered, ${c.throttled} throttled, ${c.failed} failed\n`);
          resolveExit(code);
        });
    };
    const onSignal = () => stop(EXIT.ok);
    fatal = (message) => stop(EXIT.internal, message);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
