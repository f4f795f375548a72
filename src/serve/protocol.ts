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

/**
 * Image bytes DetectCustomLabels accepts: "the maximum image size you can pass to
 * DetectCustomLabels is 4MB" (Rekognition API reference, Image.Bytes); the Custom Labels guide
 * says "smaller than 4.0 MB". Held as 4.0 × 10^6 bytes, like every MB in capacity-plan, so a file
 * passes here only if it passes the planner's image limits too.
 */
export const MAX_IMAGE_BYTES = 4_000_000;

export interface AwsResponse {
  status: number;
  body: string;
  /** Set on the throttling answer, so the server can count it without reading the body. */
  throttled?: true;
}

/** One AWS JSON error: 400 for the caller's faults (throttling included, as the service answers), 500 for the server's. */
export function awsError(type: string, message: string, status = 400): AwsResponse {
  return { status, body: JSON.stringify({ __type: type, Message: message }) };
}

export const THROTTLED = (): AwsResponse => ({
  ...awsError('ProvisionedThroughputExceededException', 'every inference unit is busy: the request rate exceeds the provisioned throughput'),
  throttled: true,
});

export const DetectCustomLabelsRequestSchema = z.object({
  ProjectVersionArn: z.string().min(20),
  Image: z.object({ Bytes: z.string().optional(), S3Object: z.unknown().optional() }),
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
            Geometry: { BoundingBox: { Width: clamp(x2 / image.width) - left, Height: clamp(y2 / image.height) - top, Left: left, Top: top } },
          };
        });
  const kept = labels.filter((l) => l.Confidence >= (req.MinConfidence ?? 0)).sort((a, b) => b.Confidence - a.Confidence);
  return req.MaxResults !== undefined ? kept.slice(0, req.MaxResults) : kept;
}
