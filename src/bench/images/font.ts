import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import opentype from 'opentype.js';
import type { Font } from 'opentype.js';

/**
 * Text is drawn from glyph outlines of a font file that ships in an npm package (Roboto, OFL-1.1,
 * via @fontsource/roboto), never from the machine's installed fonts, so a fixture is the same
 * bytes on every machine with the same package versions.
 */
const FONT_MODULE = '@fontsource/roboto/files/roboto-latin-400-normal.woff';

export interface TextPath {
  /** SVG path data, coordinates rounded to 2 decimals so the string is stable. */
  d: string;
  /** Ink bounds in pixels: x1, y1, x2, y2. */
  box: [number, number, number, number];
  advancePx: number;
}

let cached: { font: Font; version: string } | undefined;

function load(): { font: Font; version: string } {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const bytes = readFileSync(require.resolve(FONT_MODULE));
  const pkg = require('@fontsource/roboto/package.json') as { version: string };
  const font = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  cached = { font, version: `roboto-latin-400@${pkg.version}` };
  return cached;
}

/** Identifies the font (file and package version); part of the image cache key. */
export function fontId(): string {
  return load().version;
}

/** Advance width in pixels of `text` at `sizePx`. */
export function textAdvancePx(text: string, sizePx: number): number {
  const { font } = load();
  let units = 0;
  for (const ch of text) units += font.charToGlyph(ch).advanceWidth ?? 0;
  return (units * sizePx) / font.unitsPerEm;
}

/**
 * Outlines of `text` with its baseline at (x, y). Glyphs are laid out by advance width only:
 * opentype.js's shaper rejects some of Roboto's GSUB lookups, and kerning doesn't matter here.
 */
export function textPath(text: string, x: number, y: number, sizePx: number): TextPath {
  const { font } = load();
  const scale = sizePx / font.unitsPerEm;
  let pen = x;
  let d = '';
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const ch of text) {
    const glyph = font.charToGlyph(ch);
    const path = glyph.getPath(pen, y, sizePx);
    const bb = path.getBoundingBox();
    // Empty glyphs (space) report a zero box at the origin; they have no ink.
    if (bb.x2 > bb.x1 && bb.y2 > bb.y1) {
      x1 = Math.min(x1, bb.x1);
      y1 = Math.min(y1, bb.y1);
      x2 = Math.max(x2, bb.x2);
      y2 = Math.max(y2, bb.y2);
    }
    d += path.toPathData(2);
    pen += (glyph.advanceWidth ?? 0) * scale;
  }
  if (x1 === Infinity) return { d, box: [x, y, x, y], advancePx: pen - x };
  return { d, box: [Math.floor(x1), Math.floor(y1), Math.ceil(x2), Math.ceil(y2)], advancePx: pen - x };
}
