import sharp from 'sharp';

/**
 * One unit = one ORT session with `threads` intra-op threads and sharp limited to the same,
 * fed one image at a time. sharp's operation cache is off so a repeated image is really decoded
 * again, as a serving unit decodes every request.
 */
export function configureSharpForUnit(threads: number): void {
  sharp.concurrency(threads);
  sharp.cache(false);
}
