import { emptyCandidates, type Candidates } from '../nms.js';
import type { ModelOutputSpec } from '../spec.js';
import { anchorCount } from './yolo-rows.js';
import { badShape, finish, floatData, fmt, isStatic, type DecodeContext, type Dim, type GraphFacts, type OutputDecoder } from './common.js';

/**
 * NanoDet heads. NanoDet-Plus exports one output [1, N, C + 4 × (reg_max + 1)] over strides 8, 16,
 * 32, 64: sigmoid class scores, then for each side a distribution over reg_max + 1 distance bins
 * (softmax, expectation, × stride) from the anchor point (x·s, y·s). The original NanoDet exports
 * a class output [1?, N, C] and a distance output [1?, N, 4 × (reg_max + 1)] (or [1?, N, 4],
 * distances already in strides) per stride 8, 16, 32, anchor points at the cell centre, as its demo
 * code (hpc203/nanodet-opncv-dnn-cpp-python) places them: x·s + (s − 1) / 2.
 */

const EXPECTED =
  'one output [1, N, C + 4×(reg_max+1)] (NanoDet-Plus), or per stride class scores [1, N, C] and distances [1, N, 4×(reg_max+1)] (NanoDet)';
const NANODET_PLUS_STRIDES = [8, 16, 32, 64] as const;
const NANODET_STRIDES = [8, 16, 32] as const;

interface Level {
  /** Index of the class output and the distance output among the tensors read. */
  cls: number;
  reg: number;
  rows: Dim;
}

/** Per-stride outputs paired by row count, most rows (finest stride) first; null when they don't pair up. */
function nanodetLevels(shapes: readonly (readonly Dim[])[], regMax: number): { levels: Level[]; classes: Dim } | null {
  const last = (s: readonly Dim[]) => s.at(-1) ?? null;
  const rowsOf = (s: readonly Dim[]) => s.at(-2) ?? null;
  const bins = 4 * (regMax + 1);
  const reg = shapes.map((s, i) => ({ s, i })).filter(({ s }) => last(s) === bins || last(s) === 4);
  const cls = shapes.map((s, i) => ({ s, i })).filter(({ s }) => !reg.some((r) => r.s === s));
  if (reg.length === 0 || reg.length !== cls.length || shapes.some((s) => s.length < 2 || s.length > 3)) return null;
  const classes = last(cls[0]!.s);
  if (cls.some(({ s }) => last(s) !== classes)) return null;
  const levels: Level[] = [];
  for (const c of cls) {
    const r = reg.find((x) => rowsOf(x.s) === rowsOf(c.s) && !levels.some((l) => l.reg === x.i));
    if (r === undefined) return null;
    levels.push({ cls: c.i, reg: r.i, rows: rowsOf(c.s) });
  }
  return { levels: levels.sort((a, b) => (b.rows ?? 0) - (a.rows ?? 0)), classes };
}

/** Expected distance over reg_max + 1 bins (softmax of the logits), in strides. */
function distance(d: Float32Array, at: number, bins: number): number {
  let max = -Infinity;
  for (let j = 0; j < bins; j++) max = Math.max(max, d[at + j]!);
  let sum = 0,
    weighted = 0;
  for (let j = 0; j < bins; j++) {
    const e = Math.exp(d[at + j]! - max);
    sum += e;
    weighted += e * j;
  }
  return weighted / sum;
}

interface Head {
  cls: Float32Array;
  clsStride: number;
  clsAt: number;
  reg: Float32Array;
  regStride: number;
  regAt: number;
  rows: number;
  classes: number;
  regValues: number;
  stride: number;
  offset: number;
}

/** One stride level's anchors → candidates above the threshold. */
function decodeLevel(c: Candidates, h: Head, spec: ModelOutputSpec, ctx: DecodeContext, firstCell: number): void {
  const gridW = Math.floor(ctx.inputWidth / h.stride);
  const bins = h.regValues / 4;
  for (let i = 0; i < h.rows; i++) {
    const ci = h.clsAt + i * h.clsStride;
    let best = 0,
      bestScore = -Infinity;
    for (let j = 0; j < h.classes; j++)
      if (h.cls[ci + j]! > bestScore) {
        bestScore = h.cls[ci + j]!;
        best = j;
      }
    if (bestScore < spec.score_threshold) continue;
    const cell = i + firstCell;
    const cx = (cell % gridW) * h.stride + h.offset;
    const cy = Math.floor(cell / gridW) * h.stride + h.offset;
    const ri = h.regAt + i * h.regStride;
    const side = (k: number) => (bins === 1 ? h.reg[ri + k]! : distance(h.reg, ri + k * bins, bins)) * h.stride;
    c.boxes.push(cx - side(0), cy - side(1), cx + side(2), cy + side(3));
    c.scores.push(bestScore);
    c.classes.push(best);
  }
}

export const nanodet: OutputDecoder = {
  expectedShape: EXPECTED,
  outputsRead: (_spec, names) => [...names],
  shapeProblem(spec, ctx, shapes) {
    const got = shapes.map(fmt).join(', ');
    if (shapes.length === 1) {
      const s = shapes[0]!;
      const classes = s.length === 3 && s[2] !== null ? s[2]! - 4 * (spec.reg_max + 1) : null;
      if (s.length !== 3 || (classes !== null && classes < 1)) return badShape('nanodet', EXPECTED, got);
      if (spec.num_classes !== undefined && classes !== null && classes !== spec.num_classes)
        return badShape('nanodet', EXPECTED, got, ` with C=${spec.num_classes} and reg_max ${spec.reg_max}`);
      const strides = spec.strides ?? NANODET_PLUS_STRIDES;
      if (
        ctx.inputWidth !== null &&
        ctx.inputHeight !== null &&
        s[1] !== null &&
        s[1] !== anchorCount(ctx.inputWidth, ctx.inputHeight, strides)
      ) {
        return badShape(
          'nanodet',
          EXPECTED,
          got,
          ` with N=${anchorCount(ctx.inputWidth, ctx.inputHeight, strides)} for ${ctx.inputWidth}x${ctx.inputHeight} and strides ${strides.join(',')}`,
        );
      }
      return null;
    }
    const paired = nanodetLevels(shapes, spec.reg_max);
    if (paired === null)
      return badShape(
        'nanodet',
        EXPECTED,
        got,
        '',
        ` (class and distance outputs must pair up by rows; distances have 4 or 4×(reg_max+1) = ${4 * (spec.reg_max + 1)} values)`,
      );
    if ((spec.strides ?? NANODET_STRIDES).length !== paired.levels.length)
      return badShape(
        'nanodet',
        EXPECTED,
        got,
        ` with ${paired.levels.length} stride levels (output.strides has ${(spec.strides ?? NANODET_STRIDES).length})`,
      );
    return null;
  },
  decode(tensors, spec, ctx, map) {
    const c = emptyCandidates();
    let classes: number;
    if (tensors.length === 1) {
      const t = tensors[0]!;
      const d = floatData(t);
      const [rows, k] = t.dims.slice(-2) as [number, number];
      classes = k - 4 * (spec.reg_max + 1);
      let first = 0;
      for (const stride of spec.strides ?? NANODET_PLUS_STRIDES) {
        const levelRows = anchorCount(ctx.inputWidth, ctx.inputHeight, [stride]);
        decodeLevel(
          c,
          {
            cls: d,
            clsStride: k,
            clsAt: first * k,
            reg: d,
            regStride: k,
            regAt: first * k + classes,
            rows: Math.min(levelRows, rows - first),
            classes,
            regValues: k - classes,
            stride,
            offset: 0,
          },
          spec,
          ctx,
          0,
        );
        first += levelRows;
      }
    } else {
      const paired = nanodetLevels(
        tensors.map((t) => t.dims),
        spec.reg_max,
      )!;
      classes = paired.classes as number;
      const strides = spec.strides ?? NANODET_STRIDES;
      paired.levels.forEach((level, i) => {
        const cls = tensors[level.cls]!;
        const reg = tensors[level.reg]!;
        const regValues = reg.dims.at(-1)!;
        const stride = strides[i]!;
        decodeLevel(
          c,
          {
            cls: floatData(cls),
            clsStride: classes,
            clsAt: 0,
            reg: floatData(reg),
            regStride: regValues,
            regAt: 0,
            rows: cls.dims.at(-2)!,
            classes,
            regValues,
            stride,
            offset: (stride - 1) / 2,
          },
          spec,
          ctx,
          0,
        );
      });
    }
    return { output: finish(c, spec, map), classCount: classes, cap: spec.max_detections };
  },
  propose: proposeNanodet,
};

function proposeNanodet(graph: GraphFacts): ReturnType<OutputDecoder['propose']> {
  const { inputWidth: w, inputHeight: h, outputs } = graph;
  const norm = {
    color: 'BGR' as const,
    scale: 1,
    mean: [103.53, 116.28, 123.675] as [number, number, number],
    std: [57.375, 57.12, 58.395] as [number, number, number],
  };
  const normGuess = "NanoDet's normalisation: BGR, mean 103.53/116.28/123.675, std 57.375/57.12/58.395 on 0..255";
  if (outputs.length === 1 && w !== null && h !== null) {
    const s = outputs[0]!.shape;
    const k = s[2];
    if (s.length !== 3 || !isStatic(k) || s[1] !== anchorCount(w, h, NANODET_PLUS_STRIDES) || k <= 32) return null;
    return {
      task: 'detection',
      output: { format: 'nanodet', num_classes: k - 32, score_threshold: 0.35, iou_threshold: 0.6 },
      input: { ...norm, resize: 'stretch' },
      guesses: [
        `output ${outputs[0]!.name} ${fmt(s)}: ${s[1]} rows = the anchor points of a ${w}x${h} input at strides 8, 16, 32, 64, ${k - 32} class scores + 4×8 distance bins: a NanoDet-Plus head (nanodet)`,
        `${normGuess}, stretched (keep_ratio false)`,
      ],
      unknown: [],
    };
  }
  const shapes = outputs.map((o) => o.shape.map((d) => (isStatic(d) ? d : null)));
  const paired = outputs.length >= 4 ? nanodetLevels(shapes, 7) : null;
  if (paired === null || paired.classes === null || paired.levels.length !== NANODET_STRIDES.length) return null;
  if (w !== null && h !== null && paired.levels.some((l, i) => l.rows !== null && l.rows !== anchorCount(w, h, [NANODET_STRIDES[i]!])))
    return null;
  return {
    task: 'detection',
    output: { format: 'nanodet', num_classes: paired.classes, score_threshold: 0.4, iou_threshold: 0.5 },
    input: { ...norm, resize: 'letterbox', pad_value: 0 },
    guesses: [
      `${outputs.length} outputs paired by rows into 3 stride levels of ${paired.classes} class scores and box distances: a NanoDet head (nanodet; output names are not trusted, shapes are)`,
      `${normGuess}, letterboxed with 0 as its demo does`,
    ],
    unknown: [],
  };
}
