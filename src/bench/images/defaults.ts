/**
 * Default file sizes (MB, 10^6 bytes) per default resolution, two or three per resolution, spread
 * about 2x apart so the cost model can separate file size from pixel count. Each lies inside what
 * the generator reaches with little extra texture (measured: 640x480 reaches 0.26 MB at most,
 * 1280x720 0.75, 1920x1080 1.7, 3840x2160 6.5; the smallest reachable are 0.07 MB at 1920x1080 and
 * 0.22 MB at 3840x2160), and near what cameras and phones produce at that resolution.
 */
export const DEFAULT_SIZES_MB: Readonly<Record<string, readonly number[]>> = {
  '640x480': [0.05, 0.1, 0.2],
  '1280x720': [0.1, 0.2, 0.5],
  '1920x1080': [0.2, 0.5, 1],
  '3840x2160': [1, 2, 4],
};

/** The default resolutions, in the order a sweep runs them. */
export const DEFAULT_RESOLUTIONS: ReadonlyArray<{ width: number; height: number }> = [
  { width: 640, height: 480 },
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
];

/** Sizes for a resolution: the default list when it is a default resolution, else scaled by pixel count from 1920x1080's. */
export function defaultSizesMb(width: number, height: number): number[] {
  const known = DEFAULT_SIZES_MB[`${width}x${height}`];
  if (known) return [...known];
  const scale = (width * height) / (1920 * 1080);
  return [0.2, 0.5, 1].map((mb) => Math.round(mb * scale * 1000) / 1000);
}
