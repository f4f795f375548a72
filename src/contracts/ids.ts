/**
 * The schema id of every saved result, in a module of its own: writers stamp results with them
 * at no cost, while the schemas themselves are built only by the commands that read results back.
 */
export const PLAN_SCHEMA_ID = 'capacity-plan/plan@3';
