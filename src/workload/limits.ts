import type { DescribedImage, Service } from './schema.js';

/**
 * Service limits on a single image, in one table. Source: Amazon Rekognition Custom Labels
 * developer guide, "Guidelines and quotas" (DetectCustomLabels): image bytes under 4 MB,
 * S3 objects up to 15 MB, each side 64-4096 px, aspect ratio at most 20:1.
 */
interface ImageLimits {
  maxBytesMb: number; // exclusive: bytes must be under this
  maxS3Mb: number; // inclusive
  minSidePx: number;
  maxSidePx: number;
  maxAspectRatio: number;
  source: string;
}

const IMAGE_LIMITS: Record<Service, ImageLimits | null> = {
  'rekognition-custom-labels': {
    maxBytesMb: 4.0,
    maxS3Mb: 15,
    minSidePx: 64,
    maxSidePx: 4096,
    maxAspectRatio: 20,
    source: 'Rekognition Custom Labels developer guide, guidelines and quotas',
  },
  // Lookout for Vision's DetectAnomalies is held to the same table: its own limits are not
  // stricter for the sizes people plan with, and the service is past end of support.
  'lookout-for-vision': {
    maxBytesMb: 4.0,
    maxS3Mb: 15,
    minSidePx: 64,
    maxSidePx: 4096,
    maxAspectRatio: 20,
    source: 'assumed equal to Rekognition Custom Labels',
  },
  custom: null,
};

interface LimitViolation {
  /** The key of the image class that breaks the limit, for pointing at its line. */
  key: 'size_mb' | 'width' | 'height' | 'source';
  message: string;
}

/** Pure check of one image class against its service's limits. */
export function checkImageLimits(service: Service, img: Pick<DescribedImage, 'width' | 'height' | 'size_mb' | 'source'>): LimitViolation[] {
  const lim = IMAGE_LIMITS[service];
  if (!lim) return [];
  const out: LimitViolation[] = [];
  if (img.source === 'bytes' && img.size_mb >= lim.maxBytesMb) {
    out.push({ key: 'size_mb', message: `${img.size_mb} MB passed as bytes must be under ${lim.maxBytesMb.toFixed(1)} MB (use source: s3 for larger images)` });
  }
  if (img.source === 's3' && img.size_mb > lim.maxS3Mb) {
    out.push({ key: 'size_mb', message: `${img.size_mb} MB exceeds the ${lim.maxS3Mb} MB limit for stored (S3) images` });
  }
  for (const side of ['width', 'height'] as const) {
    const px = img[side];
    if (px < lim.minSidePx || px > lim.maxSidePx) {
      out.push({ key: side, message: `${side} ${px} px is outside the ${lim.minSidePx}-${lim.maxSidePx} px the service accepts` });
    }
  }
  const ratio = Math.max(img.width, img.height) / Math.min(img.width, img.height);
  if (ratio > lim.maxAspectRatio) {
    out.push({ key: 'width', message: `aspect ratio ${ratio.toFixed(1)}:1 exceeds ${lim.maxAspectRatio}:1` });
  }
  return out;
}
