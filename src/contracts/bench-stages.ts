/**
 * The bench pipeline's stages and what each is fitted on: plain constants, shared by the result
 * schema, the fit and the prediction, so that planning reads them without building any schema.
 */

/** The pipeline's stages, in order; a sample's total is their sum. */
export const STAGES = ['decode', 'preprocess', 'infer', 'postprocess'] as const;
export type StageName = (typeof STAGES)[number];

/** What each stage is fitted on (see bench/stage-model.ts); in each list the factor more likely to be redundant comes last. */
export const STAGE_FACTORS = {
  decode: ['sourceMegapixels', 'sizeMb'],
  preprocess: ['sourceMegapixels', 'inputMegapixels'],
  // Convolutions cost more per pixel on bigger tensors (their feature maps outgrow the caches):
  // on ocr-det, CPU ms per input megapixel rose from ~160 at 0.1 MP to ~195 at 0.9 MP.
  infer: ['inputMegapixels', 'inputMegapixelsSquared'],
  postprocess: ['objects', 'inputMegapixels'],
} as const satisfies Record<StageName, readonly string[]>;
export type StageFactor = (typeof STAGE_FACTORS)[StageName][number];
export const STAGE_FACTOR_NAMES = [
  'sourceMegapixels',
  'sizeMb',
  'inputMegapixels',
  'inputMegapixelsSquared',
  'objects',
] as const satisfies readonly StageFactor[];
