import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { loadtestResult } from '../helpers/loadtest-result.js';
import { encodeModel, writeModel } from '../helpers/onnx-graphs.js';
import { interruptWhenWritten } from '../helpers/processes.js';

/**
 * A workload file from a pull request is untrusted: one test group per class of broken promise
 * (issue "Hardening"), each from the issue's own example and a few variants, through the real CLI.
 * Every refusal is exit 2 with one line and no stack trace.
 */

const workload = (extra: Record<string, string> = {}) => {
  const lines = {
    version: '1',
    name: 'w',
    price_per_unit_hour: '1',
    model: '{ task: classification, tps_per_unit: 10 }',
    images: '[{ share: 1, width: 640, height: 480, size_mb: 0.3 }]',
    traffic: '{ peak_tps: 30 }',
    ...extra,
  };
  return (
    Object.entries(lines)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n') + '\n'
  );
};

/** One line on stderr, `capacity-plan: …`, exit 2, no stack trace, nothing on stdout. */
function expectOneLine(r: CliResult, pattern: RegExp): string {
  expect(r.stderr).not.toMatch(/\n\s+at |internal error|Warning:/);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.code).toBe(2);
  return r.stderr;
}

function dirWith(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const TRACE = 'timestamp,rps\n2025-03-03T00:00:00Z,5\n2025-03-03T00:01:00Z,25\n';
const SECRET = 'hunter2-very-secret-token-value';

describe('1. file contents and the environment never leak into errors; paths stay in their folder', () => {
  it('trace: /proc/self/environ is refused without quoting the environment', () => {
    const dir = dirWith({ 'w.yaml': workload({ traffic: '{ trace: /proc/self/environ }' }) });
    const err = expectOneLine(
      runCli(['plan', 'w.yaml'], { cwd: dir, env: { MY_TOKEN: SECRET } }),
      /^capacity-plan: w\.yaml:6:19: traffic\.trace: path '\/proc\/self\/environ' leads outside/,
    );
    expect(err.toLowerCase()).not.toContain(SECRET);
  });

  it('trace: ../../../../etc/shadow and an absolute path are refused at the key, naming the path only', () => {
    for (const path of ['../../../../etc/shadow', '/etc/passwd']) {
      const dir = dirWith({ 'w.yaml': workload({ traffic: `{ trace: ${path} }` }) });
      const err = expectOneLine(
        runCli(['validate', 'w.yaml'], { cwd: dir }),
        /traffic\.trace: path .* leads outside the folder of the file naming it/,
      );
      expect(err).not.toMatch(/root:/);
    }
  });

  it('a symlink inside the folder leading out of it is refused like the path itself', () => {
    const dir = dirWith({ 'w.yaml': workload({ traffic: '{ trace: t.csv }' }) });
    symlinkSync('/etc/passwd', join(dir, 't.csv'));
    expectOneLine(runCli(['plan', 'w.yaml'], { cwd: dir }), /traffic\.trace: path 't\.csv' leads outside/);
  });

  it('a bad bench file or trace inside the folder: the error quotes no more than the start of the offending field', () => {
    const key = `-----BEGIN KEY-----${SECRET}${'A'.repeat(200)}`;
    const dir = dirWith({
      'w.yaml': workload({ model: '{ task: classification, bench: key.json }' }),
      'key.json': key,
      'k.csv': `${key}\n`,
    });
    expect(
      expectOneLine(runCli(['plan', 'w.yaml'], { cwd: dir }), /model\.bench: .*key\.json:\d+:\d+: bench result file is not valid JSON/),
    ).not.toContain(SECRET);
    writeFileSync(join(dir, 'w.yaml'), workload({ traffic: '{ trace: k.csv }' }));
    const err = expectOneLine(runCli(['plan', 'w.yaml'], { cwd: dir }), /k\.csv:1: header needs a timestamp column/);
    expect(err).not.toContain(SECRET);
    expect(err).toContain("got '-----begin key-----hunte…'");
  });

  it('--allow-path widens where named files may be; the working directory is always allowed', () => {
    const shared = dirWith({ 't.csv': TRACE });
    const dir = dirWith({ 'w.yaml': workload({ traffic: `{ trace: ${join(shared, 't.csv')} }` }) });
    expectOneLine(runCli(['plan', 'w.yaml'], { cwd: dir }), /leads outside .*--allow-path DIR/);
    expect(runCli(['plan', 'w.yaml', '--allow-path', shared], { cwd: dir }).code).toBe(0);
    expect(runCli(['plan', join(dir, 'w.yaml')], { cwd: shared }).code).toBe(0);
  });

  it('a workload named on the command line that is a symlink leading elsewhere is refused', () => {
    const dir = dirWith({});
    symlinkSync('/etc/passwd', join(dir, 'w.yaml'));
    expectOneLine(runCli(['plan', join(dir, 'w.yaml')], { cwd: dir }), /w\.yaml: is a symbolic link leading outside its own folder/);
  });
});

describe('2. special files are refused before they are read', () => {
  it('/dev/zero as a trace or bench file (even when its folder is allowed): refused at once', () => {
    const dir = dirWith({ 'w.yaml': workload({ traffic: '{ trace: /dev/zero }' }) });
    expectOneLine(runCli(['plan', 'w.yaml', '--allow-path', '/dev'], { cwd: dir }), /traffic\.trace: \/dev\/zero: is not a regular file/);
    writeFileSync(join(dir, 'w.yaml'), workload({ model: '{ task: classification, bench: /dev/zero }' }));
    expectOneLine(runCli(['plan', 'w.yaml', '--allow-path', '/dev'], { cwd: dir }), /model\.bench: .*\/dev\/zero: is not a regular file/);
  });

  it('a FIFO as a trace, a workload or a baseline does not block', () => {
    const dir = dirWith({ 'w.yaml': workload({ traffic: '{ trace: fifo.csv }' }), 'ok.yaml': workload() });
    spawnSync('mkfifo', [join(dir, 'fifo.csv'), join(dir, 'fifo.yaml'), join(dir, 'fifo.json')]);
    expectOneLine(runCli(['plan', 'w.yaml'], { cwd: dir }), /fifo\.csv: is not a regular file/);
    expectOneLine(runCli(['validate', 'fifo.yaml'], { cwd: dir }), /^fifo\.yaml: is not a regular file/);
    expectOneLine(
      runCli(['gate', 'ok.yaml', '--baseline', 'fifo.json'], { cwd: dir }),
      /^capacity-plan: fifo\.json: is not a regular file/,
    );
  });

  it('an images_dir holding a symlink to /dev/zero or outside the folder: refused before reading', () => {
    for (const target of ['/dev/zero', '/etc/passwd']) {
      const dir = dirWith({ 's.yaml': 'version: 1\nmodels: [ocr-cls]\nconditions:\n  images_dir: imgs\n' });
      mkdirSync(join(dir, 'imgs'));
      symlinkSync(target, join(dir, 'imgs', 'a.jpg'));
      expectOneLine(
        runCli(['bench', 's.yaml', '--out', 'r.json'], { cwd: dir }),
        /imgs\/a\.jpg: (is a symbolic link leading outside its own folder|is not a regular file)/,
      );
    }
  });

  it('a file over the 64 MiB read limit is refused without reading it (a sparse 600 MB trace)', () => {
    const dir = dirWith({ 'w.yaml': workload({ traffic: '{ trace: big.csv }' }), 'big.csv': '' });
    truncateSync(join(dir, 'big.csv'), 600 * 2 ** 20);
    expectOneLine(runCli(['plan', 'w.yaml'], { cwd: dir }), /big\.csv: trace file is larger than 64 MiB/);
  });
});

describe('3. valid-looking workloads finish in bounded time', () => {
  it('survive_zone_outage with a tiny tps_per_unit and a huge peak: refused by the unit bound, at once', () => {
    const dir = dirWith({
      'w.yaml': workload({
        model: '{ task: classification, tps_per_unit: 0.000000001 }',
        traffic: '{ peak_tps: 1000000 }',
        availability: '{ survive_zone_outage: true }',
      }),
    });
    expectOneLine(
      runCli(['validate', 'w.yaml'], { cwd: dir }),
      /w\.yaml:4:46: the traffic needs about .* units .*more than the 100,000 units/,
    );
  });

  it('the Min/Max search at tps_per_unit 0.001 over a 24-hour profile (70,500 units) finishes', () => {
    const profile = '[6, 6, 6, 6, 6, 7, 12, 24, 36, 42, 45, 47, 47, 45, 42, 36, 30, 24, 18, 12, 9, 7, 6, 6]';
    const dir = dirWith({
      'w.yaml': workload({
        model: '{ task: classification, tps_per_unit: 0.001 }',
        traffic: `{ profile: ${profile} }`,
        availability: '{ survive_zone_outage: true }',
      }),
    });
    const r = runCli(['plan', 'w.yaml', '-f', 'json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout).plans[0];
    expect(plan.maxInferenceUnits).toBe(70_500);
    expect(plan.search.feasible).toBe(true);
    expect(plan.zoneOutage.holds).toBe(true);
  }, 60_000);
});

describe('4. numbers that would overflow are refused by the schema', () => {
  it('peak_tps: 1e308 and its variants name the key and the bound', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ traffic: '{ peak_tps: 1e308 }' }, /traffic\.peak_tps: must be at most 1,000,000 requests per second/],
      [{ traffic: '{ peak_tps: .inf }' }, /traffic\.peak_tps: must be/],
      [{ price_per_unit_hour: '1e300' }, /price_per_unit_hour: must be at most 1,000 USD/],
      [
        { traffic: '{ profile: [1e308, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] }' },
        /traffic\.profile\[0\]: profile value must be at most 1,000,000/,
      ],
      [{ scaling: '{ scale_up_minutes: 100000000 }' }, /scaling\.scale_up_minutes: must be at most 1,440 \(a day\)/],
      [{ budget: '{ max_units: 1e12 }' }, /budget\.max_units: must be at most 100,000/],
    ];
    for (const [extra, pattern] of cases) {
      const dir = dirWith({ 'w.yaml': workload(extra) });
      expectOneLine(runCli(['plan', 'w.yaml'], { cwd: dir }), pattern);
    }
  });

  it('the largest accepted numbers plan to finite figures, and that JSON is accepted as a baseline', () => {
    const dir = dirWith({
      'w.yaml': workload({
        price_per_unit_hour: '1000',
        model: '{ task: classification, tps_per_unit: 1000000 }',
        traffic: '{ peak_tps: 1000000, peak_hours_per_day: 24 }',
      }),
    });
    const r = runCli(['plan', 'w.yaml', '-f', 'json', '--out', 'plan.json'], { cwd: dir });
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'plan.json'), 'utf8');
    expect(text).not.toMatch(/null|Infinity|NaN/);
    expect(runCli(['gate', 'w.yaml', '--baseline', 'plan.json'], { cwd: dir }).code).toBe(0);
  });
});

describe('5. a model input too large for the memory budget is refused before a session runs', () => {
  it('a 60000×60000 input (and a float16 variant) is exit 2 at its line', () => {
    for (const dtype of ['float32', 'float16']) {
      const dir = dirWith({
        's.yaml': `version: 1\nmodels:\n  - name: huge\n    task: classification\n    path: m.onnx\n    input: { width: 60000, height: 60000, dtype: ${dtype} }\n    output: { format: logits }\n`,
        'm.onnx': 'not read',
      });
      expectOneLine(
        runCli(['bench', 's.yaml', '--out', 'r.json'], { cwd: dir }),
        /s\.yaml:6:21: models\[0\]\.input\.width: input 60000x60000x3 float(32|16) is \d+ MiB: more than the 256 MiB memory budget/,
      );
      expect(existsSync(join(dir, 'r.json'))).toBe(false);
    }
  });
});

describe('6. every failure maps to its documented exit code', () => {
  it('a YAML alias bomb is exit 2 at the first alias', () => {
    const row = (name: string, ref: string) => `${name}: &${name} [${Array(9).fill(`*${ref}`).join(', ')}]`;
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      row('b', 'a'),
      row('c', 'b'),
      row('d', 'c'),
      row('e', 'd'),
      row('f', 'e'),
      row('g', 'f'),
      row('h', 'g'),
    ].join('\n');
    const dir = dirWith({ 'w.yaml': bomb });
    expectOneLine(runCli(['validate', 'w.yaml'], { cwd: dir }), /w\.yaml:2:\d+: too many aliases/);
  });

  it('an input over 512 MB is exit 2 (sparse file, never read)', () => {
    const dir = dirWith({ 'w.yaml': '' });
    truncateSync(join(dir, 'w.yaml'), 600 * 2 ** 20);
    expectOneLine(runCli(['plan', 'w.yaml'], { cwd: dir }), /w\.yaml: workload file is larger than 64 MiB/);
  });

  it('an empty or truncated .onnx is exit 2 naming the file', () => {
    for (const bytes of ['', '\x08\x07\x12\x0apaddle']) {
      const dir = dirWith({
        's.yaml':
          'version: 1\nmodels:\n  - name: m\n    task: classification\n    path: m.onnx\n    input: { width: 32, height: 32 }\n    output: { format: logits }\nconditions: { resolutions: ["64x64"], sizes_mb: [0.01] }\n',
        'm.onnx': bytes,
      });
      expectOneLine(runCli(['bench', 's.yaml', '--out', 'r.json'], { cwd: dir }), /^capacity-plan: m\.onnx: not a valid ONNX model/);
    }
  });

  it('a failed write to stdout (> /dev/full) is one line and exit 2, never a stack trace or exit 1', () => {
    const dir = dirWith({ 'w.yaml': workload() });
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" plan w.yaml > /dev/full`], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('capacity-plan: stdout: cannot write: ENOSPC\n');
    expect(r.status).toBe(2);
  });
});

describe('7. --out never destroys what it should not', () => {
  it("refuses to overwrite the command's own inputs: workload, trace (through a symlink), baseline", () => {
    const dir = dirWith({ 'w.yaml': workload({ traffic: '{ trace: t.csv }' }), 't.csv': TRACE });
    symlinkSync('t.csv', join(dir, 'link.csv'));
    const before = readFileSync(join(dir, 'w.yaml'), 'utf8');
    expectOneLine(runCli(['plan', 'w.yaml', '--out', 'w.yaml'], { cwd: dir }), /^capacity-plan: w\.yaml: is an input of this command/);
    expectOneLine(
      runCli(['simulate', 'w.yaml', '--out', 'link.csv'], { cwd: dir }),
      /^capacity-plan: link\.csv: is an input of this command/,
    );
    expect(runCli(['plan', 'w.yaml', '-f', 'json', '--out', 'base.json'], { cwd: dir }).code).toBe(0);
    expectOneLine(
      runCli(['gate', 'w.yaml', '--baseline', 'base.json', '--out', 'base.json'], { cwd: dir }),
      /base\.json: is an input of this command/,
    );
    expect(readFileSync(join(dir, 'w.yaml'), 'utf8')).toBe(before);
    expect(readFileSync(join(dir, 't.csv'), 'utf8')).toBe(TRACE);
    expect(readdirSync(dir).sort()).toEqual(['base.json', 'link.csv', 't.csv', 'w.yaml']);
  });

  it('refuses to replace a read-only file, and leaves no temporary file', () => {
    const dir = dirWith({ 'w.yaml': workload(), 'ro.txt': 'keep' });
    chmodSync(join(dir, 'ro.txt'), 0o444);
    expectOneLine(runCli(['plan', 'w.yaml', '--out', 'ro.txt'], { cwd: dir }), /ro\.txt: is read-only/);
    expect(readFileSync(join(dir, 'ro.txt'), 'utf8')).toBe('keep');
    expect(readdirSync(dir).sort()).toEqual(['ro.txt', 'w.yaml']);
  });

  it('writes through to /dev/stdout and a FIFO instead of replacing them', async () => {
    const dir = dirWith({ 'w.yaml': workload() });
    const r = runCli(['plan', 'w.yaml', '-f', 'json', '--out', '/dev/stdout'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).schema).toBe('capacity-plan/plan@3');
    spawnSync('mkfifo', [join(dir, 'pipe')]);
    const reader = spawn('cat', [join(dir, 'pipe')]);
    let got = '';
    reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
    const done = new Promise((resolve) => reader.on('close', resolve));
    expect(runCli(['plan', 'w.yaml', '-f', 'json', '--out', 'pipe'], { cwd: dir }).code).toBe(0);
    await done;
    expect(JSON.parse(got).schema).toBe('capacity-plan/plan@3');
    expect(statSync(join(dir, 'pipe')).isFIFO()).toBe(true);
  });

  it('bench refuses a result file another bench is writing (its lock), with one line', () => {
    const dir = dirWith({});
    writeFileSync(join(dir, 'r.json.lock'), `${process.pid}\n`);
    expectOneLine(
      runCli(['bench', '--quick', '--out', 'r.json'], { cwd: dir }),
      new RegExp(`r\\.json: another capacity-plan bench \\(pid ${process.pid}\\) is writing this result`),
    );
  });

  it('Ctrl-C over a complete result keeps it: the partial one goes to the side file', async () => {
    const dir = dirWith({
      's.yaml':
        'version: 1\nmodels: [ocr-cls]\nconditions:\n  resolutions: ["640x480", "1280x720"]\n  sizes_mb: [0.05, 0.1]\nmeasure: { min_samples: 3, min_time_s: 0.8, max_time_s: 1, block_conditions: 2 }\n',
    });
    copyFileSync(join(ROOT, 'examples/workloads/example-bench.json'), join(dir, 'r.json'));
    const complete = readFileSync(join(dir, 'r.json'), 'utf8');
    // Interrupt once the first condition is measured: its checkpoint is in the side file.
    const { code, stderr } = await interruptWhenWritten(['bench', 's.yaml', '--out', 'r.json'], join(dir, 'r.json.partial'), { cwd: dir });
    expect(code).toBe(130);
    expect(readFileSync(join(dir, 'r.json'), 'utf8')).toBe(complete);
    expect(JSON.parse(readFileSync(join(dir, 'r.json.partial'), 'utf8')).complete).toBe(false);
    expect(stderr).toMatch(
      /written to r\.json\.partial \(the complete result already there is kept\); finish it with --resume r\.json\.partial --out r\.json/,
    );
    expect(readdirSync(dir).sort()).toEqual(['r.json', 'r.json.partial', 's.yaml']);
  }, 120_000);
});

describe('8. names cannot inject into the terminal or the markdown comment', () => {
  it('an escape sequence in name: is refused at validation with its line', () => {
    const dir = dirWith({ 'w.yaml': workload({ name: '"evil\\e[2J\\e]0;pwned\\a"' }) });
    expectOneLine(runCli(['validate', 'w.yaml'], { cwd: dir }), /w\.yaml:2:7: name: .*must not contain control characters/);
  });

  it('an escape sequence in a file a workload names (bench, trace, cloudwatch, loadtest) is refused at its line', () => {
    const evil = '"x\\e]8;;https://e.vil\\a.json"';
    for (const [key, line, pattern] of [
      ['model', `{ task: classification, bench: ${evil} }`, /w\.yaml:4:39: model\.bench: must not contain control characters/],
      [
        'model',
        `{ task: classification, bench: b.json, calibration: { loadtest: ${evil} } }`,
        /w\.yaml:4:\d+: model\.calibration\.loadtest: must not contain control characters/,
      ],
      ['traffic', `{ trace: ${evil} }`, /w\.yaml:6:\d+: traffic\.trace: must not contain control characters/],
      ['traffic', `{ cloudwatch: ${evil} }`, /w\.yaml:6:\d+: traffic\.cloudwatch: must not contain control characters/],
    ] as const) {
      const dir = dirWith({ 'w.yaml': workload({ [key]: line }) });
      expectOneLine(runCli(['validate', 'w.yaml'], { cwd: dir }), pattern);
    }
  });

  it("a load test file's endpoint reaches the plan's warnings quoted, escaped and cut short", () => {
    const endpoint = '\u001b]0;pwned\u0007 [x](https://e.vil) <img src=x> @octocat ' + 'y'.repeat(300);
    const dir = dirWith({
      'b.json': readFileSync('examples/workloads/example-bench.json', 'utf8'),
      'lt.json': JSON.stringify({
        ...loadtestResult({ kind: 'endpoint' }),
        target: {
          kind: 'endpoint',
          endpoint,
          projectVersionArn: 'arn:aws:rekognition:us-east-1:000000000000:project/l/version/l/1',
          region: null,
        },
      }),
      'w.yaml': workload({ model: '{ task: detection, bench: b.json, bench_model: ocr-det, calibration: { loadtest: lt.json } }' }),
    });
    const table = runCli(['plan', 'w.yaml'], { cwd: dir });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).not.toMatch(/\u001b|\u0007/);
    expect(table.stdout).toContain('calibration-not-aws');
    expect(table.stdout).not.toContain('y'.repeat(201));
    const md = runCli(['plan', 'w.yaml', '-f', 'markdown'], { cwd: dir });
    expect(md.stdout).not.toMatch(/<img|@octocat|\u001b/);
    expect(md.stdout).toContain('\\[x\\](https://e.vil) &lt;img src=x&gt; @&#8203;octocat');
  });

  it('|, HTML, @mentions and the gate comment marker are escaped in the markdown comment', () => {
    const name = "'a | b <img src=x onerror=alert(1)> @octocat <!-- capacity-plan-gate --> [x](https://e.vil)'";
    const dir = dirWith({ 'w.yaml': workload({ name, budget: '{ monthly_usd: 1 }' }) });
    const r = runCli(['gate', 'w.yaml', '-f', 'markdown'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/<img|@octocat/);
    expect(r.stdout).toContain('\\[x\\](https://e.vil)');
    expect(r.stdout).toContain('a \\| b &lt;img src=x onerror=alert(1)&gt; @&#8203;octocat');
    expect(r.stdout.split('<!-- capacity-plan-gate -->')).toHaveLength(2);
    expect(r.stdout.trimEnd().endsWith('<!-- capacity-plan-gate -->')).toBe(true);
  });
});

describe('9. every bad input is one file:line:col line', () => {
  const cases: Array<[text: string, pattern: RegExp]> = [
    ['? [a, b]\n: 1\n', /^capacity-plan: w\.yaml:1:3: a key must be a plain name, not a list, mapping or alias$/m],
    ['version: 1\nnull: x\n', /^capacity-plan: w\.yaml:2:1: a key must not be empty or null/m],
    [
      workload({ traffic: '{ peak_tps: 30, peak_hours_per_day: 25 }' }),
      /w\.yaml:6:46: traffic\.peak_hours_per_day: must be at most 24 \(and 1 more/,
    ],
    [workload({ name: '"a\\0b"' }), /w\.yaml:2:7: name: .*must not contain control characters/],
  ];
  it.each(cases)('%j', (text, pattern) => {
    const dir = dirWith({ 'w.yaml': text });
    expectOneLine(runCli(['plan', 'w.yaml'], { cwd: dir }), pattern);
  });

  it('bytes that are not UTF-8 in a name: refused at their line and column', () => {
    const dir = dirWith({});
    writeFileSync(join(dir, 'w.yaml'), Buffer.concat([Buffer.from('version: 1\nname: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expectOneLine(runCli(['validate', 'w.yaml'], { cwd: dir }), /^w\.yaml:2:10: workload file is not valid UTF-8 text/);
  });

  it('onnxruntime warnings (here: an unused initializer) do not precede the one error line', () => {
    const dir = dirWith({
      's.yaml':
        'version: 1\nmodels:\n  - name: m\n    task: detection\n    path: m.onnx\n    input: { width: 64, height: 64 }\n    output: { format: yolov8, num_classes: 2 }\nconditions: { resolutions: ["64x64"], sizes_mb: [0.01], objects: [0] }\n',
    });
    writeModel(
      dir,
      'm.onnx',
      encodeModel({
        inputs: [{ name: 'images', shape: [1, 3, 64, 64] }],
        outputs: [{ name: 'out', shape: [1, 30, 8] }],
        initializers: [
          { name: 'out_value', dims: [1, 30, 8], values: new Array<number>(240).fill(0) },
          { name: 'unused', dims: [2], values: [1, 2] },
        ],
        nodes: [{ opType: 'Identity', input: ['out_value'], output: ['out'] }],
      }),
    );
    expectOneLine(runCli(['bench', 's.yaml', '--out', 'r.json'], { cwd: dir }), /^capacity-plan: m\.onnx: output format yolov8 expects/);
  });

  it('a bad suite resolution names the suite file and line', () => {
    for (const res of ['70000x2', '0x10', '100000x100000']) {
      const dir = dirWith({ 's.yaml': `version: 1\nmodels: [ocr-cls]\nconditions:\n  resolutions: ["${res}"]\n` });
      expectOneLine(
        runCli(['bench', 's.yaml', '--out', 'r.json'], { cwd: dir }),
        /^capacity-plan: s\.yaml:4:\d+: conditions\.resolutions\[0\]: /,
      );
    }
  });
});
