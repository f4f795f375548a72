import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { forGithub } from '../../../src/commands/output.js';
import { VALIDATE_SCHEMA_ID, type ValidateResult } from '../../../src/report/validate/result.js';
import { validateTable, validateTableProblems } from '../../../src/report/validate/table.js';

const opts = { color: new Chalk({ level: 0 }), width: 100 };

const result: ValidateResult = {
  schema: VALIDATE_SCHEMA_ID,
  ok: false,
  files: [
    { file: 'a.yaml', ok: true, problems: [], warnings: [{ code: 'no-zone-redundancy', message: 'one zone' }] },
    {
      file: 'dir/b.yaml',
      ok: false,
      problems: [{ file: 'dir/b.yaml', line: 3, col: 5, message: 'peak_tps: expected number' }],
      warnings: [],
    },
  ],
};

describe('validate --format table', () => {
  it('lists the files that passed on stdout, and warnings then problems for stderr', () => {
    expect(validateTable(result, opts)).toBe('a.yaml: ok\n');
    expect(validateTableProblems(result, opts)).toBe(
      'a.yaml: warning [no-zone-redundancy]: one zone\ndir/b.yaml:3:5: peak_tps: expected number\n',
    );
  });

  it('shows control characters from a file name as escapes', () => {
    const r: ValidateResult = { ...result, files: [{ file: 'x\u001b[2J.yaml', ok: true, problems: [], warnings: [] }] };
    expect(validateTable(r, opts)).not.toContain('\u001b');
  });
});

describe('forGithub', () => {
  it('makes every file relative to the workspace with forward slashes, except the baseline the user named', () => {
    const files = [
      { file: '/work/a.yaml', problems: [{ file: '/work/dir/b.yaml' }] },
      { file: '/elsewhere/w.yaml', problems: [] },
    ];
    const shown = forGithub({ files, baseline: { file: '/work/base.json' } }, '/work');
    expect(shown.files).toEqual([
      { file: 'a.yaml', problems: [{ file: 'dir/b.yaml' }] },
      // Outside the workspace: absolute, as GitHub cannot annotate it anyway.
      { file: '/elsewhere/w.yaml', problems: [] },
    ]);
    expect(shown.baseline.file).toBe('/work/base.json');
  });
});
