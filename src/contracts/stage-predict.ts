import type { StageModel } from './bench.js';
import { STAGE_FACTORS, STAGES, type StageFactor, type StageName } from './bench-stages.js';

/**
 * Prediction from a fitted per-stage model (bench/stage-model.ts fits it): plain arithmetic, apart from
 * the fitting so that planning never loads the linear-algebra library (a light install plans
 * without the measurement stack).
 */

/** An image as the per-stage model sees it. */
export interface StageFeatures {
  sourceMegapixels: number;
  sizeMb: number;
  /** The model-input tensor's spatial size in megapixels (width × height / 10^6). */
  inputMegapixels: number;
  objects: number;
}

export interface StagePrediction {
  stagesMs: Record<StageName, number>;
  totalMs: number;
}

/** A factor's value for an image: the features, and the input's square for the infer term's curvature. */
function factorValue(x: StageFeatures, f: StageFactor): number {
  return f === 'inputMegapixelsSquared' ? x.inputMegapixels ** 2 : x[f];
}

/** Per-stage ms for an image, and their sum. A stage is never predicted below 0 ms. */
export function predictStages(stages: StageModel['stages'], x: StageFeatures): StagePrediction {
  const stagesMs = {} as Record<StageName, number>;
  let totalMs = 0;
  for (const stage of STAGES) {
    const fit = stages[stage];
    let ms = fit.interceptMs;
    for (const f of STAGE_FACTORS[stage]) ms += (fit.slopes[f] ?? 0) * factorValue(x, f);
    stagesMs[stage] = Math.max(0, ms);
    totalMs += stagesMs[stage];
  }
  return { stagesMs, totalMs };
}

const FACTOR_LABEL: Record<StageFactor, (x: StageFeatures) => string> = {
  sourceMegapixels: (x) => `${x.sourceMegapixels.toFixed(3)} MP`,
  sizeMb: (x) => `${+x.sizeMb.toFixed(3)} MB`,
  inputMegapixels: (x) => `${x.inputMegapixels.toFixed(3)} input MP`,
  inputMegapixelsSquared: (x) => `${x.inputMegapixels.toFixed(3)}² input MP²`,
  objects: (x) => `${x.objects} obj`,
};

/**
 * The prediction written out: each stage's formula with the numbers in it, then the sum,
 * e.g. "decode 2.10 + 4.30×2.074 MP + 6.00×0.5 MB = 14.02; infer 31.2 + 161.5×0.522 input MP = 115.5; … = 140.1 ms".
 */
export function stageDerivation(stages: StageModel['stages'], x: StageFeatures): string {
  const p = predictStages(stages, x);
  const parts = STAGES.map((stage) => {
    const fit = stages[stage];
    const terms = STAGE_FACTORS[stage]
      .filter((f) => (fit.slopes[f] ?? 0) !== 0)
      .map((f) => `${fit.slopes[f]!.toFixed(2)}×${FACTOR_LABEL[f](x)}`);
    return `${stage} ${[fit.interceptMs.toFixed(2), ...terms].join(' + ')} = ${p.stagesMs[stage].toFixed(2)}`;
  });
  return `${parts.join('; ')}; ms = ${STAGES.map((s) => p.stagesMs[s].toFixed(2)).join(' + ')} = ${p.totalMs.toFixed(2)} ms`;
}
