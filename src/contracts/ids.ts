/**
 * The schema id of every saved result, in a module of its own: writers stamp results with them
 * at no cost, while the schemas themselves are built only by the commands that read results back.
 */
export const PLAN_SCHEMA_ID = 'capacity-plan/plan@3';
export const SIMULATION_SCHEMA_ID = 'capacity-plan/simulation@1';
export const BACKTEST_SCHEMA_ID = 'capacity-plan/backtest@1';
export const GATE_SCHEMA_ID = 'capacity-plan/gate@1';
export const VALIDATE_SCHEMA_ID = 'capacity-plan/validate@1';
export const BENCH_SCHEMA_ID = 'capacity-plan/bench@2';
export const LOADTEST_SCHEMA_ID = 'capacity-plan/loadtest@2';

/**
 * Earlier versions still read: plans before plan@3 by `gate --baseline` alone, for the figures it
 * compares (plan-legacy.ts); bench@1 and loadtest@1 read on as the current version.
 */
export const PLAN_V2_SCHEMA_ID = 'capacity-plan/plan@2';
export const PLAN_V1_SCHEMA_ID = 'capacity-plan/plan@1';
export const BENCH_V1_SCHEMA_ID = 'capacity-plan/bench@1';
export const LOADTEST_V1_SCHEMA_ID = 'capacity-plan/loadtest@1';
