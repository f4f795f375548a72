import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { UserError } from '../core/errors.js';
import { configureSharpForUnit } from '../bench/unit.js';
import { createSession, resolveModel } from '../bench/models/index.js';
import type { ModelSpec } from '../bench/models/index.js';
import { awsError, DetectCustomLabelsRequestSchema, MAX_IMAGE_BYTES, toCustomLabels, type AwsResponse } from './protocol.js';

/**
 * One inference unit: a worker thread with its own onnxruntime session, serving one request at a
 * time. The request body is parsed here, not on the HTTP thread, so the server thread only moves
 * bytes and the units' work runs in parallel.
 */
export interface UnitWorkerInput {
  model: string | ModelSpec;
  baseDir: string;
  threads: number;
}

export type UnitMessage = { type: 'ready' } | { type: 'result'; id: number; status: number; body: string } | { type: 'fatal'; message: string };

const input = workerData as UnitWorkerInput;
const port = parentPort!;

try {
  configureSharpForUnit(input.threads);
  const adapter = await resolveModel(input.model, input.baseDir);
  const session = await createSession(adapter, input.threads);
  const spec = adapter.inputSpec['classes'];
  const classNames = Array.isArray(spec) ? spec.map(String) : [];

  async function detect(body: Uint8Array): Promise<AwsResponse> {
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    } catch {
      return awsError('SerializationException', 'the request body is not valid JSON');
    }
    const parsed = DetectCustomLabelsRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return awsError('InvalidParameterException', `${issue.path.join('.') || 'request'}: ${issue.message}`);
    }
    const req = parsed.data;
    if (req.Image.Bytes === undefined) {
      return awsError('InvalidParameterException', 'this endpoint (capacity-plan serve) takes Image.Bytes only; it cannot read S3 objects');
    }
    const bytes = Buffer.from(req.Image.Bytes, 'base64');
    if (bytes.length === 0) return awsError('InvalidParameterException', 'Image.Bytes is empty');
    if (bytes.length >= MAX_IMAGE_BYTES) return awsError('ImageTooLargeException', `image is ${(bytes.length / 1e6).toFixed(2)} MB; DetectCustomLabels takes image bytes under 4.0 MB`);
    let image;
    try {
      image = await adapter.decode(bytes, 'Image.Bytes');
    } catch (err) {
      if (err instanceof UserError) return awsError('InvalidImageFormatException', err.message);
      throw err;
    }
    const prepared = await adapter.preprocess(image);
    const outputs = await session.run(prepared.feeds);
    const output = adapter.postprocess(outputs, prepared.meta);
    return { status: 200, body: JSON.stringify({ CustomLabels: toCustomLabels(output, image, classNames, req) }) };
  }

  // The first run of a session plans its buffers (tens of ms): done before the unit reports ready.
  const warm = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#808080' } }).jpeg().toBuffer();
  await detect(Buffer.from(JSON.stringify({ ProjectVersionArn: 'warm-up'.padEnd(20, '-'), Image: { Bytes: warm.toString('base64') } })));

  // One image at a time: requests that arrive while the unit is busy wait their turn here.
  let line: Promise<void> = Promise.resolve();
  port.on('message', (msg: { id: number; body: Uint8Array }) => {
    line = line.then(() => detect(msg.body)).then(
      (r) => port.postMessage({ type: 'result', id: msg.id, ...r } satisfies UnitMessage),
      (err: unknown) => port.postMessage({ type: 'result', id: msg.id, ...awsError('InternalServerError', String((err as Error)?.message ?? err).split('\n')[0]!, 500) } satisfies UnitMessage),
    );
  });
  port.postMessage({ type: 'ready' } satisfies UnitMessage);
} catch (err) {
  port.postMessage({ type: 'fatal', message: err instanceof UserError ? err.message : String((err as Error)?.message ?? err) } satisfies UnitMessage);
}
