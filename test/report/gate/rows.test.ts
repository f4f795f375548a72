import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { evaluateGate, type PlanFigures } from '../../../src/gate/gate.js';
import { BudgetSchema } from '../../../src/workload/schema.js';
import { budgetRules } from '../../../src/gate/rules.js';
import { gateMarkdown } from '../../../src/report/gate/markdown.js';
import { gateRows } from '../../../src/report/gate/rows.js';
import { gateTable } from '../../../src/report/gate/table.js';

const plan = (name: string, max: number, min = 2) =>
  ({
    name,
    minInferenceUnits: min,
    maxInferenceUnits: max,
    costByBasis: { min: min * 730, max: max * 730 },
    costBasis: 'max' as const,
  }) satisfies PlanFigures;
// Wide enough that no cell wraps: fitting to a terminal is tested in test/report/table.test.ts.
const noColor = { color: new Chalk({ level: 0 }), width: 300 };

describe('gate rows: one model for the table and markdown views', () => {
  const result = evaluateGate({
    workloads: [
      {
        plan: plan('a', 5),
        file: 'a.yaml',
        budget: {
          rules: [{ id: 'max_units', limit: 4, level: 'error', from: { file: 'a.yaml', key: 'budget.max_units', line: 3, col: 3 } }],
        },
      },
      { plan: plan('b|c', 3), file: 'b.yaml', budget: { rules: [] } },
    ],
    totalRules: [],
    baseline: { file: 'base.json', plans: [plan('a', 4), plan('gone', 2)] },
    failOn: 'error',
  });

  it('a row per workload (changed, added, removed), then the total; verdicts only where there are rules', () => {
    const { columns, rows } = gateRows(result);
    expect(columns.map((c) => c.head)).toEqual([
      'workload',
      'change',
      'Min units',
      'Max units',
      'cost/month before',
      'cost/month after',
      'difference',
      'rules',
    ]);
    expect(rows.map((r) => [r.cells[0], r.cells[1], r.status])).toEqual([
      ['a', 'changed', 'fail'],
      ['b|c', 'added', null],
      ['gone', 'removed', null],
      ['total', '', null],
    ]);
    expect(rows[0]!.cells).toEqual(['a', 'changed', '2', '4 → 5 (+1)', '$2,920.00', '$3,650.00', '+$730.00 (+25%)']);
    expect(rows[3]!.total).toBe(true);
  });

  it('both views print every cell of the model', () => {
    const table = gateTable(result, noColor);
    const markdown = gateMarkdown(result, noColor);
    for (const row of gateRows(result).rows) {
      for (const cell of row.cells.slice(2)) {
        expect(table).toContain(cell);
        expect(markdown).toContain(cell);
      }
    }
    expect(markdown).toContain('b\\|c'); // a pipe in a name is escaped in markdown only
    expect(table).toContain('b|c');
  });

  it('the budget rule ids come from the workload schema, in its order', () => {
    const budget = BudgetSchema.parse({ min_units: 1, max_units: 9, max_increase_pct: 5, max_increase_usd: 10, monthly_usd: 100 });
    const ids = budgetRules(budget, { locate: () => ({ line: 1, col: 1 }) }, 'w.yaml').rules.map((r) => r.id);
    expect(ids).toEqual(['monthly_usd', 'max_increase_usd', 'max_increase_pct', 'max_units', 'min_units']);
  });
});
