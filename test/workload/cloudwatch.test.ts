import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { cloudwatchQueries, parseCloudWatch, periodForDays } from '../../src/workload/cloudwatch.js';

const page = (results: object[]) => JSON.stringify({ MetricDataResults: results, Messages: [] }, null, 4);
const series = (id: string, points: Array<[string, number]>) => ({ Id: id, Label: id, Timestamps: points.map((p) => p[0]), Values: points.map((p) => p[1]), StatusCode: 'Complete' });
const problemOf = (text: string) => {
  try {
    parseCloudWatch(text, 'cw.json');
  } catch (err) {
    if (err instanceof UserError) return err.message;
    throw err;
  }
  throw new Error('expected a UserError');
};

describe('parseCloudWatch: the output of aws cloudwatch get-metric-data', () => {
  it('two pages, descending timestamps and a gap give demand = (successful + throttled) / period, minute by minute', () => {
    const h = parseCloudWatch(readFileSync('test/fixtures/cloudwatch/two-pages.json', 'utf8'), 'two-pages.json');
    // 09:00 600/60 = 10; 09:01 1200/60 = 20; 09:02 no datapoint = 0; 09:03 (900 + 30)/60 = 15.5; 09:04 300/60 = 5.
    expect([...h.demandTps]).toEqual([10, 20, 0, 15.5, 5]);
    expect([...h.throttledPerMinute]).toEqual([0, 0, 0, 30, 0]);
    expect(h.startEpochMs).toBe(Date.parse('2026-11-02T09:00:00Z'));
    expect(h).toMatchObject({ periodSeconds: 60, pages: 2, periods: 5, emptyPeriods: 1, inServiceUnits: null, minUnits: null, maxUnits: null });
  });

  it('300 s periods: each period holds its rate for its 5 minutes; a period count is spread over them', () => {
    const text = page([
      series('successful', [['2026-11-02T10:05:00Z', 1500], ['2026-11-02T10:00:00Z', 3000]]),
      series('throttled', [['2026-11-02T10:05:00Z', 50]]),
    ]);
    const h = parseCloudWatch(text, 'cw.json');
    // 3000 / 300 = 10 TPS; (1500 + 50) / 300 = 5.1667 TPS; 50 throttled over 5 minutes = 10 a minute.
    expect(h.periodSeconds).toBe(300);
    expect([...h.demandTps].map((x) => +x.toFixed(4))).toEqual([10, 10, 10, 10, 10, 5.1667, 5.1667, 5.1667, 5.1667, 5.1667]);
    expect([...h.throttledPerMinute]).toEqual([0, 0, 0, 0, 0, 10, 10, 10, 10, 10]);
  });

  it('an array of pages reads like pages written one after another, and series are found by Label too', () => {
    const one = { MetricDataResults: [{ Id: 'a', Label: 'SuccessfulRequestCount', Timestamps: ['2026-11-02T09:00:00Z'], Values: [60] }] };
    const two = { MetricDataResults: [{ Id: 'b', Label: 'ThrottledCount', Timestamps: ['2026-11-02T09:01:00Z'], Values: [6] }, { Id: 'a', Label: 'SuccessfulRequestCount', Timestamps: ['2026-11-02T09:01:00Z'], Values: [54] }] };
    const h = parseCloudWatch(JSON.stringify([one, two]), 'cw.json');
    expect([...h.demandTps]).toEqual([1, 1]);
    expect([...h.throttledPerMinute]).toEqual([0, 6]);
  });

  it('recorded units: 0 where the model did not run; Min/Max the most common recorded values, and whether they changed', () => {
    const text = page([
      series('successful', [['2026-11-02T09:00:00Z', 60]]),
      series('throttled', []),
      series('inservice', [['2026-11-02T09:00:00Z', 2], ['2026-11-02T09:02:00Z', 3]]),
      series('minunits', [['2026-11-02T09:00:00Z', 2], ['2026-11-02T09:01:00Z', 2], ['2026-11-02T09:02:00Z', 1]]),
      series('maxunits', [['2026-11-02T09:00:00Z', 4]]),
    ]);
    const h = parseCloudWatch(text, 'cw.json');
    expect([...h.inServiceUnits!]).toEqual([2, 0, 3]);
    expect(h).toMatchObject({ minUnits: 2, maxUnits: 4, pairChanged: true });
  });

  it('refuses what is not a usable history, with one line and a position where there is one', () => {
    const ok = series('successful', [['2026-11-02T09:00:00Z', 60]]);
    expect(problemOf(page([ok]))).toMatch(/^cw\.json: no ThrottledCount results \(Id 'throttled'\)/);
    expect(problemOf(page([ok, series('throttled', [['2026-11-02T09:01:00Z', 1]]), series('inservice', [['2026-11-02T09:02:30Z', 1], ['2026-11-02T09:03:30Z', 1]])]))).toMatch(/off the 60 s grid/);
    expect(problemOf(page([ok, series('throttled', [['2026-11-02T09:02:00Z', 1]])]))).toMatch(/120 s apart: use a period of 60, 300, 3600 s/);
    expect(problemOf(page([ok, series('throttled', []), series('successful', [['2026-11-02T09:00:00Z', 61]])]))).toMatch(/two different values at 2026-11-02T09:00:00.000Z \(60 and 61\)/);
    expect(problemOf(page([ok, series('throttled', [['2026-11-02 09:00', 1]])]))).toMatch(/not an ISO 8601 time with a zone/);
    expect(problemOf(`${page([ok])}\nnot json\n`)).toMatch(/^cw\.json:\d+:1: unexpected text between JSON documents/);
    expect(problemOf('{"MetricDataResults": [')).toMatch(/^cw\.json(:\d+:\d+)?: not valid JSON/);
    expect(problemOf('{\n  "MetricDataResults": [{"Id": "successful", "Timestamps": [], "Values": "x"}]\n}')).toMatch(/^cw\.json:2:\d+: .*Values/);
    expect(problemOf(page([series('successful', []), series('throttled', [])]))).toMatch(/no datapoints/);
  });
});

describe('the query that makes the file', () => {
  it('asks for the five series by the Ids the reader knows, in AWS/Rekognition with ProjectName and VersionName', () => {
    const q = cloudwatchQueries('shelf', 'v1', 60);
    expect(q.map((x) => [x.Id, x.MetricStat.Metric.MetricName, x.MetricStat.Stat])).toEqual([
      ['successful', 'SuccessfulRequestCount', 'Sum'],
      ['throttled', 'ThrottledCount', 'Sum'],
      ['inservice', 'InServiceInferenceUnits', 'Average'],
      ['minunits', 'MinInferenceUnits', 'Average'],
      ['maxunits', 'MaxInferenceUnits', 'Average'],
    ]);
    expect(q[0]!.MetricStat.Metric).toEqual({ Namespace: 'AWS/Rekognition', MetricName: 'SuccessfulRequestCount', Dimensions: [{ Name: 'ProjectName', Value: 'shelf' }, { Name: 'VersionName', Value: 'v1' }] });
  });

  it('picks the period CloudWatch still keeps for the window', () => {
    expect([1, 14, 15, 16, 63, 64, 455].map(periodForDays)).toEqual([60, 60, 60, 300, 300, 3600, 3600]);
  });
});
