/**
 * What a gate run decides: defined once, zod-first, in src/contracts/gate.ts; re-exported here for
 * the gate's own modules and views.
 */
export { GATE_SCHEMA_ID } from '../contracts/ids.js';
export type { Basis } from '../contracts/plan.js';
export type {
  Change,
  Diff,
  Figures,
  GateResult,
  GateTotal,
  GateWorkload,
  Level,
  RuleId,
  RuleResult,
  RuleSpec,
  Verdict,
} from '../contracts/gate.js';
