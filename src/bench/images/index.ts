/** Benchmark images: synthetic fixtures (cached on disk) and the user's own images_dir. */
export { cachedSynthesizeImage, cacheKey, cacheStats, imageCacheDir } from './cache.js';
export { DEFAULT_OBJECTS, DEFAULT_RESOLUTIONS, DEFAULT_SIZES_MB, defaultSizesMb } from './defaults.js';
export { MAX_INPUT_PIXELS, readHeader, sharpFor } from './guard.js';
export { GENERATOR_VERSION, SIZE_TOLERANCE, parseSynthSpec, synthesizeImage } from './synth.js';
export type { SynthImage, SynthOutcome, SynthSpec } from './synth.js';
export { IMAGE_EXTENSIONS, loadImagesDir } from './user-images.js';
export type { UserImage } from './user-images.js';
