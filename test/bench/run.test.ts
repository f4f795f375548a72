import { beforeAll, describe, expect, it } from 'vitest';
import { plannedConditions } from '../../src/bench/conditions.js';
import { describeModelFile, resolveModel } from '../../src/bench/models/index.js';
import { BenchResultSchema, type BenchResult } from '../../src/contracts/bench.js';
import { runBench } from '../../src/bench/run.js';
import type { ModelPlan } from '../../src/bench/setup.js';

// Real ocr-cls on real generated images, with a tiny time budget: this tests orchestration, not speed.
const settings = { minSamples: 3, minTimeS: 0.05, maxTimeS: 0.3, targetRsePct: 50 };
const lists = {
  resolutions: [
    { width: 640, height: 480 },
    { width: 1280, height: 720 },
  ],
  sizesMb: () => [0.05, 0.1],
  objects: [0, 5],
};
let plan: ModelPlan;
beforeAll(async () => {
  const adapter = await resolveModel('ocr-cls');
  plan = {
    adapter,
    file: await describeModelFile(adapter.modelPath),
    conditions: plannedConditions(adapter.task, lists, { kind: 'full' }),
  };
});

describe('runBench (real model, real images)', () => {
  it('measures every condition, checkpoints after each block, links the blocks, and fits a cost model', async () => {
    const checkpoints: number[] = [];
    const r = await runBench({
      models: [plan],
      threads: 1,
      settings,
      blockConditions: 2,
      checkpoint: async (p) => void checkpoints.push(p.models[0]!.conditions.length),
    });
    expect(BenchResultSchema.parse(r)).toBeTruthy();
    expect(r.complete).toBe(true);
    const m = r.models[0]!;
    expect(m.task).toBe('classification');
    // Classification ignores objects: 0 only, so 2 resolutions × 2 sizes.
    expect(m.conditions.map((c) => c.id)).toEqual([
      '640x480-0.05mb-0obj',
      '640x480-0.1mb-0obj',
      '1280x720-0.05mb-0obj',
      '1280x720-0.1mb-0obj',
    ]);
    // Blocks of 2 conditions, interleaved: a checkpoint after each block.
    expect(checkpoints).toEqual([2, 4]);
    for (const c of m.conditions) {
      // The stop rule: min_samples (3), unless max_time_s (0.3 s) ran out first, which a loaded
      // machine can make happen after 2 samples; then the condition is marked unstable.
      expect(c.samples).toBeGreaterThanOrEqual(2);
      if (c.samples < 3) expect(c.stable).toBe(false);
      expect(c.tps).toBeCloseTo(1000 / c.latencyMs.mean, 9);
      expect(c.rawMs).toBeGreaterThan(0);
      expect(c.wallMs).toBeGreaterThan(0);
      expect(c.detected).toBeNull();
      const stages = c.stagesMs.decode + c.stagesMs.preprocess + c.stagesMs.infer + c.stagesMs.postprocess;
      expect(stages).toBeLessThanOrEqual(c.latencyMs.mean * 1.001);
      expect(c.p99Reliable).toBe(c.samples >= 100);
    }
    expect(m.sessionCreateMs).toBeGreaterThan(0);
    expect(m.firstRunMs).toBeGreaterThan(0);
    expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.costModel?.dropped).toContain('objects');
    // A one-thread unit is timed in CPU time; each block has a speed trace, and the second was
    // brought to the first's speed through the first block's reference condition.
    expect(r.unit.clock).toBe('cpu');
    expect(m.speed!.clock).toBe('cpu');
    expect(m.speed!.blocks).toHaveLength(2);
    expect(m.speed!.blocks[0]!.linkFactor).toBe(1);
    expect(['640x480-0.05mb-0obj', '640x480-0.1mb-0obj']).toContain(m.speed!.blocks[1]!.reference);
    expect(m.speed!.blocks[1]!.reference).toBe(m.speed!.blocks[0]!.reference);
    expect(m.speed!.blocks[1]!.linkFactor).toBeGreaterThan(0);
    expect(m.recheck).toBeUndefined();
  });

  it('stops when aborted and keeps only whole conditions; resume measures only the missing ones', async () => {
    const controller = new AbortController();
    let partial: BenchResult | undefined;
    const first = await runBench({
      models: [plan],
      threads: 1,
      settings,
      blockConditions: 2,
      signal: controller.signal,
      checkpoint: async (p) => {
        partial = structuredClone(p);
        controller.abort(); // Ctrl-C right after the first block (640x480)
      },
    });
    expect(first.complete).toBe(false);
    expect(first.models[0]!.conditions.map((c) => c.id)).toEqual(['640x480-0.05mb-0obj', '640x480-0.1mb-0obj']);
    expect(partial!.complete).toBe(false);

    const measured: string[][] = [];
    const listed: string[][] = [];
    // A model of the partial result this run is not asked about is in every checkpoint, as it was.
    const previous = { ...first, models: [...first.models, { ...first.models[0]!, name: 'other' }] };
    const resumed = await runBench({
      models: [plan],
      threads: 1,
      settings,
      blockConditions: 2,
      previous,
      checkpoint: async (p) => {
        measured.push(p.models[0]!.conditions.slice(2).map((c) => c.id));
        listed.push(p.models.map((m) => m.name));
      },
    });
    expect(resumed.complete).toBe(true);
    expect(measured).toEqual([['1280x720-0.05mb-0obj', '1280x720-0.1mb-0obj']]);
    expect(listed).toEqual([['ocr-cls', 'other']]);
    expect(resumed.models.map((m) => m.name)).toEqual(['ocr-cls', 'other']);
    expect(resumed.models[1]).toEqual(previous.models[1]);
    // The conditions measured before the interruption are kept exactly as they were.
    expect(resumed.models[0]!.conditions.slice(0, 2)).toEqual(first.models[0]!.conditions);
    expect(resumed.models[0]!.conditions).toHaveLength(4);
  });
});
