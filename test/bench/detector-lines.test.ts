import type { InferenceSession } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeImage, type SynthImage } from '../../src/bench/images/synth.js';
import { createSession, resolveModel } from '../../src/bench/models/registry.js';
import type { Detection, ModelAdapter } from '../../src/bench/models/types.js';

// The built-in detector must find exactly the text lines the generator drew: the harness reports
// `objects` drawn next to `detected`, and the cost model's objects factor relies on them agreeing.

let adapter: ModelAdapter;
let session: InferenceSession;

beforeAll(async () => {
  adapter = await resolveModel('ocr-det');
  session = await createSession(adapter, 1);
});
afterAll(async () => {
  await session?.release();
});

async function detect(image: SynthImage): Promise<Detection[]> {
  const decoded = await adapter.decode(image.bytes);
  const prepared = await adapter.preprocess(decoded);
  const outputs = await session.run(prepared.feeds);
  const out = adapter.postprocess(outputs, prepared.meta);
  if (out.kind !== 'detection') throw new Error(`expected detections, got ${out.kind}`);
  return out.detections;
}

/** Intersection over the smaller box: a detection covers one drawn line. */
function overlap(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const h = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  if (w <= 0 || h <= 0) return 0;
  const area = (r: readonly number[]) => (r[2]! - r[0]!) * (r[3]! - r[1]!);
  return (w * h) / Math.min(area(a), area(b));
}

async function text(width: number, height: number, objects: number, targetSizeMb: number | null, variant = 0): Promise<SynthImage> {
  const out = await synthesizeImage({ width, height, targetSizeMb, objects, kind: 'text', variant });
  if ('skipped' in out) throw new Error(out.reason);
  return out;
}

describe('ocr-det finds exactly the drawn text lines', () => {
  for (const lines of [0, 1, 5, 20]) {
    it(`${lines} lines at 1280x720`, async () => {
      for (const variant of [0, 1]) {
        const image = await text(1280, 720, lines, 0.2, variant);
        const found = await detect(image);
        expect(found.length, `variant ${variant}`).toBe(lines);
        // Each drawn line is matched by a detection lying over it.
        for (const box of image.boxes) expect(Math.max(...found.map((d) => overlap(d.box, box)))).toBeGreaterThan(0.7);
      }
    });
  }

  it('still exact where the size target needs extra grain (texture raised)', async () => {
    for (const [w, h, mb, lines] of [
      [640, 480, 0.2, 5],
      [3840, 2160, 4, 20],
    ] as const) {
      const image = await text(w, h, lines, mb);
      expect(image.note, `${w}x${h} at ${mb} MB should need extra texture`).toMatch(/texture amplitude/);
      expect((await detect(image)).length, `${w}x${h} at ${mb} MB`).toBe(lines);
    }
  });

  it('50 lines at 1920x1080 (the densest default condition)', async () => {
    const image = await text(1920, 1080, 50, 0.5);
    expect((await detect(image)).length).toBe(50);
  });
});
