// Shared by the benchmark scripts: run the built CLI, print a table, write JSON under benchmarks/results/.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { performance } from 'node:perf_hooks';

export const ROOT = resolve(import.meta.dirname, '..');
export const BIN = join(ROOT, 'bin', 'capacity-plan.js');
export const RESULTS = join(ROOT, 'benchmarks', 'results');

export function requireBuild() {
  if (!existsSync(join(ROOT, 'dist', 'cli.cjs'))) {
    console.error('benchmarks run against dist/: run `npm run build` first');
    process.exit(2);
  }
}

export function tempDir(prefix = 'capacity-plan-bench-') {
  return mkdtempSync(join(os.tmpdir(), prefix));
}

/**
 * Runs the built CLI; wall time from here, peak RSS from GNU time (-f %M, kB) when /usr/bin/time
 * exists (the child's own high-water mark, including onnxruntime's and libvips' native memory).
 */
export function runCli(args, { cwd = ROOT, env = {}, bin = BIN } = {}) {
  const haveTime = existsSync('/usr/bin/time');
  const rssDir = tempDir('capacity-plan-rss-');
  const rssFile = join(rssDir, 'rss');
  const cmd = haveTime ? '/usr/bin/time' : process.execPath;
  const argv = haveTime ? ['-f', '%M', '-o', rssFile, process.execPath, bin, ...args] : [bin, ...args];
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallS = (performance.now() - t0) / 1000;
  let maxRssMb = null;
  try {
    if (haveTime) maxRssMb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024;
  } catch {
    // GNU time wrote nothing (e.g. the child was killed): no memory figure for this run.
  } finally {
    rmSync(rssDir, { recursive: true, force: true });
  }
  if (r.status !== 0) {
    console.error(r.stderr);
    throw new Error(`capacity-plan ${args.join(' ')} exited ${r.status}`);
  }
  return { wallS, maxRssMb, stdout: r.stdout, stderr: r.stderr };
}

export function loadAverage() {
  return os.loadavg().map((x) => +x.toFixed(2));
}

/** Prints rows as an aligned text table. */
export function printTable(head, rows) {
  const all = [head, ...rows].map((r) => r.map(String));
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(w[i])).join('  ');
  console.log(line(all[0]));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const r of all.slice(1)) console.log(line(r));
}

export function writeResult(name, data) {
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${name}.json`);
  writeFileAtomic.sync(
    file,
    JSON.stringify(
      {
        benchmark: name,
        when: new Date().toISOString(),
        host: { cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), loadAverage: loadAverage() },
        ...data,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nwritten ${file}`);
}

/**
 * Installs this package as a user would: `npm pack` (of the current dist/; run `npm run build`
 * first), then `npm install` of the tarball into an empty project. `extra` are more packages for
 * the same install (e.g. the optional measurement stack). npm's cache serves what it can: with
 * no dependencies the tarball installs without the network.
 * Returns the project folder; `run(args)` runs its installed `capacity-plan`.
 */
export function consumerInstall({ extra = [], dir = tempDir('capacity-plan-consumer-') } = {}) {
  const npm = (args, cwd) => {
    const r = spawnSync('npm', args, {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
    });
    if (r.status !== 0) throw new Error(`npm ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  };
  // --ignore-scripts: `prepare` would rebuild; the tarball holds the dist/ that was just built.
  const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT))[0];
  const project = join(dir, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }) + '\n');
  // onnxruntime-node's install script downloads GPU providers unless told not to; the CPU one ships in the package.
  if (extra.length) writeFileSync(join(project, '.npmrc'), 'onnxruntime-node-install=skip\n');
  const t0 = performance.now();
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, packed.filename), ...extra], project);
  const installS = (performance.now() - t0) / 1000;
  const bin = join(project, 'node_modules', '.bin', 'capacity-plan');
  const run = (args, env = {}) => {
    const r = spawnSync(bin, args, { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { dir, project, packed, installS, run };
}

/** Bytes of every file under `dir` (apparent size, as `du --apparent-size`), by top-level package. */
export function sizeByPackage(nodeModules) {
  const sizeOf = (p) => {
    const st = lstatSync(p);
    if (!st.isDirectory()) return st.size;
    let total = 0;
    for (const name of readdirSync(p)) total += sizeOf(join(p, name));
    return total;
  };
  const out = {};
  for (const name of readdirSync(nodeModules)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@'))
      for (const sub of readdirSync(join(nodeModules, name))) out[`${name}/${sub}`] = sizeOf(join(nodeModules, name, sub));
    else out[name] = sizeOf(join(nodeModules, name));
  }
  return out;
}
