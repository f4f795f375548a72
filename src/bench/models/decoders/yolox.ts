import { fmt, type OutputDecoder } from './common.js';
import { anchorCount, decodeRows, rowsOutput, rowsProblem, YOLOX_STRIDES } from './yolo-rows.js';

/**
 * YOLOX exported with decode_in_inference=False: [1, N, 5+C] raw rows, for each stride a grid in
 * row-major order; box ((x + gx)·s, (y + gy)·s, e^w·s, e^h·s), score = objectness × class score.
 */

export const yolox: OutputDecoder = {
  expectedShape: '[1, N, 5+C]',
  outputsRead: (_spec, names) => [names[0]],
  shapeProblem: (spec, ctx, shapes) => rowsProblem(spec, ctx, shapes[0] ?? []),
  decode: decodeRows,
  propose(graph) {
    const rows = rowsOutput(graph);
    const { inputWidth: w, inputHeight: h } = graph;
    if (rows === null || w === null || h === null || rows.n !== anchorCount(w, h, YOLOX_STRIDES)) return null;
    return {
      task: 'detection',
      output: { format: 'yolox', num_classes: rows.k - 5 },
      input: { color: 'BGR', scale: 1, resize: 'letterbox', letterbox_align: 'top-left' },
      guesses: [
        `output ${rows.first.name} ${fmt(rows.first.shape)}: ${rows.n} rows = the anchor count of a ${w}x${h} input at strides 8, 16, 32: a raw YOLOX head with ${rows.k - 5} classes (yolox)`,
        "YOLOX's demo feeds raw 0..255 BGR values (scale 1), no mean or std, letterboxed at the top left (padded with 114)",
      ],
      unknown: [],
    };
  },
};
