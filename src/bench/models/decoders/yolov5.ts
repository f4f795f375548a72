import { fmt, type OutputDecoder } from './common.js';
import { decodeRows, rowsOutput, rowsProblem } from './yolo-rows.js';

/** YOLOv5/YOLOv7 exports: one output [1, N, 5+C], each row cx, cy, w, h, objectness, class scores; score = objectness × best class score. */

export const yolov5: OutputDecoder = {
  expectedShape: '[1, N, 5+C]',
  outputsRead: (_spec, names) => [names[0]],
  shapeProblem: (spec, ctx, shapes) => rowsProblem(spec, ctx, shapes[0] ?? []),
  decode: decodeRows,
  propose(graph) {
    const rows = rowsOutput(graph);
    if (rows === null) return null;
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
