/**
 * The step search as a decision: given the steps so far, what to run next, or why to stop.
 * Pure, so every branch is tested with hand-made histories.
 *
 * The method is AWS's (the "Calculate inference units" blog post and its tps.py sample): raise
 * the load in steps, doubling, until the service throttles; the highest load without throttling
 * is what the units serve. Doubling alone only brackets that point within a factor of 2, so the
 * search then narrows the bracket between the last clean and the first throttled step until the
 * two are `resolutionPct` apart. The narrowing is a bisection guided by what the throttled step
 * measured: an overloaded fleet still completes about its capacity per second, so in open-loop
 * mode the first probe goes just under that rate and the next just over the last clean one; a
 * probe is always strictly inside the bracket, so the search cannot loop. Users mode (integers)
 * bisects plainly.
 *
 * The open-loop ramp also skips levels that a clean step's latency shows are clean. A unit
 * serves at least one call at a time, and a call's latency is at least its service time, so
 * `units × 1000 / mean latency ms` is a lower bound of what the fleet completes per second (the
 * mean, not the median: a fleet's capacity follows the mean service time of the images sent); the
 * ramp goes straight to JUMP_SHARE of it when that is above the next doubling. From the default
 * start of 1 TPS that saves the seven or so doublings to a fleet of ~100 TPS. If the bound is
 * wrong (fewer units serving than reported), the jumped step throttles and the bisection
 * narrows the bracket below it as usual.
 */

/** The share of the latency bound the ramp jumps to: below it, to leave room for queueing and noise. */
const JUMP_SHARE = 0.8;

export interface SearchSettings {
  /** First level: offered TPS (open) or users. */
  start: number;
  growth: number;
  resolutionPct: number;
  maxSteps: number;
  /** Users mode: levels are whole numbers of users. */
  integer: boolean;
  /** The ramp never goes above this level; reaching it clean ends the search ('no-throttling'). */
  maxLevel: number;
  /** Units in service: with a clean step's latency, the lower bound the open-loop ramp may jump to. */
  units?: number;
}

export interface StepVerdict {
  level: number;
  clean: boolean;
  achievedTps: number;
  /** Mean latency of the step's successful calls, ms (open loop: what the ramp may jump by). */
  meanLatencyMs?: number | null;
}

type SearchStop = 'converged' | 'max-steps' | 'no-throttling' | 'throttled-at-start';
export type NextStep = { level: number; phase: 'ramp' | 'bisect' } | { stop: SearchStop };

/** Three significant figures: offered rates read as 12.3 or 187, not 187.34567. */
export function roundLevel(v: number, integer: boolean): number {
  if (integer) return Math.max(1, Math.round(v));
  const digits = Math.max(0, 2 - Math.floor(Math.log10(v)));
  return Number(v.toFixed(digits));
}

export function bracket(history: readonly StepVerdict[]): { lo?: StepVerdict; hi?: StepVerdict } {
  let lo: StepVerdict | undefined;
  let hi: StepVerdict | undefined;
  for (const s of history) {
    if (s.clean && (!lo || s.level > lo.level)) lo = s;
    if (!s.clean && (!hi || s.level < hi.level)) hi = s;
  }
  // A clean step above a throttled one (noise): the bracket keeps the throttled one as its top and
  // the best clean step below it as its bottom.
  if (lo && hi && lo.level >= hi.level) {
    const below = history.filter((s) => s.clean && s.level < hi!.level);
    lo = below.length ? below.reduce((a, b) => (b.level > a.level ? b : a)) : undefined;
  }
  return { lo, hi };
}

export function nextStep(history: readonly StepVerdict[], s: SearchSettings): NextStep {
  if (history.length === 0) return { level: roundLevel(s.start, s.integer), phase: 'ramp' };
  const { lo, hi } = bracket(history);
  const r = s.resolutionPct / 100;
  const converged = (l: number, h: number) => (s.integer ? h - l <= 1 : (h - l) / l <= r);
  const next = (level: number, phase: 'ramp' | 'bisect'): NextStep =>
    history.length >= s.maxSteps ? { stop: 'max-steps' } : { level, phase };

  if (!hi) {
    const last = history[history.length - 1]!.level;
    if (last >= s.maxLevel) return { stop: 'no-throttling' };
    const doubled = Math.max(last * s.growth, last + (s.integer ? 1 : 0));
    return next(Math.min(s.maxLevel, roundLevel(Math.max(doubled, latencyFloor(history, s)), s.integer)), 'ramp');
  }
  if (!lo) {
    // Throttled from the first step: step down until a clean one, never below a 16th of the start.
    const down = roundLevel(hi.level / s.growth, s.integer);
    if (down >= hi.level || down < s.start / 16) return { stop: 'throttled-at-start' };
    return next(down, 'ramp');
  }
  if (converged(lo.level, hi.level)) return { stop: 'converged' };
  const inside = (v: number) => v > lo.level * (1 + 1e-9) && v < hi.level * (1 - 1e-9);
  const mid = roundLevel((lo.level + hi.level) / 2, s.integer);
  if (!s.integer) {
    const estimate = hi.achievedTps;
    const under = roundLevel(estimate * (1 - r / 2), false);
    if (inside(under)) return next(under, 'bisect');
    const over = roundLevel(lo.level * (1 + 0.9 * r), false);
    if (estimate >= lo.level && inside(over) && over < mid) return next(over, 'bisect');
  }
  if (!inside(mid)) return { stop: 'converged' };
  return next(mid, 'bisect');
}

/** JUMP_SHARE of the lowest capacity the last clean open-loop step's latency proves; 0 when none. */
function latencyFloor(history: readonly StepVerdict[], s: SearchSettings): number {
  const last = history[history.length - 1]!;
  if (s.integer || !s.units || !last.clean || !last.meanLatencyMs || !(last.meanLatencyMs > 0)) return 0;
  return JUMP_SHARE * ((s.units * 1000) / last.meanLatencyMs);
}
