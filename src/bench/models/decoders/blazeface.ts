import { emptyCandidates } from '../nms.js';
import { badShape, finish, floatData, fmt, isStatic, type FormatProposal, type GraphFacts, type OutputDecoder } from './common.js';

/**
 * BlazeFace (MediaPipe's short-range face detector, as hollance/BlazeFace-PyTorch and its ONNX
 * exports give it): regressors [1, N, 16] (box offsets, then 6 keypoints, not read) and
 * classificators [1, N, 1] (logits). The anchors are MediaPipe's SsdAnchorsCalculator with
 * fixed_anchor_size, aspect ratio 1 plus the interpolated one: consecutive layers of one stride share
 * a ceil(W/s) × ceil(H/s) map with 2 anchors per layer at each cell, centre ((x + 0.5) / mapW,
 * (y + 0.5) / mapH), size 1 × 1; front model (128×128) strides 8, 16, 16, 16, back model (256×256)
 * 16, 32, 32, 32: both 896 anchors. As TensorsToDetectionsCalculator decodes them (scales = the input
 * size): centre = offset / size + anchor centre, size = offset / size; score = sigmoid(logit clipped
 * to ±100). MediaPipe blends overlapping boxes (weighted NMS); plain per-class NMS is used here.
 */

const EXPECTED = 'regressors [1, N, 4 + 2K] and classificators [1, N, 1] (N anchors)';
const FRONT_STRIDES = [8, 16, 16, 16];
const BACK_STRIDES = [16, 32, 32, 32];
const ANCHORS_PER_LAYER = 2;
const SCORE_CLIP = 100;

/** Anchor centres as fractions of the input, 2 values each, in the head's order. */
function anchorCentres(width: number, height: number, strides: readonly number[]): Float32Array {
  const values: number[] = [];
  for (let layer = 0; layer < strides.length;) {
    const stride = strides[layer]!;
    let sameStride = 0;
    while (strides[layer + sameStride] === stride) sameStride++;
    const mapW = Math.ceil(width / stride);
    const mapH = Math.ceil(height / stride);
    for (let y = 0; y < mapH; y++)
      for (let x = 0; x < mapW; x++)
        for (let k = 0; k < ANCHORS_PER_LAYER * sameStride; k++) values.push((x + 0.5) / mapW, (y + 0.5) / mapH);
    layer += sameStride;
  }
  return Float32Array.from(values);
}

const anchorCount = (width: number, height: number, strides: readonly number[]) =>
  strides.reduce((n, s) => n + Math.ceil(width / s) * Math.ceil(height / s) * ANCHORS_PER_LAYER, 0);

/** The default strides for an input: the back model's at 256, else the front model's. */
const stridesFor = (width: number | null, strides: readonly number[] | undefined) =>
  strides ?? (width === 256 ? BACK_STRIDES : FRONT_STRIDES);

function proposal(graph: GraphFacts): FormatProposal | null {
  if (graph.outputs.length !== 2) return null;
  const regressors = graph.outputs.find((o) => o.shape.length === 3 && o.shape[2] === 16);
  const scores = graph.outputs.find((o) => o.shape.length === 3 && o.shape[2] === 1);
  const { inputWidth: w, inputHeight: h } = graph;
  if (regressors === undefined || scores === undefined || w === null || h === null || w !== h) return null;
  const n = regressors.shape[1];
  if (!isStatic(n) || n !== scores.shape[1] || n !== anchorCount(w, h, stridesFor(w, undefined))) return null;
  return {
    task: 'detection',
    output: {
      format: 'blazeface',
      boxes: regressors.name,
      scores: scores.name,
      score_threshold: w === 256 ? 0.65 : 0.75,
      iou_threshold: 0.3,
    },
    // MediaPipe and hollance's BlazeFace feed RGB scaled to −1..1 (x / 127.5 − 1); its demos resize the photo to the square input.
    input: { color: 'RGB', scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1], resize: 'stretch' },
    guesses: [
      `outputs ${regressors.name} ${fmt(regressors.shape)} and ${scores.name} ${fmt(scores.shape)}: ${n} = the anchor count of MediaPipe's BlazeFace ${w === 256 ? 'back' : 'front'} model at ${w}x${h} (blazeface); RGB scaled to −1..1, stretched, score threshold ${w === 256 ? 0.65 : 0.75}, IoU 0.3 as its demo`,
    ],
    unknown: [],
  };
}

export const blazeface: OutputDecoder = {
  expectedShape: EXPECTED,
  outputsRead: (spec, names) => [spec.boxes ?? names[0], spec.scores ?? names[1]],
  shapeProblem(spec, ctx, shapes) {
    const [r = [], c = []] = shapes;
    const got = `${fmt(r)} and ${fmt(c)}`;
    const k = r[2];
    if (r.length !== 3 || c.length !== 3 || (k !== null && k !== undefined && (k < 4 || k % 2 !== 0)) || (c[2] !== null && c[2] !== 1))
      return badShape('blazeface', EXPECTED, got);
    if (r[1] !== null && c[1] !== null && r[1] !== c[1]) return badShape('blazeface', EXPECTED, got, '', ' (N differs)');
    const n = r[1] ?? c[1] ?? null;
    if (ctx.inputWidth === null || ctx.inputHeight === null || n === null) return null;
    const strides = stridesFor(ctx.inputWidth, spec.strides);
    const expected = anchorCount(ctx.inputWidth, ctx.inputHeight, strides);
    if (n === expected) return null;
    return badShape(
      'blazeface',
      EXPECTED,
      got,
      ` with N=${expected} anchors for ${ctx.inputWidth}x${ctx.inputHeight} and strides ${strides.join(',')}`,
      ' (set output.strides: 8, 16, 16, 16 for the 128x128 front model, 16, 32, 32, 32 for the 256x256 back model)',
    );
  },
  decode(tensors, spec, ctx, map) {
    const [r, s] = [floatData(tensors[0]!), floatData(tensors[1]!)];
    const k = tensors[0]!.dims.at(-1)!;
    const n = tensors[1]!.dims.at(-2)!;
    const { inputWidth: w, inputHeight: h } = ctx;
    const anchors = anchorCentres(w, h, stridesFor(w, spec.strides));
    const c = emptyCandidates();
    for (let i = 0; i < n; i++) {
      const score = 1 / (1 + Math.exp(-Math.min(SCORE_CLIP, Math.max(-SCORE_CLIP, s[i]!))));
      if (score < spec.score_threshold) continue;
      const cx = r[i * k]! + anchors[i * 2]! * w;
      const cy = r[i * k + 1]! + anchors[i * 2 + 1]! * h;
      const bw = r[i * k + 2]!;
      const bh = r[i * k + 3]!;
      c.boxes.push(cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2);
      c.scores.push(score);
      c.classes.push(0);
    }
    return { output: finish(c, spec, map), classCount: 1, cap: Math.min(spec.max_detections, n) };
  },
  propose: proposal,
};
