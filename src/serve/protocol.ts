import * as z from 'zod';
import type { ModelOutput } from '../bench/models/types.js';

/**
 * The part of Amazon Rekognition's wire protocol that a load test needs, as `serve` speaks it.
 * Rekognition uses the AWS JSON 1.1 protocol: every call is `POST /` with the operation in the
 * `X-Amz-Target: RekognitionService.<Operation>` header and a JSON body
 * (`Content-Type: application/x-amz-json-1.1`); blobs are base64 strings, timestamps epoch
 * seconds. Errors are HTTP 4xx/5xx with a JSON body whose `__type` names the exception and whose
 * `Message` says why (the shapes of @aws-sdk/client-rekognition's models: Message, Code, Logref).
 */

export const TARGET_PREFIX = 'RekognitionService.';
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** The model version `serve` runs unless told another (`loadtest --endpoint` uses the same by default). */
export const LOCAL_ARN = 'arn:aws:rekognition:us-east-1:000000000000:project/capacity-plan-serve/version/capacity-plan-serve.serve/1';

/** The API model's ProjectVersionArn and ProjectArn patterns (Rekognition service-2.json). */
export const PROJECT_VERSION_ARN =
  /^arn:[a-z\d-]+:rekognition:[a-z\d-]+:\d{12}:project\/[a-zA-Z0-9_.-]{1,255}\/version\/[a-zA-Z0-9_.-]{1,255}\/[0-9]+$/;
export const PROJECT_ARN = /^arn:[a-z\d-]+:rekognition:[a-z\d-]+:\d{12}:project\/[a-zA-Z0-9_.-]{1,255}\/[0-9]+$/;

export interface AwsResponse {
  status: number;
  body: string;
  /** The exception's name, sent as `x-amzn-ErrorType` as the service does (the SDK reads either). */
  errorType?: string;
  /** Set on the throttling answer, so the server can count it without reading the body. */
  throttled?: true;
}

/**
 * One AWS JSON error: 400 for the caller's faults (throttling included, as the service answers),
 * 500 for the server's. The body carries `__type`, `Code` and `Message`, as Rekognition's
 * exceptions do (their shapes have Message, Code and Logref).
 */
export function awsError(type: string, message: string, status = 400): AwsResponse {
  return { status, errorType: type, body: JSON.stringify({ __type: type, Code: type, Message: message }) };
}

/** A constraint of the API model broken, worded as AWS's request validation words it. */
export function validationError(what: string): AwsResponse {
  return awsError('ValidationException', `1 validation error detected: ${what}`);
}

export const THROTTLED = (): AwsResponse => ({
  ...awsError(
    'ProvisionedThroughputExceededException',
    'every inference unit is busy: the request rate exceeds the provisioned throughput',
  ),
  throttled: true,
});

/** JSON nesting of a request body, counted without parsing it; stops counting past `max`. */
export function jsonDepthWithin(body: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return false;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return true;
}

/** Request bodies nest at most this deep (DetectCustomLabels: 3); deeper is refused before JSON.parse. */
export const MAX_JSON_DEPTH = 16;

/** DetectCustomLabels' input members with the API model's constraints. */
export const DetectCustomLabelsRequestSchema = z.looseObject({
  ProjectVersionArn: z.string().min(20).max(2048).regex(PROJECT_VERSION_ARN),
  Image: z.looseObject({ Bytes: z.string().optional(), S3Object: z.unknown().optional() }),
  MaxResults: z.number().int().nonnegative().optional(),
  MinConfidence: z.number().min(0).max(100).optional(),
});

export type DetectCustomLabelsRequest = z.infer<typeof DetectCustomLabelsRequestSchema>;

interface CustomLabel {
  Name: string;
  Confidence: number;
  Geometry?: { BoundingBox: { Width: number; Height: number; Left: number; Top: number } };
}

/**
 * The model's answer as Custom Labels gives it: classification → image-level labels (no
 * Geometry), detection → one label per box with a BoundingBox as fractions of the image's width
 * and height. Confidence is 0–100. Sorted by confidence, filtered by MinConfidence, cut at MaxResults.
 */
export function toCustomLabels(
  output: ModelOutput,
  image: { width: number; height: number },
  classNames: readonly string[],
  req: { MinConfidence?: number | undefined; MaxResults?: number | undefined },
): CustomLabel[] {
  const name = (classId: number) => classNames[classId] ?? String(classId);
  const labels: CustomLabel[] =
    output.kind === 'classification'
      ? output.top.map((t) => ({ Name: name(t.classId), Confidence: t.score * 100 }))
      : output.detections.map((d) => {
          const [x1, y1, x2, y2] = d.box;
          const clamp = (v: number) => Math.min(1, Math.max(0, v));
          const left = clamp(x1 / image.width);
          const top = clamp(y1 / image.height);
          return {
            Name: name(d.classId),
            Confidence: d.score * 100,
            Geometry: {
              BoundingBox: { Width: clamp(x2 / image.width) - left, Height: clamp(y2 / image.height) - top, Left: left, Top: top },
            },
          };
        });
  // The operation's documentation: labels "with a confidence that's higher than" MinConfidence,
  // and 0 returns every label.
  const min = req.MinConfidence ?? 0;
  const kept = labels.filter((l) => min === 0 || l.Confidence > min).sort((a, b) => b.Confidence - a.Confidence);
  return req.MaxResults !== undefined ? kept.slice(0, req.MaxResults) : kept;
}
