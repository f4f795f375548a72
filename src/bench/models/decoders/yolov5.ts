import { fmt, type OutputDecoder } from './common.js';
import { anchoredRowCount, decodeRows, rowsOutput, rowsProblem, YOLOV5_ANCHORS, YOLOX_STRIDES } from './yolo-rows.js';

/**
 * YOLOv5/YOLOv7 exports: one output [1, N, 5+C], each row cx, cy, w, h, objectness, class scores;
 * score = objectness × best class score. Some exports (YOLOv5-Lite, exports for NPUs) stop before the
 * Detect layer's decoding: the rows are then sigmoid outputs on an anchor grid (output.anchors).
 */

export const yolov5: OutputDecoder = {
  expectedShape: '[1, N, 5+C]',
  outputsRead: (_spec, names) => [names[0]],
  shapeProblem: (spec, ctx, shapes) => rowsProblem(spec, ctx, shapes[0] ?? []),
  decode: decodeRows,
  propose(graph) {
    const rows = rowsOutput(graph);
    if (rows === null) return null;
    const { inputWidth: w, inputHeight: h } = graph;
    // Decoding in the graph adds Mul, Add and Pow after the Sigmoid; a head of Sigmoid alone is undecoded.
    const ops = graph.headOps[rows.first.name] ?? [];
    const undecoded =
      ops.length === 1 &&
      ops[0] === 'Sigmoid' &&
      w !== null &&
      h !== null &&
      rows.n === anchoredRowCount(w, h, YOLOX_STRIDES, YOLOV5_ANCHORS);
    if (undecoded)
      return {
        task: 'detection',
        output: { format: 'yolov5', num_classes: rows.k - 5, anchors: YOLOV5_ANCHORS },
        input: { color: 'RGB', scale: 1 / 255, resize: 'letterbox' },
        guesses: [
          `output ${rows.first.name} ${fmt(rows.first.shape)}: the head's sigmoid outputs without the Detect layer's decoding, ${rows.n} rows = 3 anchors per cell of a ${w}x${h} input at strides 8, 16, 32 (yolov5 with anchors; YOLOv5's default COCO anchors); RGB x/255, letterboxed`,
        ],
        unknown: ['the anchors: YOLOv5 COCO defaults assumed; a model trained with its own (autoanchor) needs them in output.anchors'],
      };
    return {
      task: 'detection',
      output: { format: 'yolov5', num_classes: rows.k - 5 },
      input: { color: 'RGB', scale: 1 / 255, resize: 'letterbox' },
      guesses: [
        `output ${rows.first.name} ${fmt(rows.first.shape)}: one row per box, 4 coordinates, objectness and ${rows.k - 5} class scores (yolov5); YOLO exporters take RGB x/255, letterboxed`,
      ],
      unknown: ['the colour order (RGB assumed)'],
    };
  },
};
