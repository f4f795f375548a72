import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { parseTrace } from '../../src/workload/trace.js';

describe('trace CSV', () => {
  it('reads per-second rates, holding each row until the next', () => {
    const t = parseTrace('timestamp,rps\n2025-03-03T00:00:00Z,4\n2025-03-03T00:02:00Z,10\n2025-03-03T00:03:00Z,6\n', 't.csv');
    expect([...t.demandTps]).toEqual([4, 4, 10, 6]); // the last row lasts the shortest step
    expect(t.startEpochMs).toBe(Date.UTC(2025, 2, 3));
    expect(t.rows).toBe(3);
  });

  it('reads per-minute rates, Unix seconds, zone-less times as UTC, extra columns and comments', () => {
    const t = parseTrace('# exported\nhost,time,requests_per_minute\na,1741000000,120\nb,1741000060,60\n', 't.csv');
    expect([...t.demandTps]).toEqual([2, 1]);
    expect(t.unit).toBe('rpm');
    const u = parseTrace('ts,tps\n2025-03-03 09:00,1\n', 'u.csv');
    expect(u.startEpochMs).toBe(Date.UTC(2025, 2, 3, 9));
    expect(u.demandTps.length).toBe(1);
  });

  it('reports every bad row with its line number', () => {
    const text = [
      'timestamp,rps',
      '2025-03-03T00:00:00Z,4',
      'yesterday,5',
      '2025-03-03T00:01:00Z,-1',
      '2025-03-03T00:01:30Z,2',
      '2025-03-03T00:00:00Z,2',
      '2025-03-03T00:02:00Z',
    ].join('\n');
    let err: UserError | undefined;
    try {
      parseTrace(text, 'bad.csv');
    } catch (e) {
      err = e as UserError;
    }
    expect(err).toBeInstanceOf(UserError);
    expect(err!.problems.map((p) => [p.line, p.message])).toEqual([
      [3, "cannot read timestamp 'yesterday' (use ISO 8601 like 2025-03-01T09:00:00Z, or Unix seconds)"],
      [4, "rps must be a number 0 or more, got '-1'"],
      [5, 'timestamp 2025-03-03T00:01:30Z is 90 s after the row before: rows must be whole minutes apart'],
      [6, 'timestamp 2025-03-03T00:00:00Z is not after the row before (line 2)'],
      [7, 'expected 2 columns, got 1'],
    ]);
    expect(err!.message).toMatch(/^bad\.csv:3: cannot read timestamp/);
  });

  it('rejects a missing header column, an empty trace and more than a year', () => {
    expect(() => parseTrace('when,rps\n1,2\n', 'h.csv')).toThrow(/h\.csv:1: header needs a timestamp column/);
    expect(() => parseTrace('time,count\n1,2\n', 'h.csv')).toThrow(/header needs a rate column/);
    expect(() => parseTrace('time,rps,rpm\n1,2,3\n', 'h.csv')).toThrow(/both a per-second and a per-minute/);
    expect(() => parseTrace('\n\n', 'e.csv')).toThrow(/trace is empty/);
    expect(() => parseTrace('time,rps\n', 'e.csv')).toThrow(/no rows/);
    expect(() => parseTrace('time,rps\n2024-01-01T00:00Z,1\n2024-01-01T00:01Z,1\n2025-01-02T00:00Z,1\n', 'y.csv')).toThrow(
      /y\.csv:4: trace spans 367\.0 days/,
    );
  });
});
