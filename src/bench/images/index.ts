/** Benchmark images: synthetic fixtures (cached on disk) and the user's own images_dir. */
export { cachedSynthesizeImage } from './cache.js';
export { defaultSizesMb } from './defaults.js';
export type { SynthImage } from './synth.js';
export { loadCorpusFolder, loadImagesDir, type CorpusFolder } from './user-images.js';
