import type { BenchCondition, BenchModel, BenchResult, Scaling } from '../../contracts/bench.js';

/** The rows every bench format shows, computed once so table and markdown never disagree. */
export const CONDITION_HEAD = [
  'condition',
  'MB',
  'objects',
  'found',
  'samples',
  'TPS',
  'p50 ms',
  'p90 ms',
  'p99 ms',
  'decode',
  'pre',
  'infer',
  'post',
  'RSE %',
  'stable',
];

const f = (v: number, d = 1) => v.toFixed(d);

export function conditionRow(c: BenchCondition): string[] {
  return [
    c.id,
    f(c.sizeMb, 2),
    String(c.objects),
    c.detected === null ? '—' : f(c.detected, 1),
    String(c.samples),
    f(c.tps, 2),
    f(c.latencyMs.p50),
    f(c.latencyMs.p90),
    f(c.latencyMs.p99) + (c.p99Reliable === false ? '*' : ''),
    f(c.stagesMs.decode),
    f(c.stagesMs.preprocess),
    f(c.stagesMs.infer),
    f(c.stagesMs.postprocess),
    f(c.rsePct, 2),
    c.stable ? 'yes' : 'NO',
  ];
}

export function modelHeading(m: BenchModel): string {
  return `${m.name} (${m.task}, ${m.source}, ${(m.parameterCount / 1e6).toFixed(2)} M params): session ${f(m.sessionCreateMs, 0)} ms, first run ${f(m.firstRunMs, 0)} ms`;
}

export function costModelLine(m: BenchModel): string {
  const cm = m.costModel;
  if (!cm) return 'cost model: not fitted (too few conditions)';
  const terms = [`${f(cm.interceptMs, 2)}`, `${f(cm.msPerMegapixel, 2)}×MP`, `${f(cm.msPerMb, 2)}×MB`, `${f(cm.msPerObject, 3)}×objects`];
  return (
    `cost model: ms = ${terms.join(' + ')}; R² ${cm.r2.toFixed(3)}, leave-one-out error ${f(cm.looMeanAbsErrPct, 1)}% mean / ${f(cm.looMaxAbsErrPct ?? 0, 1)}% max over ${cm.conditions} conditions` +
    (cm.dropped?.length ? ` (${cm.dropped.join(', ')} not identifiable here: fixed at 0)` : '') +
    (cm.clamped?.length ? ` (${cm.clamped.join(', ')} fitted a negative slope, i.e. noise: fixed at 0)` : '')
  );
}

/** The per-stage model in one line: each stage's fit and error, then the sum's. */
export function stageModelLine(m: BenchModel): string | null {
  const sm = m.stageModel;
  if (!sm) return null;
  const stages = Object.entries(sm.stages).map(([name, fit]) => {
    const terms = Object.entries(fit.slopes)
      .filter(([, v]) => v !== 0)
      .map(([k, v]) => `${f(v, 2)}×${k}`);
    return `${name} ${[f(fit.interceptMs, 2), ...terms].join(' + ')} (LOO ${f(fit.looMeanAbsErrPct)}%)`;
  });
  return `per-stage model: ${stages.join('; ')}; sum R² ${sm.r2.toFixed(3)}, leave-one-out error ${f(sm.looMeanAbsErrPct, 1)}% mean / ${f(sm.looMaxAbsErrPct, 1)}% max over ${sm.conditions} conditions`;
}

/** The corpus, when the run measured a folder as one: its mean, tail, stage split and slowest files. */
export function corpusLines(m: BenchModel): string[] {
  const c = m.corpus;
  if (!c) return [];
  const s = c.stagesMs;
  return [
    `corpus ${c.name}: ${c.images} images, ${c.samples} random draws (seed ${c.seed}, ${c.distinctImages} distinct): ${f(c.tps, 2)} TPS, ` +
      `p50/p90/p99 ${f(c.latencyMs.p50)}/${f(c.latencyMs.p90)}/${f(c.latencyMs.p99)}${c.p99Reliable ? '' : '*'} ms, RSE ${f(c.rsePct, 2)}%${c.stable ? '' : ' (UNSTABLE)'}`,
    `corpus stages: decode ${f(s.decode)} + pre ${f(s.preprocess)} + infer ${f(s.infer)} + post ${f(s.postprocess)} ms; images ${f(c.megapixels.min, 2)}-${f(c.megapixels.max, 2)} MP, ${f(c.sizeMb.min, 2)}-${f(c.sizeMb.max, 2)} MB`,
    ...(c.detected === null
      ? []
      : [
          `corpus detections per image: mean ${f(c.detected, 1)}${c.detectedRange ? `, range ${c.detectedRange[0]}-${c.detectedRange[1]}` : ''}`,
        ]),
    `slowest files: ${c.slowest.map((x) => `${x.file} ${f(x.ms)} ms`).join(', ')}`,
  ];
}

/**
 * How the machine's speed moved while the model was measured, and how much that moved its figures:
 * the speed range over every block's trace and the largest correction of a condition's mean.
 */
function speedLine(m: BenchModel): string | null {
  const sp = m.speed;
  if (!sp || sp.blocks.length === 0) return null;
  const speeds = sp.blocks.flatMap((b) => b.trace.map((p) => p.speed));
  if (speeds.length === 0) return null;
  const corrections = m.conditions.flatMap((c) => (c.rawMs !== undefined ? [Math.abs(c.rawMs / c.latencyMs.mean - 1) * 100] : []));
  const linked = sp.blocks.length > 1 ? `; ${sp.blocks.length} blocks linked through ${sp.blocks[0]!.reference}` : '';
  return (
    `machine speed (${sp.clock} clock): ${f(Math.min(...speeds), 2)}-${f(Math.max(...speeds), 2)} of its average while measured` +
    (corrections.length ? `; figures corrected to the average speed by up to ${f(Math.max(...corrections))}%` : '') +
    linked
  );
}

/** Older files: the drift check, the first condition measured again at the end. */
function recheckLine(m: BenchModel): string | null {
  const r = m.recheck;
  if (!r) return null;
  const sign = r.changePct > 0 ? '+' : '';
  return `drift check: ${r.conditionId} measured again at the end: ${f(r.tps, 2)} TPS, ${sign}${f(r.changePct)}% (${r.significant ? 'the machine drifted' : 'within noise'})`;
}

/** What the run says of the machine's speed while it measured the model: the speed trace's line, or an older file's drift check. */
export function machineSpeedLines(m: BenchModel): string[] {
  return [speedLine(m), recheckLine(m)].filter((line): line is string => line !== null);
}

export function hostLine(r: BenchResult): string {
  const h = r.host;
  return `${h.cpuModel}, ${h.cores} cores, ${h.os}, Node ${h.node}, onnxruntime ${h.onnxruntime} (${h.executionProvider}); unit = 1 session × ${r.unit.threads} thread(s)${r.complete ? '' : '; INCOMPLETE (interrupted)'}`;
}

export function scalingLine(s: Scaling): string {
  const one = s.runs.find((r) => r.units === 1);
  const two = s.runs.find((r) => r.units === 2);
  return `scaling ${s.model} ${s.condition}: 1 unit ${f(one?.tps ?? 0, 2)} TPS, 2 units ${f(two?.tps ?? 0, 2)} TPS → efficiency ${(s.efficiency * 100).toFixed(0)}% (1.00 = units add linearly)`;
}

export const P99_FOOTNOTE = '* p99 from fewer than 100 samples: the slowest sample, not a tail estimate';

/** Model warnings, then one line per condition that missed its precision target. */
export function modelWarnings(m: BenchModel): string[] {
  const unstable = m.conditions
    .filter((x) => !x.stable)
    .map((u) => `${u.id}: ${u.warnings.find((w) => w.code === 'unstable' || w.message.startsWith('unstable'))?.message ?? 'unstable'}`);
  return [
    ...m.warnings.map((w) => w.message),
    ...unstable,
    ...(m.corpus?.warnings.map((w) => `corpus ${m.corpus!.name}: ${w.message}`) ?? []),
  ];
}
