import { emptyCandidates, type Candidates } from '../nms.js';
import type { ModelOutputSpec } from '../spec.js';
import { atLeast, badShape, finish, floatData, fmt, is, isStatic, pushCxCyWh, type OutputDecoder } from './common.js';

/** [1, 4+C, N]: column i is box i (cx, cy, w, h, class scores); no objectness. */
function yoloV8(d: Float32Array, k: number, n: number, spec: ModelOutputSpec): Candidates {
  const c = emptyCandidates();
  for (let i = 0; i < n; i++) {
    let best = 0,
      bestScore = -Infinity;
    for (let j = 4; j < k; j++) {
      const s = d[j * n + i]!;
      if (s > bestScore) {
        bestScore = s;
        best = j - 4;
      }
    }
    if (bestScore >= spec.score_threshold) pushCxCyWh(c, d[i]!, d[n + i]!, d[2 * n + i]!, d[3 * n + i]!, bestScore, best);
  }
  return c;
}

export const yolov8: OutputDecoder = {
  expectedShape: '[1, 4+C, N]',
  outputsRead: (_spec, names) => [names[0]],
  shapeProblem(spec, _ctx, shapes) {
    const main = shapes[0] ?? [];
    const bad = (q = '', hint = '') => badShape('yolov8', '[1, 4+C, N]', fmt(main), q, hint);
    if (main.length !== 3 || !is(main[0]!, 1) || !atLeast(main[1]!, 5)) return bad();
    const [, k, n] = main;
    if (spec.num_classes !== undefined && !is(k!, 4 + spec.num_classes)) return bad(` with C=${spec.num_classes}`);
    if (spec.num_classes === undefined && n !== null && k !== null && k! > n!)
      return bad('', ' (more values per box than boxes: not transposed? try yolov5)');
    return null;
  },
  decode(tensors, spec, _ctx, map) {
    const t = tensors[0]!;
    const [k, n] = t.dims.length === 2 ? t.dims : t.dims.slice(1);
    return { output: finish(yoloV8(floatData(t), k!, n!, spec), spec, map), classCount: k! - 4, cap: Math.min(spec.max_detections, n!) };
  },
  propose(graph) {
    const first = graph.outputs[0];
    if (graph.outputs.length !== 1 || first === undefined || first.shape.length !== 3) return null;
    const [, k, n] = first.shape;
    if (!isStatic(k) || k < 5 || (isStatic(n) && n <= k)) return null;
    return {
      task: 'detection',
      output: { format: 'yolov8', num_classes: k - 4 },
      input: { color: 'RGB', scale: 1 / 255, resize: 'letterbox' },
      guesses: [
        `output ${first.name} ${fmt(first.shape)}: one column per box, 4 coordinates and ${k - 4} class scores (yolov8: YOLOv8/YOLO11); Ultralytics takes RGB x/255, letterboxed, centred`,
      ],
      unknown: [],
    };
  },
};
