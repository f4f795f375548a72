import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { BIN, ROOT } from './cli.js';

/**
 * Long-running CLI processes for tests that talk to them while they run (serve, loadtest against a
 * server in the test process): spawnSync would block the test's own event loop.
 */

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const testEnv = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
  // No AWS identity or instance-metadata lookups from tests: every call goes to loopback.
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: undefined,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    // The built-in price table, whatever `capacity-plan prices` cached on this machine.
    CAPACITY_PLAN_PRICE_CACHE: '/nonexistent/prices.json',
    ...extra,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as NodeJS.ProcessEnv;
};

export function spawnCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; ownSession?: boolean } = {},
): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: testEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.ownSession ?? false,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/**
 * Runs the CLI and presses Ctrl-C (SIGINT) as soon as `path` exists (looked for every 25 ms),
 * e.g. a run's first checkpoint: what an interrupted run leaves behind can then be checked.
 */
export async function interruptWhenWritten(args: string[], path: string, opts: { cwd?: string } = {}): Promise<Finished> {
  const { child, done } = spawnCli(args, opts);
  const poll = setInterval(() => {
    if (!existsSync(path)) return;
    clearInterval(poll);
    child.kill('SIGINT');
  }, 25);
  try {
    return await done;
  } finally {
    clearInterval(poll);
  }
}

/** Runs the CLI to the end without blocking this process (a server here can answer it). Killed after `timeoutMs`. */
export async function runCliAsync(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<Finished> {
  const { child, done } = spawnCli(args, opts);
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
  }
}

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** SIGTERM, then what it printed and how it exited. */
  stop(): Promise<Finished>;
}

/**
 * Starts `capacity-plan serve` and resolves with its URL from the first stdout line. It runs in its
 * own session, as a server does: with the kernel's autogroup scheduling, a session's processes
 * share one slice of a busy machine, and the fleet should not share the load generator's (nor the
 * bench it is compared with). On an idle machine this changes nothing.
 */
export async function startServe(args: string[]): Promise<ServeProcess> {
  const { child, done } = spawnCli(['serve', ...args], { ownSession: true });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m) resolve(m[1]!);
      else reject(new Error(`unexpected first line: ${line}`));
    });
    void done.then((f) => reject(new Error(`serve exited ${f.code}: ${f.stderr}`)));
  });
  return {
    url,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      return done;
    },
  };
}
