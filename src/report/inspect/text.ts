import type { ModelInspection, TensorDescription } from '../../contracts/inspect.js';
import { forTerminal } from '../../core/escape.js';
import type { Formatter } from '../format.js';
import { entryYaml } from './yaml.js';

/**
 * Names, producers and metadata come from the model file: shortened, then control characters
 * (ANSI and OSC escapes start with one) and bidi overrides shown as visible escapes.
 */
function clean(value: string, max = 80): string {
  const short = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  return forTerminal(short);
}

function tensors(list: TensorDescription[]): string[] {
  const nameWidth = Math.max(0, ...list.map((t) => clean(t.name, 60).length));
  const typeWidth = Math.max(0, ...list.map((t) => t.dtype.length));
  return list.map(
    (t) =>
      `  ${clean(t.name, 60).padEnd(nameWidth)}  ${t.dtype.padEnd(typeWidth)}  [${t.shape.map((d) => clean(String(d), 24)).join(', ')}]`,
  );
}

const sizeMb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e6 ? 2 : 1)} MB`;
const millions = (n: number) => (n >= 1e5 ? `${(n / 1e6).toFixed(2)} M` : String(n));

/** The model's signature, the proposed entry, the guesses and gaps behind it, and the check run. */
export const inspectText: Formatter<ModelInspection> = (r, { color }) => {
  const lines: string[] = [];
  const facts = [
    sizeMb(r.sizeBytes),
    `${millions(r.parameterCount)} parameters`,
    r.opset === null ? 'no default opset' : `opset ${r.opset}`,
    r.producer === '' ? 'producer not recorded' : `producer ${clean(r.producer, 60)}`,
  ];
  lines.push(`${color.bold(forTerminal(r.file))}: ${facts.join(', ')}`);
  lines.push('inputs:', ...tensors(r.inputs));
  lines.push('outputs:', ...tensors(r.outputs));
  const meta = Object.entries(r.metadata);
  if (meta.length > 0)
    lines.push(
      'metadata:',
      ...meta.slice(0, 20).map(([k, v]) => `  ${clean(k, 40)}: ${clean(v)}`),
      ...(meta.length > 20 ? [`  (${meta.length - 20} more)`] : []),
    );
  lines.push('', 'proposed suite entry (paste under models:; inspect --format yaml prints only this):');
  lines.push(
    ...entryYaml(r)
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`),
  );
  // Guesses and problems quote tensor names from the file.
  lines.push('', 'guessed:', ...r.guesses.map((g) => `  - ${forTerminal(g)}`));
  if (r.unknown.length > 0) lines.push('could not tell (check these):', ...r.unknown.map((u) => `  - ${forTerminal(u)}`));
  lines.push('');
  lines.push(
    r.check.ok
      ? `check: ran on ${r.check.images} images (synthetic ${r.check.imageWidth}x${r.check.imageHeight}${r.check.images > 3 ? ' and yours' : ''}): ${forTerminal(r.check.summary)}`
      : color.red(`check failed: ${forTerminal(r.check.problem)}`),
  );
  return lines.join('\n') + '\n';
};
