import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { cloudwatchQueries, parseCloudWatch, periodForDays } from '../../src/workload/cloudwatch.js';

const page = (results: object[]) => JSON.stringify({ MetricDataResults: results, Messages: [] }, null, 4);
const series = (id: string, points: Array<[string, number]>) => ({
  Id: id,
  Label: id,
  Timestamps: points.map((p) => p[0]),
  Values: points.map((p) => p[1]),
  StatusCode: 'Complete',
});
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
    expect(h).toMatchObject({
      periodSeconds: 60,
      documents: 2,
      periods: 5,
      emptyPeriods: 1,
      inServiceUnits: null,
      minUnits: null,
      maxUnits: null,
    });
  });

  it('300 s periods: each period holds its rate for its 5 minutes; a period count is spread over them', () => {
    const text = page([
      series('successful', [
        ['2026-11-02T10:05:00Z', 1500],
        ['2026-11-02T10:00:00Z', 3000],
      ]),
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
    const two = {
      MetricDataResults: [
        { Id: 'b', Label: 'ThrottledCount', Timestamps: ['2026-11-02T09:01:00Z'], Values: [6] },
        { Id: 'a', Label: 'SuccessfulRequestCount', Timestamps: ['2026-11-02T09:01:00Z'], Values: [54] },
      ],
    };
    const h = parseCloudWatch(JSON.stringify([one, two]), 'cw.json');
    expect([...h.demandTps]).toEqual([1, 1]);
    expect([...h.throttledPerMinute]).toEqual([0, 6]);
  });

  it('recorded units: 0 where the model did not run; Min/Max the most common recorded values, and whether they changed', () => {
    const text = page([
      series('successful', [['2026-11-02T09:00:00Z', 60]]),
      series('throttled', []),
      series('inservice', [
        ['2026-11-02T09:00:00Z', 2],
        ['2026-11-02T09:02:00Z', 3],
      ]),
      series('minunits', [
        ['2026-11-02T09:00:00Z', 2],
        ['2026-11-02T09:01:00Z', 2],
        ['2026-11-02T09:02:00Z', 1],
      ]),
      series('maxunits', [['2026-11-02T09:00:00Z', 4]]),
    ]);
    const h = parseCloudWatch(text, 'cw.json');
    expect([...h.inServiceUnits!]).toEqual([2, 0, 3]);
    expect(h).toMatchObject({ minUnits: 2, maxUnits: 4, pairChanged: true });
  });

  it('refuses what is not a usable history, with one line and a position where there is one', () => {
    const ok = series('successful', [['2026-11-02T09:00:00Z', 60]]);
    expect(
      problemOf(
        page([
          ok,
          series('throttled', [['2026-11-02T09:01:00Z', 1]]),
          series('inservice', [
            ['2026-11-02T09:02:30Z', 1],
            ['2026-11-02T09:03:30Z', 1],
          ]),
        ]),
      ),
    ).toMatch(/off the 60 s grid/);
    expect(problemOf(page([ok, series('throttled', [['2026-11-02T09:02:00Z', 1]])]))).toMatch(
      /120 s apart: use a period of 60, 300, 3600 s/,
    );
    expect(problemOf(page([ok, series('throttled', []), series('successful', [['2026-11-02T09:00:00Z', 61]])]))).toMatch(
      /two different values at 2026-11-02T09:00:00.000Z \(60 and 61\)/,
    );
    expect(problemOf(page([ok, series('throttled', [['2026-11-02 09:00', 1]])]))).toMatch(
      /not an ISO 8601 time with a zone or epoch seconds/,
    );
    expect(problemOf(`${page([ok])}\nnot json\n`)).toMatch(/^cw\.json:\d+:1: unexpected text between JSON documents/);
    expect(problemOf('{"MetricDataResults": [')).toMatch(/^cw\.json(:\d+:\d+)?: not valid JSON/);
    expect(problemOf('{\n  "MetricDataResults": [{"Id": "successful", "Timestamps": [], "Values": "x"}]\n}')).toMatch(
      /^cw\.json:2:\d+: .*Values/,
    );
    expect(problemOf(page([series('successful', []), series('throttled', [])]))).toMatch(/no datapoints/);
  });
});

describe('the query that makes the file', () => {
  it('asks for the five per-model series and the two DetectCustomLabels operation series, by the Ids the reader knows', () => {
    const q = cloudwatchQueries('shelf', 'v1', 60);
    expect(q.map((x) => [x.Id, x.MetricStat.Metric.MetricName, x.MetricStat.Stat])).toEqual([
      ['successful', 'SuccessfulRequestCount', 'Sum'],
      ['throttled', 'ThrottledCount', 'Sum'],
      ['inservice', 'InServiceInferenceUnits', 'Average'],
      ['minunits', 'MinInferenceUnits', 'Average'],
      ['maxunits', 'MaxInferenceUnits', 'Average'],
      ['opsuccessful', 'SuccessfulRequestCount', 'Sum'],
      ['opthrottled', 'ThrottledCount', 'Sum'],
    ]);
    expect(q[0]!.MetricStat.Metric).toEqual({
      Namespace: 'AWS/Rekognition',
      MetricName: 'SuccessfulRequestCount',
      Dimensions: [
        { Name: 'ProjectName', Value: 'shelf' },
        { Name: 'VersionName', Value: 'v1' },
      ],
    });
    expect(q[5]!.MetricStat.Metric).toEqual({
      Namespace: 'AWS/Rekognition',
      MetricName: 'SuccessfulRequestCount',
      Dimensions: [{ Name: 'Operation', Value: 'DetectCustomLabels' }],
    });
  });

  it('picks the period CloudWatch still keeps for the window', () => {
    expect([1, 14, 15, 16, 63, 64, 455].map(periodForDays)).toEqual([60, 60, 60, 300, 300, 3600, 3600]);
  });
});

const T0 = '2026-11-02T09:00:00Z';
const at = (minute: number) => new Date(Date.parse(T0) + minute * 60_000).toISOString();

describe('CloudWatch history that cannot silently read as zero', () => {
  it('empty per-model request series while units were in service: refused, naming the list-metrics command for the region', () => {
    const text = page([
      series('successful', []),
      series('throttled', []),
      series('inservice', [
        [at(0), 2],
        [at(1), 2],
      ]),
    ]);
    let message = '';
    try {
      parseCloudWatch(text, 'cw.json', 'eu-central-1');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^cw\.json: no requests recorded while InServiceInferenceUnits shows units in service/);
    expect(message).toContain(
      "'aws cloudwatch list-metrics --namespace AWS/Rekognition --metric-name SuccessfulRequestCount --region eu-central-1'",
    );
  });

  it('per-model series empty, operation series with data: demand from the operation series, with a warning that it counts every model', () => {
    const text = page([
      series('successful', []),
      series('throttled', []),
      series('inservice', [
        [at(0), 1],
        [at(1), 1],
      ]),
      series('opsuccessful', [
        [at(0), 120],
        [at(1), 60],
      ]),
      series('opthrottled', [[at(1), 6]]),
    ]);
    const h = parseCloudWatch(text, 'cw.json');
    // 120 / 60 = 2 TPS; (60 + 6) / 60 = 1.1 TPS.
    expect([...h.demandTps]).toEqual([2, 1.1]);
    expect(h.demandScope).toBe('operation');
    expect(h.warnings.map((w) => w.code)).toEqual(['cloudwatch-operation-series']);
  });

  it('operation-only files read too; per-model data wins over operation data when both have requests', () => {
    const only = parseCloudWatch(page([series('opsuccessful', [[at(0), 60]]), series('opthrottled', [])]), 'cw.json');
    expect([...only.demandTps]).toEqual([1]);
    const both = parseCloudWatch(
      page([
        series('successful', [[at(0), 60]]),
        series('throttled', []),
        series('opsuccessful', [[at(0), 600]]),
        series('opthrottled', []),
      ]),
      'cw.json',
    );
    expect([...both.demandTps]).toEqual([1]);
    expect(both).toMatchObject({ demandScope: 'model', warnings: [] });
  });

  it('Forbidden and InternalError are refused: their zeros are not a measurement', () => {
    for (const code of ['Forbidden', 'InternalError']) {
      const text = page([{ ...series('successful', []), StatusCode: code }, series('throttled', [])]);
      expect(problemOf(text)).toMatch(new RegExp(`^cw\\.json: MetricDataResults 'successful': StatusCode ${code}`));
    }
    expect(problemOf(page([{ ...series('successful', [[at(0), 1]]), StatusCode: '\u001b[31mOops' }, series('throttled', [])]))).toMatch(
      /unknown StatusCode '\\u001b\[31mOops'/,
    );
  });

  it('PartialData on the last page is a warning; on a page with a NextToken followed by another page it is the normal first page', () => {
    const last = parseCloudWatch(
      page([{ ...series('successful', [[at(0), 60]]), StatusCode: 'PartialData' }, series('throttled', [])]),
      'cw.json',
    );
    expect(last.warnings.map((w) => w.code)).toEqual(['cloudwatch-partial-data']);
    const pages = readFileSync('test/fixtures/cloudwatch/two-pages.json', 'utf8');
    expect(parseCloudWatch(pages, 'cw.json').warnings).toEqual([]);
  });

  it('Messages are passed on as warnings, at most 40 characters of each', () => {
    const text = JSON.stringify({
      MetricDataResults: [series('successful', [[at(0), 60]]), series('throttled', [])],
      Messages: [{ Code: 'MaxMetricsExceeded', Value: 'x'.repeat(500) }],
    });
    const [w] = parseCloudWatch(text, 'cw.json').warnings;
    expect(w!.code).toBe('cloudwatch-message');
    expect(w!.message).toBe(`CloudWatch said MaxMetricsExceeded: ${'x'.repeat(40)}…`);
  });

  it('AWS CLI v1 epoch-second timestamps and ISO strings with any offset read as the same minutes', () => {
    const t0 = Date.parse(T0) / 1000;
    const v1 = parseCloudWatch(
      page([
        series('successful', [
          [t0 + 60, 120],
          [t0, 60],
        ] as never),
        series('throttled', []),
      ]),
      'cw.json',
    );
    const offsets = parseCloudWatch(
      page([
        series('successful', [
          ['2026-11-02T10:00:00+01:00', 60],
          ['2026-11-02T04:01:00-0500', 120],
        ]),
        series('throttled', [['2026-11-02T09:01:00.000+00:00', 0]]),
      ]),
      'cw.json',
    );
    for (const h of [v1, offsets]) {
      expect(h.startEpochMs).toBe(Date.parse(T0));
      expect([...h.demandTps]).toEqual([1, 2]);
    }
    expect(problemOf(page([series('successful', [[Date.parse(T0), 1]] as never), series('throttled', [])]))).toMatch(
      /not an ISO 8601 time with a zone or epoch seconds from 2000 to 2100/,
    );
    expect(problemOf(page([series('successful', [['2026-13-02T09:00:00Z', 1]]), series('throttled', [])]))).toMatch(
      /timestamp '2026-13-02T09:00:00Z'/,
    );
  });

  it('negative counts, units past the bound and 1e308 are refused at the series', () => {
    expect(problemOf(page([series('successful', [[at(0), -5]]), series('throttled', [])]))).toMatch(
      /MetricDataResults 'successful': value at 2026-11-02T09:00:00.000Z: -5 is negative/,
    );
    expect(problemOf(page([series('successful', [[at(0), 5]]), series('throttled', []), series('inservice', [[at(0), 1e308]])]))).toMatch(
      /'inservice'.*1\.00e\+308 is more than 100,000 units/,
    );
    expect(problemOf(page([series('successful', [[at(0), 1e308]]), series('throttled', [])]))).toMatch(
      /more than 1,000,000 requests a second/,
    );
  });
});

describe('CloudWatch files as untrusted input: linear, bounded', () => {
  it('40,000 documents read in time linear in their count (4x the documents: well under 16x the time, as quadratic reading would take)', () => {
    const doc = (i: number) =>
      JSON.stringify({
        MetricDataResults: [
          { Id: 'successful', Timestamps: [at(i)], Values: [60] },
          { Id: 'throttled', Timestamps: [], Values: [] },
        ],
      });
    const timeOf = (n: number) => {
      const text = Array.from({ length: n }, (_, i) => doc(i)).join('\n');
      const t0 = performance.now();
      const h = parseCloudWatch(text, 'cw.json');
      expect(h.documents).toBe(n);
      return performance.now() - t0;
    };
    timeOf(2_000);
    const small = Math.min(timeOf(10_000), timeOf(10_000));
    const large = Math.min(timeOf(40_000), timeOf(40_000));
    // Quadratic would be 16x; linear 4x. A loaded machine blurs it, so the bound is generous.
    expect(large / small).toBeLessThan(9);
  });

  it('arrays nested 5,000 to 50,000 deep are one line naming the place, not a crash', () => {
    for (const depth of [5_000, 50_000]) {
      expect(problemOf('['.repeat(depth) + ']'.repeat(depth))).toMatch(/^cw\.json:1:33: JSON nested more than 32 deep/);
    }
  });

  it('an overlong line and stray closing brackets are refused with a position', () => {
    expect(problemOf(`{"MetricDataResults": [], "x": "${'a'.repeat(9 * 1024 * 1024)}"}`)).toMatch(
      /^cw\.json:1:1: line of 9,437,\d+ characters/,
    );
    expect(problemOf('{}\n]')).toMatch(/^cw\.json:2:1: unexpected text between JSON documents/);
  });

  it('a 10 kB Id is quoted by its first 40 characters only', () => {
    const id = 'A'.repeat(200);
    const message = problemOf(
      page([
        { ...series('successful', [[at(0), 1]]), Label: 'SuccessfulRequestCount', Id: id, StatusCode: 'Forbidden' },
        series('throttled', []),
      ]),
    );
    expect(message).toContain(`'${'A'.repeat(40)}…'`);
    expect(message).not.toContain('A'.repeat(41));
  });
});

describe('a CloudWatch history read by plan', () => {
  it("the operation series' warning reaches the plan; a refused history is one line at the workload's line", async () => {
    const { runCli, tempDir } = await import('../helpers/cli.js');
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = tempDir();
    const points = (n: number, v: number): Array<[string, number]> => Array.from({ length: n }, (_, i) => [at(i), v]);
    writeFileSync(
      join(dir, 'ops.json'),
      page([
        series('successful', []),
        series('throttled', []),
        series('inservice', points(5, 1)),
        series('opsuccessful', points(5, 120)),
        series('opthrottled', []),
      ]),
    );
    writeFileSync(join(dir, 'zero.json'), page([series('successful', []), series('throttled', []), series('inservice', points(5, 1))]));
    const workload = (file: string) => {
      const w = join(dir, `${file}.yaml`);
      writeFileSync(
        w,
        `version: 1\nname: cw\nregion: eu-west-1\nmodel: { task: classification, tps_per_unit: 10 }\nimages: [{ share: 1, width: 640, height: 480, size_mb: 0.1 }]\ntraffic: { cloudwatch: ./${file}.json }\n`,
      );
      return w;
    };
    const ops = runCli(['plan', workload('ops'), '-f', 'json']);
    expect(ops.code, ops.stderr).toBe(0);
    expect(JSON.parse(ops.stdout).plans[0].warnings.map((w: { code: string }) => w.code)).toContain('cloudwatch-operation-series');
    const zero = runCli(['plan', workload('zero')]);
    expect(zero.code).toBe(2);
    expect(zero.stderr.trim().split('\n')).toHaveLength(1);
    expect(zero.stderr).toMatch(
      /zero\.yaml:6:\d+: traffic\.cloudwatch: .*zero\.json: no requests recorded while InServiceInferenceUnits shows units in service.*--region eu-west-1/,
    );
  });
});
