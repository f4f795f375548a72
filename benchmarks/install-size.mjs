#!/usr/bin/env node
// Size of a user's install: `npm pack`, then `npm install` of the tarball into an empty project,
// as a CI cost gate would install capacity-plan. Target: node_modules ≤ 30 MB, and plan,
// validate and gate work there while bench and demo say what to install.
//   npm run build && node benchmarks/install-size.mjs [--with-peers]
// --with-peers also installs the optional measurement stack beside it, for comparison.
// Prints a table and writes benchmarks/results/install-size.json.
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, consumerInstall, printTable, requireBuild, sizeByPackage, writeResult } from './lib.mjs';

const TARGET_MB = 30;
const withPeers = process.argv.includes('--with-peers');
const mb = (bytes) => bytes / 1024 / 1024;

requireBuild();
const installs = [{ name: 'capacity-plan', extra: [] }];
if (withPeers) {
  const pkg = (await import('../package.json', { with: { type: 'json' } })).default;
  installs.push({
    name: 'capacity-plan + measurement stack',
    extra: Object.entries(pkg.peerDependencies).map(([n, range]) => `${n}@${range}`),
  });
}

const results = [];
for (const { name, extra } of installs) {
  const c = consumerInstall({ extra });
  try {
    const packages = sizeByPackage(join(c.project, 'node_modules'));
    const totalMb = mb(Object.values(packages).reduce((a, b) => a + b, 0));
    copyFileSync(join(ROOT, 'examples', 'workloads', 'shelf-audit.yaml'), join(c.project, 'shelf-audit.yaml'));
    const checks = {
      validate: c.run(['validate', 'shelf-audit.yaml']),
      plan: c.run(['plan', 'shelf-audit.yaml', '-f', 'json']),
      gate: c.run(['gate', 'shelf-audit.yaml']),
      bench: c.run(['bench', '--quick', '--out', 'never-written.json']),
    };
    if (extra.length) delete checks.bench; // with the stack installed bench would measure for ~20 s
    const top = Object.entries(packages).sort((a, b) => b[1] - a[1]);
    results.push({
      install: name,
      tarballMb: mb(c.packed.size),
      tarballFiles: c.packed.entryCount,
      installS: c.installS,
      nodeModulesMb: totalMb,
      packages: Object.fromEntries(top.map(([p, bytes]) => [p, +mb(bytes).toFixed(3)])),
      checks: Object.fromEntries(
        Object.entries(checks).map(([k, r]) => [k, { exitCode: r.code, stderr: r.stderr.trim().split('\n')[0] ?? '' }]),
      ),
    });
  } finally {
    rmSync(c.dir, { recursive: true, force: true });
  }
}

printTable(
  ['install', 'tarball MB', 'files', 'install s', 'node_modules MB', 'largest packages'],
  results.map((r) => [
    r.install,
    r.tarballMb.toFixed(2),
    r.tarballFiles,
    r.installS.toFixed(1),
    r.nodeModulesMb.toFixed(1),
    Object.entries(r.packages)
      .slice(0, 4)
      .map(([p, m]) => `${p} ${m.toFixed(1)}`)
      .join(', '),
  ]),
);
const light = results[0];
console.log('\nin the light install (exit code, first line of stderr):');
for (const [k, v] of Object.entries(light.checks)) console.log(`  ${k.padEnd(8)} ${v.exitCode}  ${v.stderr}`);
// gate exits 1 when a budget rule fails: a verdict, so it worked.
const works =
  light.checks.validate.exitCode === 0 &&
  light.checks.plan.exitCode === 0 &&
  [0, 1].includes(light.checks.gate.exitCode) &&
  light.checks.bench.exitCode === 2;
const met = light.nodeModulesMb <= TARGET_MB && works;
console.log(
  `\nnode_modules ${light.nodeModulesMb.toFixed(1)} MB; target ≤ ${TARGET_MB} MB with plan, validate and gate working and bench exiting 2: ${met ? 'met' : 'NOT met'}`,
);
writeResult('install-size', { targetMb: TARGET_MB, targetMet: met, results });
if (!met) process.exitCode = 1;
