import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import opentype from 'opentype.js';
import type { Font, PathCommand } from 'opentype.js';

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

interface GlyphOutline {
  commands: PathCommand[];
  advance: number;
  /** Ink bounds in font units (y up), or null for a blank glyph such as space. */
  ink: { xMin: number; xMax: number; yMin: number; yMax: number } | null;
}

let cached: { font: Font; version: string; glyphs: Map<string, GlyphOutline> } | undefined;

function load(): { font: Font; version: string; glyphs: Map<string, GlyphOutline> } {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const bytes = readFileSync(require.resolve(FONT_MODULE));
  const pkg = require('@fontsource/roboto/package.json') as { version: string };
  const font = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  cached = { font, version: `roboto-latin-400@${pkg.version}`, glyphs: new Map() };
  return cached;
}

/** Outlines are read from the font once per character: opentype's getPath costs ~0.1 ms a glyph. */
function outline(ch: string): GlyphOutline {
  const { font, glyphs } = load();
  let g = glyphs.get(ch);
  if (g === undefined) {
    const glyph = font.charToGlyph(ch);
    const commands = glyph.path.commands;
    const hasInk =
      commands.length > 0 && glyph.xMin !== undefined && glyph.xMax !== undefined && glyph.yMin !== undefined && glyph.yMax !== undefined;
    g = {
      commands,
      advance: glyph.advanceWidth ?? 0,
      ink: hasInk ? { xMin: glyph.xMin!, xMax: glyph.xMax!, yMin: glyph.yMin!, yMax: glyph.yMax! } : null,
    };
    glyphs.set(ch, g);
  }
  return g;
}

/** Identifies the font (file and package version); part of the image cache key. */
export function fontId(): string {
  return load().version;
}

/** Advance width in pixels of `text` at `sizePx`. */
export function textAdvancePx(text: string, sizePx: number): number {
  let units = 0;
  for (const ch of text) units += outline(ch).advance;
  return (units * sizePx) / load().font.unitsPerEm;
}

/** Fixed two-decimal formatting: the SVG text, and so the pixels, never depend on float printing. */
function n2(v: number): string {
  return (Math.round(v * 100) / 100).toString();
}

/**
 * Outlines of `text` with its baseline at (x, y), as SVG path data. Glyphs are laid out by advance
 * width only: opentype.js's shaper rejects some of Roboto's GSUB lookups, and kerning doesn't matter here.
 */
export function textPath(text: string, x: number, y: number, sizePx: number): TextPath {
  const scale = sizePx / load().font.unitsPerEm;
  let pen = x;
  const parts: string[] = [];
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const ch of text) {
    const g = outline(ch);
    // Font units are y-up; SVG is y-down.
    const px = (ux: number) => n2(pen + ux * scale);
    const py = (uy: number) => n2(y - uy * scale);
    for (const c of g.commands) {
      if (c.type === 'M' || c.type === 'L') parts.push(`${c.type}${px(c.x)} ${py(c.y)}`);
      else if (c.type === 'Q') parts.push(`Q${px(c.x1)} ${py(c.y1)} ${px(c.x)} ${py(c.y)}`);
      else if (c.type === 'C') parts.push(`C${px(c.x1)} ${py(c.y1)} ${px(c.x2)} ${py(c.y2)} ${px(c.x)} ${py(c.y)}`);
      else parts.push('Z');
    }
    if (g.ink !== null) {
      x1 = Math.min(x1, pen + g.ink.xMin * scale);
      x2 = Math.max(x2, pen + g.ink.xMax * scale);
      y1 = Math.min(y1, y - g.ink.yMax * scale);
      y2 = Math.max(y2, y - g.ink.yMin * scale);
    }
    pen += g.advance * scale;
  }
  const d = parts.join('');
  if (x1 === Infinity) return { d, box: [x, y, x, y], advancePx: pen - x };
  return { d, box: [Math.floor(x1), Math.floor(y1), Math.ceil(x2), Math.ceil(y2)], advancePx: pen - x };
}
