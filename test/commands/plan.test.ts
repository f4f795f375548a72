import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, runCliInTerminal, tempDir } from '../helpers/cli.js';
import { loadtestResult } from '../helpers/loadtest-result.js';

const SHELF = 'examples/workloads/shelf-audit.yaml';
const PARCEL = 'examples/workloads/parcel-labels.yaml';
const QUALITY = 'examples/workloads/quality-inspection.yaml';
const ANSI = /\x1b\[/;

function planJson(args: string[]) {
  const r = runCli(['plan', ...args, '--format', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** The one plan of a single-file run: the root is `{schema, plans, totals}` for one file too. */
function onePlan(file: string) {
  const j = planJson([file]);
  expect(j.schema).toBe('capacity-plan/plan@3');
  expect(j.plans).toHaveLength(1);
  expect(j.totals.maxInferenceUnits).toBe(j.plans[0].maxInferenceUnits);
  return j.plans[0];
}

describe('plan: formats', () => {
  it('table by default, with the formula behind each number', () => {
    const r = runCli(['plan', SHELF], { env: { COLUMNS: '160' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    // The answer last, where the screen ends: one headline per workload, its cost on its basis.
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      'shelf-audit: run MinInferenceUnits 2 / MaxInferenceUnits 5 — $7,300.00/month expected (Max in peak hours, Min otherwise); survives losing a zone at peak',
    );
    expect(r.stdout).toMatch(/MinInferenceUnits\s+│ +2 │/);
    expect(r.stdout).toMatch(/MaxInferenceUnits\s+│ +5 │/);
    expect(r.stdout).toContain('max(floor 2, ceil(5 / 8) = 1) = 2 (AZ floor applied)');
    expect(r.stdout).toContain('max(2, ceil(30 / 8) = 4) + 1 for a zone outage = 5');
    expect(r.stdout).toContain('$7,300.00');
    expect(r.stdout).not.toMatch(ANSI);
  });

  it('json: capacity-plan/plan@3 with the figures worked out by hand in docs/planner.md', () => {
    const p = onePlan(SHELF);
    expect(p).toMatchObject({
      name: 'shelf-audit',
      service: 'rekognition-custom-labels',
      region: 'us-east-1',
      pricePerUnitHourUsd: 4,
      tpsPerUnit: 10,
      minInferenceUnits: 2,
      maxInferenceUnits: 5,
      pairSource: 'static-rule',
      staticRule: { minInferenceUnits: 2, maxInferenceUnits: 5, azFloorApplied: true },
      hoursPerMonth: 730,
      monthlyCostUsd: 7300,
      costBasis: 'expected',
      costByBasis: { min: 5840, max: 14600, expected: 7300 },
      costPer1000ImagesUsd: 0.4444,
      zoneOutage: {
        zones: 3,
        required: true,
        check: 'static',
        holds: true,
        unitsLostWorstCase: 2,
        capacityLeftAtMaxTps: 30,
        servesPeak: true,
      },
      warnings: [],
    });
  });

  it('json from a bench file: several image classes with different TPS', () => {
    // ocr-det example cost model ms = 60 + 20·MP + 10·MB + 2·objects:
    //   1920×1080 (2.0736 MP), 1.0 MB, 10 obj → 60 + 41.472 + 10 + 20 = 131.472 ms
    //   3840×2160 (8.2944 MP), 3.5 MB, 40 obj → 60 + 165.888 + 35 + 80 = 340.888 ms
    // per request 0.75 × 131.472 + 0.25 × 340.888 = 183.826 ms → 5.4399 TPS × calibration 0.8 = 4.352 TPS.
    // cap = 4.352 × 0.75 = 3.264. Min: ceil(6 / 3.264) = 2; outage over 3 zones: 2 leaves 1 × 4.352 < 6, 3 leaves 2 → 8.70 → Min 3.
    // Max: ceil(24 / 3.264 = 7.35) = 8 leaves 8 − 3 = 5 × 4.352 = 21.76 < 24; 9 leaves 6 → 26.112 → Max 9.
    // Hours: 20 h × 6 d × 730/168 = 521.4286 h. Min 3 → 1564.29 h → $6257.14 (at $4, eu-west-1);
    // Max 9 → 4692.86 h → $18771.43; expected (9 × 6 + 3 × 14) × 6 × 730/168 = 2502.86 h → $10011.43.
    const p = onePlan(PARCEL);
    expect(p.classes.map((c: { tps: number }) => c.tps)).toEqual([7.606, 2.934]);
    expect(p.tpsPerUnit).toBe(4.352);
    expect([p.minInferenceUnits, p.maxInferenceUnits]).toEqual([3, 9]);
    expect(p.zoneOutage).toMatchObject({ unitsLostWorstCase: 3, capacityLeftAtMaxTps: 26.112, servesPeak: true });
    expect(p.staticRule.unitsAddedForOutage).toEqual({ min: 1, max: 1 });
    expect(p.costByBasis).toEqual({ min: 6257.14, max: 18771.43, expected: 10011.43 });
    expect([p.costBasis, p.monthlyCostUsd]).toEqual(['expected', 10011.43]);
    expect(p.tpsSource).toBe('bench file ./example-bench.json, model ocr-det');
  });

  it('json: a 10 h × 5 d fixed fleet', () => {
    // 12 TPS × 0.8 = 9.6; ceil(15 / 9.6 = 1.5625) = 2 = Min = Max (fixed). 10 × 5 × 730/168 = 217.26 h;
    // 2 units → 434.52 h → × $4 = $1738.10. 2 units over 2 zones: losing one leaves 12 TPS < 15: warned.
    const p = onePlan(QUALITY);
    expect([p.minInferenceUnits, p.maxInferenceUnits, p.autoscale]).toEqual([2, 2, false]);
    expect(p.hoursPerMonth).toBe(217.26);
    expect(p.costByBasis).toEqual({ min: 1738.1, max: 1738.1 });
    expect([p.costBasis, p.monthlyCostUsd]).toEqual(['max', 1738.1]);
    expect(p.warnings.map((w: { code: string }) => w.code)).toEqual(['zone-outage-throttles']);
  });

  it('markdown: a heading and a table per workload', () => {
    const r = runCli(['plan', SHELF, '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(
      r.stdout.startsWith(
        '- **shelf-audit: run MinInferenceUnits 2 / MaxInferenceUnits 5 — $7,300.00/month expected (Max in peak hours, Min otherwise); survives losing a zone at peak**\n\n### shelf-audit — rekognition-custom-labels',
      ),
    ).toBe(true);
    expect(r.stdout).toMatch(/\| MinInferenceUnits +\| +\*\*2\*\* \|/);
    expect(r.stdout).toContain('| Monthly cost, expected');
  });

  it('several files: every plan and their totals in each format', () => {
    const j = planJson([SHELF, PARCEL, QUALITY]);
    expect(j.schema).toBe('capacity-plan/plan@3');
    expect(j.plans.map((p: { name: string }) => p.name)).toEqual(['shelf-audit', 'parcel-labels', 'quality-inspection']);
    // 2 + 3 + 2 = 7 and 5 + 9 + 2 = 16 units; the headline costs: $7300 (expected) + $10011.43 (expected)
    // + $1738.10 (Max all month: quality-inspection has no peak_hours_per_day) = $19049.53.
    expect(j.totals).toEqual({
      workloads: 3,
      minInferenceUnits: 7,
      maxInferenceUnits: 16,
      monthlyCostUsd: 19049.53,
      bases: { simulated: 0, expected: 2, max: 1, min: 0 },
    });
    const t = runCli(['plan', SHELF, PARCEL, QUALITY], { env: { COLUMNS: '200' } });
    expect(t.code).toBe(0);
    expect(t.stdout.trimEnd().split('\n').at(-1)).toBe(
      'total of 3 workloads: Min 7 / Max 16 units, $19,049.53/month (the headline costs added: 2 expected + 1 at Max)',
    );
    const m = runCli(['plan', SHELF, PARCEL, QUALITY, '-f', 'markdown']);
    expect(m.stdout).toContain('- total of 3 workloads: Min 7 / Max 16 units, $19,049.53/month');
    expect(m.stdout.match(/^### /gm)).toHaveLength(3);
  });

  it('a total of expected costs when every workload is quoted on that basis', () => {
    // 7300 + 10011.43 = 17311.43
    expect(planJson([SHELF, PARCEL]).totals).toMatchObject({ monthlyCostUsd: 17311.43, bases: { expected: 2 } });
  });
});

describe('plan --out', () => {
  it.each(['table', 'json', 'markdown'])('%s: the file holds exactly what stdout would, and nothing else is left behind', (format) => {
    const dir = tempDir();
    const out = join(dir, `plan.${format}`);
    const toStdout = runCli(['plan', SHELF, PARCEL, '--format', format]);
    const toFile = runCli(['plan', SHELF, PARCEL, '--format', format, '--out', out]);
    expect(toFile.code).toBe(0);
    expect(toFile.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(toStdout.stdout);
    expect(readdirSync(dir)).toEqual([`plan.${format}`]); // no temp file left by the atomic write
  });

  it('never writes colour codes into a file, even with FORCE_COLOR', () => {
    const dir = tempDir();
    const out = join(dir, 'plan.txt');
    expect(runCli(['plan', SHELF, '--out', out], { env: { FORCE_COLOR: '1', NO_COLOR: undefined } }).code).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toMatch(ANSI);
  });

  it('overwrites an existing file in place', () => {
    const dir = tempDir();
    const out = join(dir, 'plan.json');
    runCli(['plan', PARCEL, '-f', 'json', '-o', out]);
    runCli(['plan', SHELF, '-f', 'json', '-o', out]);
    expect(JSON.parse(readFileSync(out, 'utf8')).plans[0].name).toBe('shelf-audit');
  });

  it('an unwritable path is exit 2 with one line', () => {
    const r = runCli(['plan', SHELF, '--out', '/nonexistent-dir/plan.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('capacity-plan: /nonexistent-dir/plan.txt: cannot write: ENOENT\n');
  });
});

describe('plan: colour', () => {
  const table = (env: Record<string, string | undefined>) =>
    runCli(['plan', SHELF], { env: { NO_COLOR: undefined, FORCE_COLOR: undefined, ...env } }).stdout;

  const onTerminal = (env: Record<string, string | undefined>) => runCliInTerminal(['plan', SHELF], { env }).stdout;

  it('none when stdout is not a terminal', () => expect(table({})).not.toMatch(ANSI));
  it('on a terminal', () => expect(onTerminal({})).toMatch(ANSI));
  it('FORCE_COLOR=1 does not colour a pipe (README: never in pipes)', () => expect(table({ FORCE_COLOR: '1' })).not.toMatch(ANSI));
  it('FORCE_COLOR=0 keeps a terminal plain', () => expect(onTerminal({ FORCE_COLOR: '0' })).not.toMatch(ANSI));
  it('NO_COLOR keeps a terminal plain', () => expect(onTerminal({ NO_COLOR: '1' })).not.toMatch(ANSI));
  it('NO_COLOR wins over FORCE_COLOR', () => expect(onTerminal({ FORCE_COLOR: '1', NO_COLOR: '1' })).not.toMatch(ANSI));
  it('json and markdown never carry colour', () => {
    for (const f of ['json', 'markdown'])
      expect(runCli(['plan', SHELF, '-f', f], { env: { FORCE_COLOR: '1', NO_COLOR: undefined } }).stdout).not.toMatch(ANSI);
  });
});

describe('exit codes and usage', () => {
  it('help documents the exit codes, for the program and for plan', () => {
    const top = runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(
      /0 +success[\s\S]*1 +a gate rule failed[\s\S]*2 +invalid input or usage[\s\S]*3 +internal error[\s\S]*130 +interrupted/,
    );
    const plan = runCli(['plan', '--help']);
    expect(plan.stdout).toMatch(/0 +success[\s\S]*2 +invalid input or usage[\s\S]*3 +internal error/);
    expect(plan.stdout).not.toContain('a gate rule failed'); // plan cannot return 1
  });

  it('--version is exit 0', () => {
    expect(runCli(['--version'])).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });

  it.each([
    [
      'an unknown format',
      ['plan', SHELF, '--format', 'xml'],
      /^capacity-plan: option '-f, --format <format>' argument 'xml' is invalid\. Allowed choices are table, json, markdown, html\.\n$/,
    ],
    ['no workload file', ['plan'], /^capacity-plan: missing required argument 'workload'\n$/],
    ['an unknown option', ['plan', SHELF, '--bogus'], /^capacity-plan: unknown option '--bogus'\n$/],
    ['a mistyped option', ['plan', SHELF, '--formt', 'json'], /^capacity-plan: unknown option '--formt' \(Did you mean --format\?\)\n$/],
    ['an unknown command', ['simulat', SHELF], /^capacity-plan: unknown command 'simulat' \(Did you mean simulate\?\)\n$/],
    ['a missing option value', ['simulate', SHELF, '--min'], /^capacity-plan: option '--min <units>' argument missing\n$/],
    [
      'too many arguments',
      ['simulate', SHELF, SHELF],
      /^capacity-plan: too many arguments for 'simulate'\. Expected 1 argument but got 2\.\n$/,
    ],
  ])('%s is a usage error: exit 2, one line after capacity-plan:', (_what, args, message) => {
    const r = runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('one bad file among good ones fails the whole plan with exit 2 and prints no partial report', () => {
    const r = runCli(['plan', SHELF, 'test/fixtures/bad/bytes-4mb.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});

describe('plan starts light', () => {
  it('never loads onnxruntime-node or sharp (every module resolution and the CommonJS cache, recorded at exit)', () => {
    const dir = tempDir();
    const hooks = join(dir, 'hooks.mjs');
    const preload = join(dir, 'preload.mjs');
    const resolved = join(dir, 'resolved.txt');
    const required = join(dir, 'required.txt');
    writeFileSync(resolved, '');
    // A resolve hook sees every ESM import (bundled or not, built-in or package); the CommonJS
    // cache, everything required.
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) { const r = await next(specifier, context); appendFileSync(${JSON.stringify(resolved)}, r.url + '\\n'); return r; }\n`,
    );
    writeFileSync(
      preload,
      `import { register, createRequire } from 'node:module';\nimport { writeFileSync } from 'node:fs';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\nconst require = createRequire(import.meta.url);\nprocess.on('exit', () => writeFileSync(${JSON.stringify(required)}, Object.keys(require.cache).join('\\n')));\n`,
    );
    const r = runCli(['plan', PARCEL, '-f', 'json'], { env: { NODE_OPTIONS: `--import ${pathToFileURL(preload).href}` } });
    expect(r.code).toBe(0);
    const modules = [...readFileSync(resolved, 'utf8').split('\n'), ...readFileSync(required, 'utf8').split('\n')];
    // The probe does see what plan loads: the entry through the ESM hook, the CLI bundle in the CommonJS cache.
    expect(modules.some((m) => m.endsWith('/bin/capacity-plan.js') && m.startsWith('file:'))).toBe(true);
    expect(modules.some((m) => m.endsWith('/dist/cli.cjs'))).toBe(true);
    expect(modules.filter((m) => /node_modules\/(onnxruntime-node|sharp)\//.test(m))).toEqual([]);
  });
});

const TRACE = 'examples/workloads/storefront-trace.yaml';

describe('capacity-plan plan with traffic over time', () => {
  it('shows the searched Min/Max next to the peak/baseline pair, with the saving, and answers with the searched pair', () => {
    const t = runCli(['plan', TRACE]);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('Step: cost-optimal search');
    expect(t.stdout).toContain('Step: saving of the search');
    const j = JSON.parse(runCli(['plan', TRACE, '-f', 'json']).stdout).plans[0];
    // peak_tps and baseline_tps come from the trace.
    expect(j.peakTps).toBeCloseTo(36.59, 2);
    expect(j.baselineTps).toBe(3);
    const s = j.search;
    expect(j.pairSource).toBe('search');
    expect([j.minInferenceUnits, j.maxInferenceUnits]).toEqual([s.minInferenceUnits, s.maxInferenceUnits]);
    expect([j.costBasis, j.monthlyCostUsd]).toEqual(['simulated', s.monthlyCostUsd]);
    expect(s.feasible).toBe(true);
    expect(s.throttledPct).toBeLessThanOrEqual(0.1);
    expect(s.monthlySavingUsd).toBeCloseTo(j.staticRule.simulated.monthlyCostUsd - s.monthlyCostUsd, 2);
  });

  it('leaves a plain peak/baseline workload as it was', () => {
    const j = JSON.parse(runCli(['plan', SHELF, '-f', 'json']).stdout).plans[0];
    expect(j.search).toBeUndefined();
    expect(j.pairSource).toBe('static-rule');
    expect(j.peakTps).toBe(30);
  });
});

describe('plan: the command that starts the model', () => {
  const ARN = 'arn:aws:rekognition:eu-west-1:123456789012:project/shelf/version/shelf.2026-11-01/1700000000000';
  const withArn = (arn: string) => {
    const dir = tempDir();
    const file = join(dir, 'w.yaml');
    writeFileSync(file, readFileSync(SHELF, 'utf8').replace(/^model:\n/m, `model:\n  project_version_arn: ${arn}\n`));
    return file;
  };

  it("prints aws rekognition start-project-version with the planned Min/Max and the ARN's region", () => {
    const file = withArn(ARN);
    const p = JSON.parse(runCli(['plan', file, '-f', 'json']).stdout).plans[0];
    expect(p.startCommand).toBe(
      `aws rekognition start-project-version --region eu-west-1 --project-version-arn ${ARN} --min-inference-units 2 --max-inference-units 5`,
    );
    expect(runCli(['plan', file]).stdout).toContain(`start it with: ${p.startCommand}`);
    expect(runCli(['plan', file, '-f', 'markdown']).stdout).toContain('```sh\n' + p.startCommand + '\n```');
    expect(JSON.parse(runCli(['plan', SHELF, '-f', 'json']).stdout).plans[0].startCommand).toBeUndefined();
  });

  it('refuses something that is not a model version ARN, at its line', () => {
    const r = runCli(['plan', withArn('arn:aws:s3:::bucket; rm -rf /')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/w\.yaml:\d+:\d+: model\.project_version_arn: project_version_arn: expected arn:aws:rekognition/);
  });
});

describe('plan: the search keeps survive_zone_outage', () => {
  const profile = readFileSync('examples/workloads/storefront-profile.yaml', 'utf8').replace(
    /\n  zones: 3\n/,
    '\n  zones: 3\n  survive_zone_outage: true\n',
  );

  it('the answer survives a simulated zone outage at the busiest hour, and the headline says so', () => {
    const dir = tempDir();
    const file = join(dir, 'zone-safe.yaml');
    writeFileSync(file, profile);
    const r = runCli(['plan', file, '-f', 'json']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout).plans[0];
    // 10 TPS a unit, peak 120, 3 zones: N − ceil(N / 3) ≥ 12 needs N = 18 (the search's Max floor).
    const max = p.maxInferenceUnits;
    expect(max).toBeGreaterThanOrEqual(18);
    expect(p.pairSource).toBe('search');
    expect(p.zoneOutage).toMatchObject({ required: true, check: 'simulated', holds: true });
    const o = p.zoneOutage.outage;
    // A 2 h outage from the busiest hour (12:00, 120 TPS; a 24-hour profile has no weekdays) throttles only while replacements start.
    expect(o).toMatchObject({ start: '12:00', durationMinutes: 120, lagMinutes: 15, throttledAfterLag: 0 });
    expect(o.throttledPct).toBeLessThanOrEqual((15 / 120) * 100);
    expect(p.headline).toContain('survives a 2 h zone outage from 12:00');
  });

  it('with zones: 1 it says plainly that no pair survives', () => {
    const dir = tempDir();
    const file = join(dir, 'one-zone.yaml');
    writeFileSync(file, profile.replace('\n  zones: 3\n', '\n  zones: 1\n'));
    const r = runCli(['plan', file, '-f', 'json']);
    const p = JSON.parse(r.stdout).plans[0];
    expect(p.zoneOutage).toMatchObject({ required: true, holds: false });
    expect(p.notes.join(' ')).toContain('no pair keeps the promise');
    expect(p.headline).toContain('does NOT survive a zone outage');
  });
});

describe('plan: calibration from a load test file', () => {
  // 5.2 TPS per unit on one unit, sent 1000x1000 1 MB images with 5 boxes.
  const LT = loadtestResult({ units: 1 });
  const workloadWith = (lt: unknown, named = 'lt.json') => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bench.json'), readFileSync('examples/workloads/example-bench.json'));
    if (lt !== undefined) writeFileSync(join(dir, 'lt.json'), typeof lt === 'string' ? lt : JSON.stringify(lt));
    const file = join(dir, 'w.yaml');
    writeFileSync(
      file,
      `version: 1\nname: lt\nmodel:\n  task: detection\n  bench: bench.json\n  bench_model: ocr-det\n  calibration: { loadtest: ${named} }\nimages:\n  - { share: 1, width: 2000, height: 2000, size_mb: 2, objects: 20 }\ntraffic: { peak_tps: 16, baseline_tps: 4 }\n`,
    );
    return file;
  };

  it("plans from the load test's TPS per unit, anchored to the image class it sent (figures in the derivation)", () => {
    // Local 10 TPS at the load test's 1000x1000, 1 MB, 5 boxes (example cost model): factor 5.2 / 10 = 0.52;
    // the class (2000x2000, 2 MB, 20 boxes: 200 ms, 5 local TPS) is 2.6 TPS a unit.
    const r = runCli(['plan', workloadWith(LT), '-f', 'json']);
    expect(r.stderr).toBe('');
    const p = JSON.parse(r.stdout).plans[0];
    expect(p.calibration).toBe(0.52);
    expect(p.tpsPerUnit).toBe(2.6);
    expect(p.derivation.calibration).toContain(
      '5.20 TPS per unit from the load test lt.json (5.20 highest clean TPS / 1 units in service, 2026-11-02)',
    );
    expect(runCli(['validate', workloadWith(LT)]).code).toBe(0);
  });

  it('a missing, malformed or unusable load test file is exit 2 at the line that names it', () => {
    const missing = runCli(['plan', workloadWith(undefined)]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^capacity-plan: \S+w\.yaml:7:28: model\.calibration\.loadtest: \S+lt\.json: loadtest result file not found\n$/,
    );
    const malformed = runCli(['plan', workloadWith('{"schema": "capacity-plan/loadtest@1"')]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(
      /w\.yaml:7:28: model\.calibration\.loadtest: \S+lt\.json:1:38: loadtest result file is not valid JSON/,
    );
    const unclean = runCli([
      'plan',
      workloadWith({ ...LT, complete: false, stoppedBy: 'throttled-at-start', highestCleanTps: null, tpsPerUnit: null }),
    ]);
    expect(unclean.code).toBe(2);
    expect(unclean.stderr).toMatch(/w\.yaml:7:28: model\.calibration: lt\.json: the load test found no step without throttling/);
    const outside = runCli(['plan', workloadWith(LT, '../../etc/passwd')]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/w\.yaml:7:28: model\.calibration\.loadtest: path '\.\.\/\.\.\/etc\/passwd' leads outside/);
    for (const r of [missing, malformed, unclean, outside]) expect(r.stderr.split('\n')).toHaveLength(2);
  });
});
