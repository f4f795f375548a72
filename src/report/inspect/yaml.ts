import { Document, isScalar, visit } from 'yaml';
import { forTerminal, forYaml, hasControlChars } from '../../core/escape.js';
import type { ModelInspection } from '../../contracts/inspect.js';
import type { Formatter } from '../format.js';

/**
 * The proposed entry alone, as one item of a suite's `models:` list, ready to paste. Lists of
 * numbers and names stay on one line (`mean: [0.485, 0.456, 0.406]`), as the docs write them.
 */
export function entryYaml(r: ModelInspection): string {
  const doc = new Document([r.entry]);
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((i) => isScalar(i))) node.flow = true;
    },
    // Names come from the model file: one holding a control or bidi character is written
    // double-quoted, where YAML escapes control characters and forYaml the bidi ones.
    Scalar(_, node) {
      if (typeof node.value === 'string' && hasControlChars(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  const missing =
    (r.entry.output as { format?: string }).format === undefined
      ? '# output.format: could not tell from the model; see docs/models.md\n'
      : '';
  const failed =
    !r.check.ok && missing === '' ? `# this entry did not pass its check: ${forTerminal(r.check.problem).replace(/\s+/g, ' ')}\n` : '';
  return missing + failed + forYaml(doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
}

export const inspectYaml: Formatter<ModelInspection> = (r) => entryYaml(r);
