import type { Tensor } from 'onnxruntime-node';
import { emptyCandidates, type Candidates } from '../nms.js';
import { BOX_COLUMNS, REQUIRED_BOX_COLUMNS, type BoxColumn, type ModelOutputSpec } from '../spec.js';
import { anchorCount, YOLOX_STRIDES } from './yolo-rows.js';
import {
  badShape,
  floatData,
  fmt,
  is,
  isStatic,
  keepBest,
  numberData,
  type DecodeContext,
  type GraphFacts,
  type OutputDecoder,
} from './common.js';

/**
 * Rows of boxes after NMS inside the graph ([1, N, K] or [N, K]): YOLOv8/YOLO11/YOLOv10 end-to-end
 * exports (x1, y1, x2, y2, score, class), exports with a batch index, PaddleDetection's (class,
 * score, x1, y1, x2, y2, with a count output). Rows of another image in the batch, with a negative
 * class (PaddleDetection's "no box" row), past the count, or below the threshold (zero padding) are skipped.
 */

const EXPECTED = '[1, N, K] or [N, K], K = 6 (x1, y1, x2, y2, score, class) or 7 (batch first)';

/** A boxes-scored row's columns: declared, or the common layouts for 6 and 7 values. */
function boxColumns(spec: Pick<ModelOutputSpec, 'columns'>, valuesPerRow: number | null): readonly BoxColumn[] | null {
  if (spec.columns !== undefined) return spec.columns;
  if (valuesPerRow === 6) return ['x1', 'y1', 'x2', 'y2', 'score', 'class'];
  if (valuesPerRow === 7) return ['batch', 'x1', 'y1', 'x2', 'y2', 'score', 'class'];
  return null;
}

/** Words exporters use in an output's name for each column (`batchno_classid_score_x1y1x2y2`). */
const NAME_WORDS: Record<string, readonly BoxColumn[]> = {
  batch: ['batch'],
  batchno: ['batch'],
  batchid: ['batch'],
  image: ['batch'],
  class: ['class'],
  classid: ['class'],
  cls: ['class'],
  label: ['class'],
  labels: ['class'],
  category: ['class'],
  score: ['score'],
  scores: ['score'],
  conf: ['score'],
  confidence: ['score'],
  x1y1x2y2: ['x1', 'y1', 'x2', 'y2'],
  xyxy: ['x1', 'y1', 'x2', 'y2'],
  box: ['x1', 'y1', 'x2', 'y2'],
  bbox: ['x1', 'y1', 'x2', 'y2'],
  x1: ['x1'],
  y1: ['y1'],
  x2: ['x2'],
  y2: ['y2'],
};

/** The columns an output's name spells, when it spells all of them once and as many as the row has. */
function columnsFromName(name: string, valuesPerRow: number): BoxColumn[] | null {
  const words = name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  const columns = words.flatMap((w) => NAME_WORDS[w] ?? []);
  const complete = REQUIRED_BOX_COLUMNS.every((c) => columns.includes(c)) && new Set(columns).size === columns.length;
  return complete && columns.length === valuesPerRow && columns.every((c) => BOX_COLUMNS.includes(c)) ? columns : null;
}

function rowsOf(d: Float32Array, n: number, k: number, spec: ModelOutputSpec, ctx: DecodeContext): Candidates {
  const columns = boxColumns(spec, k)!;
  const [bi, x1i, y1i, x2i, y2i, si, ci] = BOX_COLUMNS.map((name) => columns.indexOf(name)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const normalized = spec.boxes_normalized ?? false;
  const sx = normalized ? ctx.inputWidth : 1;
  const sy = normalized ? ctx.inputHeight : 1;
  const c = emptyCandidates();
  for (let i = 0; i < n; i++) {
    const row = i * k;
    if (bi >= 0 && d[row + bi] !== 0) continue;
    const score = d[row + si]!;
    const cls = d[row + ci]!;
    if (!(score >= spec.score_threshold) || cls < 0) continue;
    c.boxes.push(d[row + x1i]! * sx, d[row + y1i]! * sy, d[row + x2i]! * sx, d[row + y2i]! * sy);
    c.scores.push(score);
    // Kept as read (not rounded): a fractional "class" is a sign the columns are wrong.
    c.classes.push(cls);
  }
  return c;
}

/**
 * The rows output and, when the model has one, a count output (rank 0 or 1). PaddleDetection
 * exports may carry more outputs (masks, indices): with scale_factor, only the rows of 6 count.
 */
function nmsOutputs(graph: GraphFacts, paddle: boolean) {
  const rankOk = (o: GraphFacts['outputs'][number]) => o.shape.length === 2 || o.shape.length === 3;
  const rows = graph.outputs.filter((o) => rankOk(o) && (!paddle || o.shape.at(-1) === 6));
  const counts = graph.outputs.filter((o) => o.shape.length <= 1);
  if (rows.length !== 1 || counts.length > 1 || (!paddle && rows.length + counts.length !== graph.outputs.length)) return null;
  return { main: rows[0]!, count: counts[0] };
}

export const boxesScored: OutputDecoder = {
  expectedShape: EXPECTED,
  // The rows are the first output (PaddleDetection: the first of the outputs other than the count).
  outputsRead: (spec, names) => (spec.count !== undefined ? [names.find((n) => n !== spec.count) ?? names[0], spec.count] : [names[0]]),
  shapeProblem(spec, _ctx, shapes) {
    const main = shapes[0] ?? [];
    const rank3 = main.length === 3;
    if (!(rank3 || main.length === 2) || (rank3 && !is(main[0]!, 1))) return badShape('boxes-scored', EXPECTED, fmt(main));
    const k = main[main.length - 1]!;
    const columns = boxColumns(spec, k);
    if (columns === null)
      return k === null ? null : badShape('boxes-scored', EXPECTED, fmt(main), '', ' (declare output.columns for other row layouts)');
    if (!is(k, columns.length))
      return badShape('boxes-scored', EXPECTED, fmt(main), ` with ${columns.length} columns (${columns.join(', ')})`);
    return null;
  },
  decode(tensors, spec, ctx, map) {
    const t = tensors[0]!;
    const k = t.dims.at(-1)!;
    const rows = t.dims.at(-2)!;
    const count = tensors[1] as Tensor | undefined;
    const n = count === undefined ? rows : Math.max(0, Math.min(rows, Math.round(numberData(count)[0] ?? 0)));
    return {
      output: keepBest(rowsOf(floatData(t), n, k, spec, ctx), spec, map, spec.boxes_in_image),
      classCount: spec.num_classes ?? null,
      cap: spec.max_detections,
    };
  },
  propose(graph) {
    const paddle = graph.extras.some((e) => e.name.includes('scale_factor'));
    const found = nmsOutputs(graph, paddle);
    if (found === null) return null;
    const { main, count } = found;
    const k = main.shape.at(-1);
    const n = main.shape.at(-2);
    if (main.shape.length === 3 && main.shape[0] !== 1) return null;
    const named = isStatic(k) ? columnsFromName(main.name, k) : null;
    if (!(k === 6 || k === 7 || named !== null)) return null;
    // NMS output: a symbolic row count (the image batch is fixed, so it is not a batch), columns
    // spelled in the name, PaddleDetection's scale_factor, or a few hundred static rows that are not a YOLOX grid.
    const yoloxGrid =
      graph.inputWidth !== null && graph.inputHeight !== null && n === anchorCount(graph.inputWidth, graph.inputHeight, YOLOX_STRIDES);
    const symbolicRows = !isStatic(n) && (main.shape.length === 3 || graph.imageBatchFixed);
    const nms = named !== null || paddle || count !== undefined || symbolicRows || (isStatic(n) && n <= 1000 && !yoloxGrid);
    if (!nms) return null;
    return paddle ? paddleProposal(main, count?.name) : endToEndProposal(main, k as number, named);
  },
};

function paddleProposal(main: GraphFacts['outputs'][number], count: string | undefined): ReturnType<OutputDecoder['propose']> {
  return {
    task: 'detection',
    output: {
      format: 'boxes-scored',
      columns: ['class', 'score', 'x1', 'y1', 'x2', 'y2'],
      boxes_in_image: true,
      ...(count === undefined ? {} : { count }),
      score_threshold: 0.3,
    },
    input: { color: 'RGB', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], resize: 'stretch' },
    guesses: [
      `output ${main.name} ${fmt(main.shape)} with a scale_factor input: PaddleDetection's multiclass_nms (class, score, x1, y1, x2, y2 in image pixels)${count === undefined ? '' : `, rows counted by ${count}`}`,
      "PaddleDetection's deploy preprocessing (PicoDet's infer_cfg.yml): RGB, x/255, ImageNet mean and std, stretched to the input size (keep_ratio false)",
    ],
    unknown: [
      "the normalisation: PicoDet's ImageNet mean and std assumed (PP-YOLOE+ exports take x/255 without mean or std: see the infer_cfg.yml beside the model)",
    ],
  };
}

function endToEndProposal(main: GraphFacts['outputs'][number], k: number, named: BoxColumn[] | null): ReturnType<OutputDecoder['propose']> {
  const columns = named ?? boxColumns({}, k)!;
  return {
    task: 'detection',
    output: { format: 'boxes-scored', ...(named === null ? {} : { columns: named }) },
    input: { color: 'RGB', scale: 1 / 255, resize: 'letterbox' },
    guesses: [
      `output ${main.name} ${fmt(main.shape)}: boxes after NMS in the graph (end-to-end export), rows ${columns.join(', ')}${named === null ? '' : ' (as the output name spells them)'}`,
    ],
    unknown:
      named === null
        ? [
            `the order of score and class in each row${k === 7 ? ' (YOLOv7 end-to-end exports put class before score: columns: [batch, x1, y1, x2, y2, class, score])' : ''}: a wrong order shows as an implausible-output warning`,
          ]
        : [],
  };
}
