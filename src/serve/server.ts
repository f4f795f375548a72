import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeProjects, describeProjectVersions, type ServeIdentity } from './describe.js';
import type { Fleet } from './fleet.js';
import {
  awsError,
  JSON_CONTENT_TYPE,
  jsonDepthWithin,
  MAX_JSON_DEPTH,
  TARGET_PREFIX,
  THROTTLED,
  validationError,
  type AwsResponse,
} from './protocol.js';

/**
 * The HTTP side of `serve`, bounded before it buffers anything: the operation is known from the
 * header before the body is read; a body's size is checked from Content-Length and again while
 * it streams; a DetectCustomLabels call the fleet cannot take is throttled without buffering
 * its body; all bodies being read share one byte budget; every answer is capped in size and in
 * time. On close, every call still open is answered 503 before the sockets go.
 */

/** The API model's image blob maximum (5,242,880 bytes) in base64, plus the JSON around it. */
const MAX_DETECT_BODY_BYTES = Math.ceil((5_242_880 * 4) / 3) + 64 * 1024;
/** A Describe call names at most 10 projects or versions of 255 characters. */
const MAX_DESCRIBE_BODY_BYTES = 64 * 1024;
/** Bodies being read at once hold at most this much: 200 concurrent 7 MB bodies cannot take the memory. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** No answer is larger (a detector's few hundred boxes are tens of kB). */
const MAX_REPLY_BYTES = 4 * 1024 * 1024;
/** What an answer still being written gets to finish after close, before its socket is cut. */
const CLOSE_GRACE_MS = 1_000;

interface ServeCounters {
  served: number;
  throttled: number;
  failed: number;
}

export interface RunningServer {
  url: string;
  counters: ServeCounters;
  close(): Promise<void>;
}

export interface ServerOptions {
  identity: ServeIdentity;
  /** An answer not ready by then is a 500: the unit is stuck, and the caller should not wait. */
  callTimeoutMs: number;
}

type Operation = 'DetectCustomLabels' | 'DescribeProjects' | 'DescribeProjectVersions';
const OPERATIONS = new Set<string>(['DetectCustomLabels', 'DescribeProjects', 'DescribeProjectVersions']);

/** One call from arrival to answer; `answer` sends at most once, whoever calls it first. */
interface Call {
  res: ServerResponse;
  answered: boolean;
}

class ByteBudget {
  private used = 0;
  take(n: number): boolean {
    if (this.used + n > MAX_BUFFERED_BYTES) return false;
    this.used += n;
    return true;
  }
  give(n: number): void {
    this.used -= n;
  }
}

/**
 * Reads a body up to `limit` bytes within the budget; 'too-large' or 'busy' stop buffering and
 * drain the rest. A connection closed before the end gives its bytes back and settles as 'too-large'.
 */
function readBody(req: IncomingMessage, limit: number, budget: ByteBudget): Promise<Buffer | 'too-large' | 'busy'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let outcome: 'too-large' | 'busy' | undefined;
    let settled = false;
    const settle = (r: Buffer | 'too-large' | 'busy') => {
      if (settled) return;
      settled = true;
      budget.give(size);
      chunks.length = 0;
      resolve(r);
    };
    req.on('data', (c: Buffer) => {
      if (outcome) return;
      if (size + c.length > limit) outcome = 'too-large';
      else if (!budget.take(c.length)) outcome = 'busy';
      if (outcome) {
        // Answer now, not at the body's end (an endless body has none): stop reading, and the
        // connection is closed once the answer is out.
        budget.give(size);
        size = 0;
        req.pause();
        settle(outcome);
        return;
      }
      size += c.length;
      chunks.push(c);
    });
    req.on('end', () => settle(outcome ?? Buffer.concat(chunks, size)));
    req.on('error', () => settle('too-large'));
    req.on('close', () => settle(outcome ?? 'too-large'));
  });
}

/** A body read as a JSON object: `null` reads as no members, as the service's JSON protocol does. */
function parseObject(body: Buffer): { members: Record<string, unknown> } | { error: AwsResponse } {
  if (!jsonDepthWithin(body, MAX_JSON_DEPTH))
    return { error: awsError('SerializationException', `the request body nests JSON more than ${MAX_JSON_DEPTH} deep`) };
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    return { error: awsError('SerializationException', 'the request body is not valid JSON') };
  }
  if (v === null) return { members: {} };
  if (typeof v !== 'object' || Array.isArray(v))
    return { error: validationError("the request body must be a JSON object of the operation's input members") };
  return { members: v as Record<string, unknown> };
}

function send(res: ServerResponse, r: AwsResponse, close = false): void {
  const reply =
    Buffer.byteLength(r.body) > MAX_REPLY_BYTES
      ? awsError('InternalServerError', `the answer is over ${MAX_REPLY_BYTES / 1024 / 1024} MiB`, 500)
      : r;
  const headers: Record<string, string | number> = {
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(reply.body),
    'x-amzn-RequestId': randomUUID(),
  };
  if (reply.errorType) headers['x-amzn-ErrorType'] = reply.errorType;
  if (close) headers['Connection'] = 'close';
  res.writeHead(reply.status, headers);
  // A body still arriving is not read to its end: once the answer is out, the connection goes.
  res.end(reply.body, close ? () => res.socket?.destroy() : undefined);
}

function operationOf(req: IncomingMessage): Operation | AwsResponse {
  const target = String(req.headers['x-amz-target'] ?? '');
  if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
    return awsError('UnknownOperationException', 'expected POST / with X-Amz-Target: RekognitionService.<Operation>');
  }
  const operation = target.slice(TARGET_PREFIX.length);
  if (!OPERATIONS.has(operation)) {
    return awsError(
      'UnknownOperationException',
      `capacity-plan serve answers DetectCustomLabels, DescribeProjects and DescribeProjectVersions, not ${operation.slice(0, 40)}`,
    );
  }
  return operation as Operation;
}

/** The answer to one call; never throws for anything the caller sent. */
async function answer(
  req: IncomingMessage,
  fleet: Fleet,
  budget: ByteBudget,
  opts: ServerOptions,
): Promise<{ r: AwsResponse; close?: boolean }> {
  const operation = operationOf(req);
  if (typeof operation !== 'string') return { r: operation, close: true };
  const limit = operation === 'DetectCustomLabels' ? MAX_DETECT_BODY_BYTES : MAX_DESCRIBE_BODY_BYTES;
  const tooLarge = () =>
    operation === 'DetectCustomLabels'
      ? awsError('ImageTooLargeException', `request body over ${limit} bytes: image bytes are at most 5,242,880 bytes`)
      : validationError(`the request body is over ${limit} bytes`);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return { r: tooLarge(), close: true };
  // The fleet cannot take it: throttle now and drain the body without keeping it.
  if (operation === 'DetectCustomLabels' && !fleet.canAccept()) {
    req.resume();
    await new Promise((resolve) => req.once('end', resolve).once('error', resolve).once('close', resolve));
    return { r: THROTTLED() };
  }
  const body = await readBody(req, limit, budget);
  if (body === 'too-large') return { r: tooLarge(), close: true };
  if (body === 'busy')
    return { r: awsError('ThrottlingException', 'too many request bodies are being received at once; slow down'), close: true };
  if (operation === 'DetectCustomLabels') {
    if (!jsonDepthWithin(body, MAX_JSON_DEPTH))
      return { r: awsError('SerializationException', `the request body nests JSON more than ${MAX_JSON_DEPTH} deep`) };
    // The unit parses the body: this thread only routes it.
    return { r: await fleet.submit(body) };
  }
  const json = parseObject(body);
  if ('error' in json) return { r: json.error };
  if (operation === 'DescribeProjects') return { r: describeProjects(json.members, opts.identity) };
  return { r: describeProjectVersions(json.members, opts.identity, fleet.units, fleet.warnings) };
}

function count(counters: ServeCounters, r: AwsResponse): void {
  if (r.status === 200) counters.served++;
  else if (r.throttled) counters.throttled++;
  else counters.failed++;
}

/** An HTTP server for the fleet on host:port (port 0: any free port). Resolves once listening. */
export async function startServer(fleet: Fleet, host: string, port: number, opts: ServerOptions): Promise<RunningServer> {
  const counters: ServeCounters = { served: 0, throttled: 0, failed: 0 };
  const open = new Set<Call>();
  const budget = new ByteBudget();
  let closing = false;
  const finish = (call: Call, r: AwsResponse, close = false) => {
    if (call.answered) return;
    call.answered = true;
    open.delete(call);
    count(counters, r);
    if (!call.res.destroyed) send(call.res, r, close || closing);
  };
  const server: Server = createServer((req, res) => {
    const call: Call = { res, answered: false };
    if (closing) return finish(call, awsError('ServiceUnavailableException', 'the server is shutting down', 503), true);
    open.add(call);
    const timer = setTimeout(
      () => finish(call, awsError('InternalServerError', `no answer within ${opts.callTimeoutMs / 1000} s`, 500), true),
      opts.callTimeoutMs,
    );
    res.once('close', () => {
      clearTimeout(timer);
      open.delete(call);
    });
    answer(req, fleet, budget, opts).then(
      ({ r, close }) => finish(call, r, close),
      (err: unknown) =>
        finish(
          call,
          awsError(
            'InternalServerError',
            String((err as Error)?.message ?? err)
              .split('\n')[0]!
              .slice(0, 200),
            500,
          ),
        ),
    );
  });
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    counters,
    close: async () => {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const call of [...open]) finish(call, awsError('ServiceUnavailableException', 'the server is shutting down', 503), true);
      server.closeIdleConnections();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
      await Promise.race([closed, grace]);
      server.closeAllConnections();
      await closed;
    },
  };
}
