import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fleet } from './fleet.js';
import { awsError, JSON_CONTENT_TYPE, TARGET_PREFIX, type AwsResponse } from './protocol.js';

/** The largest request body read: a 4 MB image is 5.4 MB in base64, plus the JSON around it. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** The project every ARN resolves to when a caller names none (e.g. DescribeProjects without names). */
const DEFAULT_PROJECT = 'capacity-plan-serve';
const ACCOUNT_ARN = 'arn:aws:rekognition:us-east-1:000000000000';
/** Fixed, so DescribeProjectVersions answers the same on every call. */
const CREATED_S = Math.floor(Date.now() / 1000);

export interface ServeCounters {
  served: number;
  throttled: number;
  failed: number;
}

export interface RunningServer {
  url: string;
  counters: ServeCounters;
  close(): Promise<void>;
}

function describeProjects(body: { ProjectNames?: unknown }): AwsResponse {
  const names = Array.isArray(body.ProjectNames) && body.ProjectNames.length > 0 ? body.ProjectNames.map(String) : [DEFAULT_PROJECT];
  return {
    status: 200,
    body: JSON.stringify({
      ProjectDescriptions: names.map((name) => ({ ProjectArn: `${ACCOUNT_ARN}:project/${name}/1`, CreationTimestamp: CREATED_S, Status: 'CREATED', Feature: 'CUSTOM_LABELS' })),
    }),
  };
}

function describeProjectVersions(body: { ProjectArn?: unknown; VersionNames?: unknown }, units: number): AwsResponse {
  if (typeof body.ProjectArn !== 'string') return awsError('InvalidParameterException', 'ProjectArn is required');
  const project = /:project\/([^/]+)\//.exec(body.ProjectArn)?.[1] ?? DEFAULT_PROJECT;
  const versions = Array.isArray(body.VersionNames) && body.VersionNames.length > 0 ? body.VersionNames.map(String) : [`${project}.serve`];
  return {
    status: 200,
    body: JSON.stringify({
      ProjectVersionDescriptions: versions.map((v) => ({
        ProjectVersionArn: `${ACCOUNT_ARN}:project/${project}/version/${v}/1`,
        CreationTimestamp: CREATED_S,
        Status: 'RUNNING',
        StatusMessage: 'The model is running (capacity-plan serve).',
        MinInferenceUnits: units,
        MaxInferenceUnits: units,
      })),
    }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body.toString('utf8') || '{}');
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function answer(req: IncomingMessage, fleet: Fleet): Promise<AwsResponse> {
  const target = String(req.headers['x-amz-target'] ?? '');
  if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
    return awsError('UnknownOperationException', 'expected POST / with X-Amz-Target: RekognitionService.<Operation>');
  }
  const body = await readBody(req);
  if (body === undefined) return awsError('ImageTooLargeException', `request body over ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
  const operation = target.slice(TARGET_PREFIX.length);
  // DetectCustomLabels' body goes to a unit as bytes: the unit parses it, this thread only routes.
  if (operation === 'DetectCustomLabels') return fleet.submit(body);
  const json = parseJson(body);
  if (json === undefined) return awsError('SerializationException', 'the request body is not a JSON object');
  if (operation === 'DescribeProjects') return describeProjects(json);
  if (operation === 'DescribeProjectVersions') return describeProjectVersions(json, fleet.units);
  return awsError('UnknownOperationException', `capacity-plan serve answers DetectCustomLabels, DescribeProjects and DescribeProjectVersions, not ${operation}`);
}

function send(res: ServerResponse, r: AwsResponse): void {
  res.writeHead(r.status, { 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(r.body), 'x-amzn-RequestId': randomUUID() });
  res.end(r.body);
}

/** An HTTP server for the fleet on host:port (port 0: any free port). Resolves once listening. */
export async function startServer(fleet: Fleet, host: string, port: number): Promise<RunningServer> {
  const counters: ServeCounters = { served: 0, throttled: 0, failed: 0 };
  const server: Server = createServer((req, res) => {
    answer(req, fleet).then(
      (r) => {
        if (r.status === 200) counters.served++;
        else if (r.throttled) counters.throttled++;
        else counters.failed++;
        send(res, r);
      },
      (err: unknown) => {
        counters.failed++;
        send(res, awsError('InternalServerError', String((err as Error)?.message ?? err), 500));
      },
    );
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    counters,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
