import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './cli.js';

/**
 * Which npm packages a CLI run loaded: a preload script records the CommonJS module cache at exit
 * (onnxruntime-node, sharp and the AWS SDK's packages are CommonJS). Pass `env` to the run, then `read()`.
 */
export function packageProbe(): { env: Record<string, string>; read(): string[] } {
  const dir = tempDir();
  const preload = join(dir, 'preload.cjs');
  const loaded = join(dir, 'loaded.txt');
  const probe = (out: string) => {
    process.on('exit', () => {
      const pkgs = Object.keys(require.cache)
        .filter((k) => k.includes('node_modules/'))
        .map((k) => k.split('node_modules/').pop()!.split('/'))
        .map(([a, b]) => (a!.startsWith('@') ? `${a}/${b}` : a!));
      require('node:fs').writeFileSync(out, [...new Set(pkgs)].join(' '));
    });
  };
  writeFileSync(preload, `(${probe.toString()})(${JSON.stringify(loaded)});`);
  return { env: { NODE_OPTIONS: `--require ${preload}` }, read: () => readFileSync(loaded, 'utf8').split(' ') };
}
