import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { UserError } from '../core/errors.js';
import type { ImageSource } from './images.js';
import { parseS3Url } from './images.js';

/** Stored images the service reads itself: at most 15 MB each (Rekognition Custom Labels guidelines and quotas). */
const MAX_S3_IMAGE_BYTES = 15_000_000;
/** Enough distinct images for any step; listing stops here rather than walking a huge bucket. */
const MAX_KEYS = 1000;
const FORMATS: Record<string, string> = { '.jpg': 'jpeg', '.jpeg': 'jpeg', '.png': 'png' };

/** Lists JPEG/PNG keys under s3://bucket/prefix (in `region`, the model's: Rekognition reads S3 in its own region). */
export async function listS3Images(url: string, region: string, endpoint?: string): Promise<ImageSource & { kind: 's3' }> {
  const { bucket, prefix } = parseS3Url(url);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // as in target.ts
  const client = new S3Client({ region, maxAttempts: 3, ...(endpoint ? { endpoint, forcePathStyle: true } : {}) });
  const objects: Array<{ key: string; sizeMb: number; format: string }> = [];
  try {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: MAX_KEYS }),
      );
      for (const o of page.Contents ?? []) {
        const key = o.Key ?? '';
        const ext = /\.[^./]+$/.exec(key.toLowerCase())?.[0] ?? '';
        const format = FORMATS[ext];
        if (!format) continue;
        const size = o.Size ?? 0;
        if (size > MAX_S3_IMAGE_BYTES)
          throw new UserError(`s3://${bucket}/${key}: ${(size / 1e6).toFixed(1)} MB is over the 15 MB the service reads from S3`);
        if (size > 0) objects.push({ key, sizeMb: size / 1e6, format });
      }
      token = page.IsTruncated && objects.length < MAX_KEYS ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const e = err as { name?: string; message?: string };
    if (e.name === 'CredentialsProviderError')
      throw new UserError(
        'no AWS credentials found to list --s3 (the standard chain: environment, AWS_PROFILE and ~/.aws files, SSO, container or instance role)',
      );
    if (e.name === 'AccessDenied' || e.name === 'AccessDeniedException')
      throw new UserError(
        `access denied listing ${url}: the caller needs s3:ListBucket (and Rekognition needs s3:GetObject on the objects)`,
      );
    if (e.name === 'NoSuchBucket') throw new UserError(`--s3: no bucket '${bucket}'`);
    throw new UserError(`cannot list ${url}: ${e.name ?? 'Error'}: ${(e.message ?? '').split('\n')[0]!.slice(0, 200)}`);
  } finally {
    client.destroy();
  }
  if (objects.length === 0) throw new UserError(`--s3: no .jpg, .jpeg or .png objects under ${url}`);
  return { kind: 's3', location: url, bucket, objects };
}
