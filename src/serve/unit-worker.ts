import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { UserError } from '../core/errors.js';
import { configureSharpForUnit } from '../bench/unit.js';
import { createSession, findingText, resolveModel } from '../bench/models/index.js';
import type { ModelSpec } from '../bench/models/index.js';
import { checkImageBytes } from '../workload/limits.js';
import { identityOf, notThisModel } from './describe.js';
import {
  awsError,
  DetectCustomLabelsRequestSchema,
  toCustomLabels,
  validationError,
  type AwsResponse,
  type DetectCustomLabelsRequest,
} from './protocol.js';

/**
 * One inference unit: a worker thread with its own onnxruntime session, serving one request at a
 * time. The request body is parsed here, not on the HTTP thread, so the server thread only moves
 * bytes and the units' work runs in parallel.
 */
export interface UnitWorkerInput {
  model: string | ModelSpec;
  baseDir: string;
  threads: number;
  /** The model version this fleet runs: a call naming another is ResourceNotFoundException. */
  projectVersionArn: string;
}

export type UnitMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; status: number; body: string; errorType?: string }
  | { type: 'fatal'; message: string }
  /** A plausibility check that failed on an image this unit decoded, sent once per check. */
  | { type: 'warning'; check: string; text: string };

const input = workerData as UnitWorkerInput;
const port = parentPort!;

try {
  configureSharpForUnit(input.threads);
  const adapter = await resolveModel(input.model, input.baseDir);
  const session = await createSession(adapter, input.threads);
  const spec = adapter.inputSpec['classes'];
  const classNames = Array.isArray(spec) ? spec.map(String) : [];

  const identity = identityOf(input.projectVersionArn);

  /** The request checked as the service checks it, up to the image bytes: an answer, or what to run. */
  function check(body: Uint8Array): AwsResponse | { bytes: Buffer; req: DetectCustomLabelsRequest } {
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    } catch {
      return awsError('SerializationException', 'the request body is not valid JSON');
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json))
      return validationError("Value null at 'projectVersionArn' failed to satisfy constraint: Member must not be null");
    const parsed = DetectCustomLabelsRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return validationError(
        `Value at '${issue.path.join('.').slice(0, 60) || 'request'}' failed to satisfy constraint: ${issue.message.slice(0, 120)}`,
      );
    }
    const req = parsed.data;
    const elsewhere = notThisModel(req.ProjectVersionArn, identity);
    if (elsewhere) return elsewhere;
    if (req.Image.Bytes === undefined && req.Image.S3Object === undefined)
      return awsError('InvalidParameterException', 'Request has invalid parameters: Image needs Bytes or S3Object');
    if (req.Image.Bytes === undefined)
      return awsError('InvalidParameterException', 'this endpoint (capacity-plan serve) takes Image.Bytes only; it cannot read S3 objects');
    const bytes = Buffer.from(req.Image.Bytes, 'base64');
    if (bytes.length === 0)
      return validationError("Value at 'image.bytes' failed to satisfy constraint: Member must have length greater than or equal to 1");
    // Format, bytes and dimensions from the header, before any decoder sees the image.
    const refusal = checkImageBytes(bytes);
    if (refusal) return awsError(refusal.exception, refusal.message);
    return { bytes, req };
  }

  async function detect(body: Uint8Array): Promise<AwsResponse> {
    const checked = check(body);
    if ('status' in checked) return checked;
    const { bytes, req } = checked;
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

  // A wrong suite entry still answers with well-formed labels: what the checks found is told once per
  // check, from the warm-up image on, so the operator sees it before trusting a load test.
  const reported = new Set<string>();
  const reportFindings = () => {
    for (const f of adapter.plausibility.findings()) {
      if (reported.has(f.check)) continue;
      reported.add(f.check);
      port.postMessage({ type: 'warning', check: f.check, text: findingText(f) } satisfies UnitMessage);
    }
  };

  // The first run of a session plans its buffers (tens of ms): done before the unit reports ready.
  const warm = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#808080' } })
    .jpeg()
    .toBuffer();
  await detect(Buffer.from(JSON.stringify({ ProjectVersionArn: input.projectVersionArn, Image: { Bytes: warm.toString('base64') } })));
  reportFindings();

  // One image at a time: requests that arrive while the unit is busy wait their turn here.
  let line: Promise<void> = Promise.resolve();
  port.on('message', (msg: { id: number; body: Uint8Array }) => {
    line = line
      .then(() => detect(msg.body))
      .then(
        (r) => {
          port.postMessage({ type: 'result', id: msg.id, ...r } satisfies UnitMessage);
          reportFindings();
        },
        (err: unknown) =>
          port.postMessage({
            type: 'result',
            id: msg.id,
            ...awsError('InternalServerError', String((err as Error)?.message ?? err).split('\n')[0]!, 500),
          } satisfies UnitMessage),
      );
  });
  port.postMessage({ type: 'ready' } satisfies UnitMessage);
} catch (err) {
  port.postMessage({
    type: 'fatal',
    message: err instanceof UserError ? err.message : String((err as Error)?.message ?? err),
  } satisfies UnitMessage);
}
