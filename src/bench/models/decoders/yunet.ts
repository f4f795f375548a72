import type { Tensor } from 'onnxruntime-node';
import { emptyCandidates, type Candidates } from '../nms.js';
import { badShape, finish, floatData, fmt, type DecodeContext, type OutputDecoder } from './common.js';

/**
 * YuNet, OpenCV's face detector (cv2.FaceDetectorYN, opencv_zoo face_detection_yunet): per stride
 * 8, 16, 32 a class score `cls_S` [1, N, 1], an objectness `obj_S` [1, N, 1] and a box `bbox_S`
 * [1, N, 4] (landmarks `kps_S` are not read), N = (W/S)·(H/S) in row-major order. As OpenCV's
 * face_detect.cpp decodes them: score = √(clamp(cls)·clamp(obj)); centre ((col + dx)·S, (row + dy)·S),
 * size (e^dw·S, e^dh·S).
 */

const EXPECTED = 'cls_8, cls_16, cls_32 and obj_* [1, N, 1], bbox_* [1, N, 4] (N = (W/S)·(H/S) per stride S)';
const YUNET_STRIDES = [8, 16, 32] as const;
const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

const namesFor = (strides: readonly number[]) => strides.flatMap((s) => [`cls_${s}`, `obj_${s}`, `bbox_${s}`]);

function level(
  c: Candidates,
  cls: Float32Array,
  obj: Float32Array,
  box: Float32Array,
  stride: number,
  ctx: DecodeContext,
  threshold: number,
): void {
  const cols = Math.floor(ctx.inputWidth / stride);
  for (let i = 0; i < cls.length; i++) {
    const score = Math.sqrt(clamp01(cls[i]!) * clamp01(obj[i]!));
    if (score < threshold) continue;
    const cx = ((i % cols) + box[i * 4]!) * stride;
    const cy = (Math.floor(i / cols) + box[i * 4 + 1]!) * stride;
    const w = Math.exp(box[i * 4 + 2]!) * stride;
    const h = Math.exp(box[i * 4 + 3]!) * stride;
    c.boxes.push(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    c.scores.push(score);
    c.classes.push(0);
  }
}

export const yunet: OutputDecoder = {
  expectedShape: EXPECTED,
  outputsRead: (spec) => namesFor(spec.strides ?? YUNET_STRIDES),
  shapeProblem(spec, ctx, shapes) {
    const strides = spec.strides ?? YUNET_STRIDES;
    const got = shapes.map(fmt).join(', ');
    for (const [i, s] of strides.entries()) {
      const [cls, obj, box] = [shapes[i * 3] ?? [], shapes[i * 3 + 1] ?? [], shapes[i * 3 + 2] ?? []];
      const n =
        ctx.inputWidth !== null && ctx.inputHeight !== null ? Math.floor(ctx.inputWidth / s) * Math.floor(ctx.inputHeight / s) : null;
      const fits = (shape: readonly (number | null)[], k: number) =>
        shape.length === 3 && (shape[2] === null || shape[2] === k) && (n === null || shape[1] === null || shape[1] === n);
      if (!fits(cls, 1) || !fits(obj, 1) || !fits(box, 4))
        return badShape('yunet', EXPECTED, got, n === null ? '' : ` with N=${n} at stride ${s} for ${ctx.inputWidth}x${ctx.inputHeight}`);
    }
    return null;
  },
  decode(tensors, spec, ctx, map) {
    const c = emptyCandidates();
    const strides = spec.strides ?? YUNET_STRIDES;
    strides.forEach((s, i) => {
      const [cls, obj, box] = tensors.slice(i * 3, i * 3 + 3) as [Tensor, Tensor, Tensor];
      level(c, floatData(cls), floatData(obj), floatData(box), s, ctx, spec.score_threshold);
    });
    return { output: finish(c, spec, map), classCount: 1, cap: spec.max_detections };
  },
  propose(graph) {
    const names = new Set(graph.outputs.map((o) => o.name));
    if (!namesFor(YUNET_STRIDES).every((n) => names.has(n))) return null;
    return {
      task: 'detection',
      output: { format: 'yunet', score_threshold: 0.9, iou_threshold: 0.3 },
      // OpenCV feeds the BGR pixels as they are (blobFromImage without scaling), padded to multiples of 32.
      input: {
        color: 'BGR',
        scale: 1,
        mean: [0, 0, 0],
        std: [1, 1, 1],
        resize: graph.inputWidth === null ? { longest_side_max: 640, multiple_of: 32 } : 'stretch',
      },
      guesses: [
        "outputs cls_8/16/32, obj_8/16/32 and bbox_8/16/32: YuNet, OpenCV's face detector (yunet; raw BGR 0..255 as cv2.FaceDetectorYN feeds it, score threshold 0.9, IoU 0.3)",
      ],
      unknown: [],
    };
  },
};
