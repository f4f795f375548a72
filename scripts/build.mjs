// `npm run build` (after tsc has typechecked and emitted build/): bundles the CLI into dist/ with
// esbuild. Why a bundle: a cold `plan` loaded ~150 files (zod alone ~100) through Node's module
// loader, most of its start-up; one file loads in one read.
//
// What dist/ holds:
//   cli.cjs                  what bin/capacity-plan.js requires: the CLI and its commands, the
//                            libraries it uses bundled in, as one CommonJS file (one read, and
//                            Node's compile cache keeps it whole). Commands still load lazily:
//                            a command's modules run only when it does.
//   bench/scaling-worker.js  the worker thread of `bench --scaling`, a bundle of its own (ESM)
//   serve/unit-worker.js     an inference unit of `serve`, a bundle of its own (ESM)
//   THIRD-PARTY-NOTICES.txt  licences of the bundled libraries
// The measurement stack (onnxruntime-node, sharp, ...) stays external: native code and data
// files cannot be bundled, and they are optional peer dependencies, installed only for bench.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

// Optional peers are imported at run time from the user's node_modules; everything else is bundled.
const external = Object.keys(pkg.peerDependencies ?? {});

/**
 * Bundling moves a module's code into another file, so `import.meta.url` and
 * `import.meta.dirname` would point at the bundle, not where the module sits under src/.
 * Rewrite them to the path the module would have in dist/ unbundled (dist/bench/conditions.js
 * for src/bench/conditions.ts), so paths computed from them (the package root, the worker
 * file) come out as they do when the sources run directly (tests, tsc's build/).
 * `outDir` is the folder of dist/ that this build writes its files into (every file of one
 * build lands in that one folder).
 */
function sourceLocation(outDir) {
  return {
    name: 'source-location',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(SRC)) return undefined;
        const srcDir = relative(SRC, dirname(args.path)).split('\\').join('/');
        const fromOut = posix.relative(outDir, srcDir);
        const prefix = fromOut ? `${fromOut}/` : './';
        const jsName = args.path.slice(dirname(args.path).length + 1).replace(/\.ts$/, '.js');
        let text = readFileSync(args.path, 'utf8');
        text = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(prefix + jsName)}, import.meta.url).href`);
        if (fromOut) text = text.replaceAll('import.meta.dirname', `(import.meta.dirname + ${JSON.stringify('/' + fromOut)})`);
        return { contents: text, loader: 'ts' };
      });
    },
  };
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: true,
  // Like tsc's maps: they point at src/ and node_modules/ rather than carrying every source.
  sourcesContent: false,
  metafile: true,
  // Less to parse at every start (commander alone is 125 kB, mostly comments); names are kept,
  // so stack traces of a bug report still read, and the source maps point at src/.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};

/** The workers: ES modules, started by `new Worker(url)`. */
const esm = {
  ...common,
  format: 'esm',
  // Bundled CommonJS libraries call require() for Node built-ins (commander, cli-table3) and read
  // __filename (write-file-atomic names its temporary files with it): give each file its own.
  banner: {
    js: [
      "import { createRequire as __cpCreateRequire } from 'node:module';",
      "import { fileURLToPath as __cpFileURLToPath } from 'node:url';",
      'const require = __cpCreateRequire(import.meta.url);',
      'const __filename = __cpFileURLToPath(import.meta.url);',
    ].join(' '),
  },
};

/**
 * The CLI: a CommonJS script, where `import.meta` is the script's own file. Strict mode as the ES
 * modules it is built from: the directive has to come first, before the banner.
 */
const cjs = {
  ...common,
  format: 'cjs',
  define: { 'import.meta.url': '__cpMetaUrl', 'import.meta.dirname': '__dirname' },
  banner: { js: "'use strict'; const __cpMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

rmSync(DIST, { recursive: true, force: true });
const cli = await build({
  ...cjs,
  entryPoints: { cli: join(SRC, 'cli.ts') },
  outdir: DIST,
  outExtension: { '.js': '.cjs' },
  plugins: [sourceLocation('')],
});
const worker = await build({
  ...esm,
  entryPoints: { 'scaling-worker': join(SRC, 'bench', 'scaling-worker.ts') },
  outdir: join(DIST, 'bench'),
  plugins: [sourceLocation('bench')],
});
// serve's inference units: worker threads started from dist/serve/unit-worker.js.
const unitWorker = await build({
  ...esm,
  entryPoints: { 'unit-worker': join(SRC, 'serve', 'unit-worker.ts') },
  outdir: join(DIST, 'serve'),
  plugins: [sourceLocation('serve')],
});

// `import { z } from 'zod'` hands esbuild zod's whole namespace object, which it cannot
// tree-shake: 500 kB more to parse at every start, 40 translations included. `import * as z` can.
const bundled = Object.values(cli.metafile.outputs).flatMap((o) =>
  Object.entries(o.inputs)
    .filter(([, i]) => i.bytesInOutput > 0)
    .map(([f]) => f),
);
const zodLocales = bundled.filter((f) => /node_modules\/zod\/.*\/locales\/(?!en\.js|index\.js)/.test(f));
if (zodLocales.length > 0) {
  console.error(
    `build: the bundle holds zod's translations (${zodLocales.length} files): import zod as \`import * as z from 'zod'\`, not \`import { z }\``,
  );
  process.exit(1);
}

// The HTML reports inline uPlot into every page they write: its minified script and stylesheet
// ship as files in dist/assets/ (read by commands/output.ts), and its licence with the others below.
const UPLOT = join(ROOT, 'node_modules', 'uplot');
mkdirSync(join(DIST, 'assets', 'uplot'), { recursive: true });
for (const f of ['uPlot.iife.min.js', 'uPlot.min.css'])
  writeFileSync(join(DIST, 'assets', 'uplot', f), readFileSync(join(UPLOT, 'dist', f)));

// MIT and ISC ask that the notice travel with the code: one file listing every bundled package.
const packages = new Map();
for (const input of [
  ...Object.keys(cli.metafile.inputs),
  ...Object.keys(worker.metafile.inputs),
  ...Object.keys(unitWorker.metafile.inputs),
]) {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) packages.set(m[1], join(ROOT, input.slice(0, m.index + m[0].length)));
}
packages.set('uplot', UPLOT + '/');
const notices = [...packages.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([name, dir]) => {
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licenseFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = licenseFile ? readFileSync(join(dir, licenseFile), 'utf8').trim() : `License: ${meta.license}`;
    return `${name}@${meta.version} (${meta.license})\n\n${text}\n`;
  });
mkdirSync(DIST, { recursive: true });
writeFileSync(
  join(DIST, '.THIRD-PARTY-NOTICES.txt.tmp'),
  `capacity-plan bundles these packages:\n\n${notices.join('\n' + '-'.repeat(72) + '\n\n')}`,
);
renameSync(join(DIST, '.THIRD-PARTY-NOTICES.txt.tmp'), join(DIST, 'THIRD-PARTY-NOTICES.txt'));
