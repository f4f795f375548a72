/** Benchmark images: synthetic fixtures (cached on disk) and the user's own images_dir. */
export { cachedSynthesizeImage } from './cache.js';
export { DEFAULT_RESOLUTIONS, DEFAULT_SIZES_MB, defaultSizesMb } from './defaults.js';
export type { SynthImage } from './synth.js';
export { loadCorpusFolder, loadImagesDir, type CorpusFolder } from './user-images.js';
