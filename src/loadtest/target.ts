import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { performance } from 'node:perf_hooks';
import {
  DescribeProjectsCommand,
  DescribeProjectVersionsCommand,
  DetectCustomLabelsCommand,
  RekognitionClient,
  type Image,
} from '@aws-sdk/client-rekognition';
import { UserError } from '../core/errors.js';
import { forTerminal, truncate } from '../core/escape.js';
import { LOCAL_ARN } from '../serve/protocol.js';
import { boundAnswers } from './bounded-answers.js';
import type { ImageSource } from './images.js';

/**
 * The model under test through the real AWS SDK client, for AWS and for any endpoint speaking the
 * protocol (`serve`) alike: the only differences are the endpoint override and, for a loopback
 * endpoint with no credentials configured, static test credentials (the SDK always signs).
 * `maxAttempts: 1`: a throttled call is the measurement, never retried.
 */

export type Outcome =
  | { kind: 'ok'; latencyMs: number; objects: number | null }
  | { kind: 'throttled'; latencyMs: number }
  /** `line` says what happened in one line; `fatal` is set when no further call can succeed (access, setup). */
  | { kind: 'error'; name: string; server: boolean; latencyMs: number; line: string; fatal: boolean };

interface ModelState {
  status: string;
  statusMessage: string | null;
  minInferenceUnits: number | null;
  maxInferenceUnits: number | null;
}

export interface Target {
  kind: 'endpoint' | 'aws';
  endpoint: string | null;
  projectVersionArn: string;
  region: string;
  describe(): Promise<ModelState>;
  /** Sends image `i` (modulo the set); never throws. */
  detect(i: number, signal?: AbortSignal): Promise<Outcome>;
  close(): void;
}

/** The ARN `loadtest --endpoint` uses when none is given: the one `serve` runs by default. */
export { LOCAL_ARN };

/** An answer larger than this is not DetectCustomLabels' (a few hundred labels are tens of kB)... */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** ...and answers being received at once hold at most this much, whatever the calls in flight. */
const MAX_ANSWERS_BYTES = 64 * 1024 * 1024;
/** Whole numbers the service gives as integers (inference units) are at most this. */
const MAX_UNITS = 100_000;

const ARN =
  /^arn:(aws[a-z-]*):rekognition:([a-z0-9-]+):(\d{12}):project\/([a-zA-Z0-9_.-]{1,255})\/version\/([a-zA-Z0-9_.-]{1,255})\/(\d+)$/;

export function parseProjectVersionArn(arn: string): {
  partition: string;
  region: string;
  account: string;
  project: string;
  version: string;
} {
  const m = ARN.exec(arn);
  if (!m)
    throw new UserError(
      `--project-version-arn: expected arn:aws:rekognition:REGION:ACCOUNT:project/NAME/version/VERSION/TIMESTAMP, got '${arn.slice(0, 40)}'`,
    );
  return { partition: m[1]!, region: m[2]!, account: m[3]!, project: m[4]!, version: m[5]! };
}

const ACCESS_ERRORS = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'MissingAuthenticationTokenException',
]);
const PERMISSIONS = 'rekognition:DescribeProjects, rekognition:DescribeProjectVersions and rekognition:DetectCustomLabels';

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

function isLoopback(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The first line of text from an endpoint, at most 40 characters, control and bidi characters shown as escapes. */
function brief(text: string | undefined): string {
  return forTerminal(truncate((text ?? '').split('\n')[0]!));
}

/** An SDK failure as the search counts it, with the one line that explains it. */
function classify(err: unknown, where: string, arn: string): Exclude<Outcome, { kind: 'ok' }> {
  const e = (err ?? {}) as SdkError;
  const name = brief(e.name ?? 'Error');
  const status = e.$metadata?.httpStatusCode;
  const fatal = (line: string) => ({ kind: 'error' as const, name, server: false, latencyMs: 0, line, fatal: true });
  if (name === 'ProvisionedThroughputExceededException') return { kind: 'throttled', latencyMs: 0 };
  if (name === 'AnswerTooLarge')
    return fatal(`${where} sent an answer over ${MAX_ANSWER_BYTES / 1024 / 1024} MiB: not a DetectCustomLabels answer`);
  if (name === 'CredentialsProviderError') {
    return fatal(
      'no AWS credentials found (the standard chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws files, SSO, container or instance role)',
    );
  }
  if (ACCESS_ERRORS.has(name)) return fatal(`access denied by ${where}: ${name}: ${brief(e.message)} (the caller needs ${PERMISSIONS})`);
  if (name === 'ResourceNotFoundException') return fatal(`model not found at ${where}: ${arn.slice(0, 120)}`);
  if (name === 'ResourceNotReadyException')
    return fatal(`the model is not RUNNING (${brief(e.message)}); start it with: ${startCommand(arn)}`);
  if (status === undefined) {
    // No HTTP answer at all: refused, reset, timed out, name not resolved.
    const code = e.code ?? (name === 'TimeoutError' ? 'timed out' : name);
    return { kind: 'error', name: code, server: true, latencyMs: 0, line: `cannot reach ${where}: ${code}`, fatal: false };
  }
  return {
    kind: 'error',
    name,
    server: status >= 500 || e.$fault === 'server',
    latencyMs: 0,
    line: `${where} answered ${name} (HTTP ${status}): ${brief(e.message)}`,
    fatal: false,
  };
}

/**
 * AWS's method measures one unit, and Min = Max keeps autoscaling out of the measurement. The
 * region is the ARN's: without it the CLI calls its configured region, where the model is not.
 */
export function startCommand(arn: string): string {
  return `aws rekognition start-project-version --region ${parseProjectVersionArn(arn).region} --project-version-arn ${arn} --min-inference-units 1 --max-inference-units 1`;
}

export function stopCommand(arn: string): string {
  return `aws rekognition stop-project-version --region ${parseProjectVersionArn(arn).region} --project-version-arn ${arn}`;
}

/** A whole number of units from the service, or null when absent; anything else is refused. */
function unitsFrom(v: unknown, member: string, where: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_UNITS) return v;
  throw new UserError(
    `${where} answered ${member} ${brief(typeof v === 'string' ? `'${v}'` : String(v))}: not a whole number of units from 0 to ${MAX_UNITS.toLocaleString('en-US')}`,
  );
}

/** A string the service sends, bounded and shown safely; null when absent. */
function textFrom(v: unknown): string | null {
  return typeof v === 'string' ? brief(v) : null;
}

export interface TargetOptions {
  endpoint?: string;
  projectVersionArn?: string;
  images: ImageSource;
  /** Calls allowed in flight at once (sockets of the client's agent). */
  maxSockets: number;
  /** A call not answered by then has failed (timed out): an endpoint that accepts and never answers cannot hold the test. */
  callTimeoutMs: number;
  /** SDK attempts per call: 1 (the measurement); the AWS sample's botocore config makes 2. */
  maxAttempts?: number;
}

/** Builds the client; resolves credentials now so a missing one is a clear line before any load. */
export async function createTarget(opts: TargetOptions): Promise<Target> {
  const arn = opts.projectVersionArn ?? LOCAL_ARN;
  const parsed = parseProjectVersionArn(arn);
  let endpointUrl: URL | undefined;
  if (opts.endpoint !== undefined) {
    try {
      endpointUrl = new URL(opts.endpoint);
    } catch {
      throw new UserError(`--endpoint: not a URL: '${opts.endpoint.slice(0, 40)}'`);
    }
    if (endpointUrl.protocol !== 'http:' && endpointUrl.protocol !== 'https:')
      throw new UserError(`--endpoint: expected an http:// or https:// URL, got '${endpointUrl.protocol}'`);
  }
  const where = endpointUrl ? endpointUrl.origin : `Rekognition in ${parsed.region}`;
  // A local endpoint needs signed calls but no real identity: test credentials unless the user configured some.
  const configured = process.env.AWS_ACCESS_KEY_ID !== undefined || process.env.AWS_PROFILE !== undefined;
  const staticCredentials =
    endpointUrl && isLoopback(endpointUrl) && !configured
      ? { accessKeyId: 'capacity-plan-local', secretAccessKey: 'capacity-plan-local' }
      : undefined;
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: opts.maxSockets });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: opts.maxSockets });
  // The SDK warns on Node < 22 about releases after January 2027; the version installed supports
  // Node 20 (this package's engine), and the warning on every run is noise a user cannot act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = new RekognitionClient({
    region: endpointUrl ? (process.env.AWS_REGION ?? parsed.region) : parsed.region,
    ...(endpointUrl ? { endpoint: endpointUrl.href } : {}),
    ...(staticCredentials ? { credentials: staticCredentials } : {}),
    maxAttempts: opts.maxAttempts ?? 1,
    requestHandler: { httpAgent, httpsAgent, connectionTimeout: 5_000, requestTimeout: opts.callTimeoutMs },
  });
  boundAnswers(client, MAX_ANSWER_BYTES, MAX_ANSWERS_BYTES);
  try {
    await client.config.credentials();
  } catch (err) {
    client.destroy();
    const c = classify(err, where, arn);
    throw new UserError(c.kind === 'error' && c.fatal ? c.line : `cannot load AWS credentials: ${brief((err as Error).message)}`);
  }

  const images: Image[] =
    opts.images.kind === 'bytes'
      ? opts.images.images.map((i) => ({ Bytes: i.bytes }))
      : opts.images.objects.map((o) => ({ S3Object: { Bucket: (opts.images as { bucket: string }).bucket, Name: o.key } }));

  const fail = (err: unknown): UserError => {
    const c = classify(err, where, arn);
    return new UserError(c.kind === 'error' ? c.line : `${where} throttled a describe call`);
  };

  return {
    kind: endpointUrl ? 'endpoint' : 'aws',
    endpoint: endpointUrl ? endpointUrl.origin : null,
    projectVersionArn: arn,
    region: parsed.region,
    async describe(): Promise<ModelState> {
      try {
        const projects = await client.send(new DescribeProjectsCommand({ ProjectNames: [parsed.project] }), {
          abortSignal: AbortSignal.timeout(opts.callTimeoutMs),
        });
        const projectArn = projects.ProjectDescriptions?.[0]?.ProjectArn;
        if (typeof projectArn !== 'string') throw new UserError(`model not found at ${where}: no project '${brief(parsed.project)}'`);
        const versions = await client.send(new DescribeProjectVersionsCommand({ ProjectArn: projectArn, VersionNames: [parsed.version] }), {
          abortSignal: AbortSignal.timeout(opts.callTimeoutMs),
        });
        const d = versions.ProjectVersionDescriptions?.[0];
        if (!d)
          throw new UserError(`model not found at ${where}: no version '${brief(parsed.version)}' in project '${brief(parsed.project)}'`);
        const answered = d as Record<string, unknown>;
        return {
          status: textFrom(answered.Status) ?? 'UNKNOWN',
          statusMessage: textFrom(answered.StatusMessage),
          minInferenceUnits: unitsFrom(answered.MinInferenceUnits, 'MinInferenceUnits', where),
          maxInferenceUnits: unitsFrom(answered.MaxInferenceUnits, 'MaxInferenceUnits', where),
        };
      } catch (err) {
        if (err instanceof UserError) throw err;
        if ((err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError')
          throw new UserError(`${where} did not answer DescribeProjects/DescribeProjectVersions within ${opts.callTimeoutMs / 1000} s`);
        throw fail(err);
      }
    },
    async detect(i: number, signal?: AbortSignal): Promise<Outcome> {
      const t0 = performance.now();
      // One signal per call: the step's abort and the call's own deadline. The SDK listens on it,
      // not on the step's signal, so a thousand calls in flight add no listeners there.
      const deadline = AbortSignal.timeout(opts.callTimeoutMs);
      const abortSignal = signal ? AbortSignal.any([signal, deadline]) : deadline;
      try {
        const out = await client.send(new DetectCustomLabelsCommand({ ProjectVersionArn: arn, Image: images[i % images.length]! }), {
          abortSignal,
        });
        const labels = Array.isArray(out.CustomLabels) ? out.CustomLabels : [];
        const boxes = labels.filter((l) => l?.Geometry?.BoundingBox !== undefined).length;
        return { kind: 'ok', latencyMs: performance.now() - t0, objects: boxes > 0 || labels.length === 0 ? boxes : null };
      } catch (err) {
        const latencyMs = performance.now() - t0;
        if (deadline.aborted && !signal?.aborted) {
          return {
            kind: 'error',
            name: 'timed out',
            server: true,
            latencyMs,
            line: `${where} did not answer a DetectCustomLabels call within ${opts.callTimeoutMs / 1000} s`,
            fatal: false,
          };
        }
        return { ...classify(err, where, arn), latencyMs };
      }
    },
    close(): void {
      client.destroy();
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
