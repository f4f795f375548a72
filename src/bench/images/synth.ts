import sharp from 'sharp';
import * as z from 'zod';
import { UserError } from '../../core/errors.js';
import { textAdvancePx, textPath } from './font.js';
import { MAX_INPUT_PIXELS } from './guard.js';

/**
 * Synthetic benchmark images: dark text lines (or simple shapes) on a light, textured background,
 * JPEG-encoded to a target file size. Everything is derived from a seeded PRNG, glyphs come from
 * a font file in an npm package, so the same spec gives the same bytes on every machine with the
 * same package versions (see docs/images.md).
 */

/** Bump when the pixels or bytes this module produces change; part of the cache key. */
export const GENERATOR_VERSION = 3;

const synthSpecSchema = z
  .object({
    width: z.number().int().min(32).max(16384),
    height: z.number().int().min(32).max(16384),
    targetSizeMb: z.number().positive().nullable(),
    objects: z.number().int().min(0).max(1000),
    kind: z.enum(['text', 'shapes']),
    variant: z.number().int().min(0),
    seed: z.number().int().optional(),
  })
  .strict()
  .refine((s) => s.width * s.height <= MAX_INPUT_PIXELS, { message: `more than ${MAX_INPUT_PIXELS} pixels` });

export type SynthSpec = z.infer<typeof synthSpecSchema>;

export interface SynthImage {
  bytes: Buffer;
  format: 'jpeg';
  width: number;
  height: number;
  sizeMb: number;
  targetSizeMb: number | null;
  objects: number;
  /** One box per object, x1, y1, x2, y2 in pixels. */
  boxes: Array<[number, number, number, number]>;
  quality: number;
  note?: string;
}

export type SynthOutcome = SynthImage | { skipped: true; reason: string };

/** A target is met when the file is within this fraction of it. */
export const SIZE_TOLERANCE = 0.15;
/** The search stops as soon as it is this close, leaving margin inside the tolerance. */
const SIZE_GOOD_ENOUGH = 0.06;
const QUALITY_MIN = 10;
const QUALITY_MAX = 97;
/** Quality used when no size is asked for: a typical camera/phone setting. */
const QUALITY_DEFAULT = 85;
/** Noise amplitude (grey levels, peak) of the default paper texture, and the most we allow. */
const TEXTURE_DEFAULT = 6;
const TEXTURE_MAX = 56;
/** Measured: JPEG size grows about as (texture + 1)^0.35 at fixed quality (3840x2160, quality 97). */
const TEXTURE_EXPONENT = 0.35;
const MAX_ENCODES = 16;

// ---------- deterministic randomness ----------

/** FNV-1a over a string: a stable 32-bit seed from the spec. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for layout and texture; identical in every JS engine. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

class Rng {
  private readonly next32: () => number;
  constructor(seed: number) {
    this.next32 = mulberry32(seed);
  }
  u32(): number {
    return this.next32();
  }
  /** Uniform in [0, 1). */
  float(): number {
    return this.next32() / 4294967296;
  }
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }
  int(lo: number, hiInclusive: number): number {
    return lo + Math.floor(this.float() * (hiInclusive - lo + 1));
  }
}

function specSeed(spec: SynthSpec): number {
  return hash32(JSON.stringify([spec.width, spec.height, spec.targetSizeMb, spec.objects, spec.kind, spec.variant, spec.seed ?? 0]));
}

// ---------- layout ----------

type Box = [number, number, number, number];
/** The objects as one SVG (dark fills on transparent; null with no objects) and their boxes. */
interface Overlay {
  svg: string | null;
  boxes: Box[];
}

/** Grid with `objects` cells whose width:height is closest to `aspect`, inside a margin. */
function grid(width: number, height: number, objects: number, aspect: number) {
  const margin = Math.round(Math.min(width, height) * 0.04);
  const innerW = width - 2 * margin;
  const innerH = height - 2 * margin;
  let best = { cols: 1, rows: objects, score: Infinity };
  for (let cols = 1; cols <= objects; cols++) {
    const rows = Math.ceil(objects / cols);
    const score = Math.abs(Math.log(innerW / cols / (innerH / rows) / aspect));
    if (score < best.score) best = { cols, rows, score };
  }
  return { margin, cols: best.cols, rows: best.rows, cellW: innerW / best.cols, cellH: innerH / best.rows };
}

const TEXT_CELL_ASPECT = 8;
const SHAPE_CELL_ASPECT = 1.3;
/** Below this many pixels a text line or shape is no longer a fair object for a detector. */
const MIN_OBJECT_PX = 8;

/** Font size follows the cell (line pitch about 2.4x the size keeps lines apart), capped so one line is not a banner. */
function textSizePx(g: ReturnType<typeof grid>, height: number): number {
  return Math.min(g.cellH * 0.42, height / 14, g.cellW / 9);
}

/** Why `objects` don't fit legibly at this size, or null when they do. */
function crowding(spec: SynthSpec): string | null {
  if (spec.objects === 0) return null;
  if (spec.kind === 'text') {
    const px = textSizePx(grid(spec.width, spec.height, spec.objects, TEXT_CELL_ASPECT), spec.height);
    return px < MIN_OBJECT_PX
      ? `${spec.objects} text lines don't fit legibly in ${spec.width}x${spec.height} (font would be ${px.toFixed(1)} px, minimum ${MIN_OBJECT_PX})`
      : null;
  }
  const g = grid(spec.width, spec.height, spec.objects, SHAPE_CELL_ASPECT);
  const px = Math.min(g.cellW, g.cellH) * 0.45;
  return px < MIN_OBJECT_PX
    ? `${spec.objects} shapes don't fit in ${spec.width}x${spec.height} (each would be under ${MIN_OBJECT_PX} px)`
    : null;
}

const WORD_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789';

function word(rng: Rng): string {
  const n = rng.int(2, 8);
  let w = '';
  for (let i = 0; i < n; i++) w += WORD_CHARS[rng.int(0, WORD_CHARS.length - 1)];
  return w;
}

function darkColour(rng: Rng): string {
  const r = rng.int(10, 70);
  const g = rng.int(10, 70);
  const b = rng.int(10, 70);
  return `rgb(${r},${g},${b})`;
}

function textOverlay(spec: SynthSpec, rng: Rng): Overlay {
  const { width, height, objects } = spec;
  const g = grid(width, height, objects, TEXT_CELL_ASPECT);
  const sizePx = textSizePx(g, height);
  const paths: string[] = [];
  const boxes: Box[] = [];
  for (let i = 0; i < objects; i++) {
    const col = i % g.cols;
    const row = Math.floor(i / g.cols);
    const cellX = g.margin + col * g.cellW;
    const cellY = g.margin + row * g.cellH;
    const maxW = g.cellW * 0.86;
    const wantW = g.cellW * rng.range(0.45, 0.8);
    let text = word(rng);
    for (;;) {
      const next = `${text} ${word(rng)}`;
      if (textAdvancePx(next, sizePx) > maxW) break;
      text = next;
      if (textAdvancePx(text, sizePx) >= wantW) break;
    }
    const advance = textAdvancePx(text, sizePx);
    const x = cellX + g.cellW * 0.04 + rng.float() * Math.max(0, maxW - advance) * 0.3;
    // Baseline placed so the x-height band sits in the middle of the cell.
    const baseline = cellY + g.cellH / 2 + sizePx * 0.35;
    const p = textPath(text, round2(x), round2(baseline), sizePx);
    paths.push(`<path fill="${darkColour(rng)}" d="${p.d}"/>`);
    boxes.push(clipBox(p.box, width, height));
  }
  return { svg: objects === 0 ? null : svgDoc(width, height, paths), boxes };
}

function shapesOverlay(spec: SynthSpec, rng: Rng): Overlay {
  const { width, height, objects } = spec;
  const g = grid(width, height, objects, SHAPE_CELL_ASPECT);
  const parts: string[] = [];
  const boxes: Box[] = [];
  for (let i = 0; i < objects; i++) {
    const col = i % g.cols;
    const row = Math.floor(i / g.cols);
    const s = Math.min(g.cellW, g.cellH);
    const w = s * rng.range(0.45, 0.7);
    const h = s * rng.range(0.45, 0.7);
    const x1 = round2(g.margin + col * g.cellW + (g.cellW - w) / 2);
    const y1 = round2(g.margin + row * g.cellH + (g.cellH - h) / 2);
    const x2 = round2(x1 + w);
    const y2 = round2(y1 + h);
    const fill = darkColour(rng);
    const shape = rng.int(0, 2);
    if (shape === 0) parts.push(`<rect fill="${fill}" x="${x1}" y="${y1}" width="${round2(w)}" height="${round2(h)}"/>`);
    else if (shape === 1)
      parts.push(
        `<ellipse fill="${fill}" cx="${round2((x1 + x2) / 2)}" cy="${round2((y1 + y2) / 2)}" rx="${round2(w / 2)}" ry="${round2(h / 2)}"/>`,
      );
    else parts.push(`<polygon fill="${fill}" points="${round2((x1 + x2) / 2)},${y1} ${x2},${y2} ${x1},${y2}"/>`);
    boxes.push(clipBox([Math.floor(x1), Math.floor(y1), Math.ceil(x2), Math.ceil(y2)], width, height));
  }
  return { svg: objects === 0 ? null : svgDoc(width, height, parts), boxes };
}

function svgDoc(width: number, height: number, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

function clipBox(b: Box, width: number, height: number): Box {
  return [Math.max(0, b[0]), Math.max(0, b[1]), Math.min(width, b[2]), Math.min(height, b[3])];
}

// ---------- pixels ----------

/** Smooth 1-D value noise: random values every `step` pixels, linearly interpolated. */
function valueNoise1d(length: number, step: number, amplitude: number, rng: Rng): Float32Array {
  const knots = Math.ceil(length / step) + 2;
  const k = new Float32Array(knots);
  for (let i = 0; i < knots; i++) k[i] = (rng.float() * 2 - 1) * amplitude;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const t = i / step;
    const j = Math.floor(t);
    const f = t - j;
    out[i] = k[j]! * (1 - f) + k[j + 1]! * f;
  }
  return out;
}

/** The image before encoding, minus the texture amplitude, which the size search varies. */
interface Canvas {
  width: number;
  height: number;
  base: [number, number, number];
  rowField: Float32Array;
  colField: Float32Array;
  /** Per channel noise in [-127, 127]: luminance grain plus a little colour grain. */
  noise: Int8Array;
  /** Object layer, only where it covers something: RGBA unpremultiplied. */
  ink: Ink;
}

interface Ink {
  pixel: Uint32Array;
  rgba: Uint8Array;
}

function makeNoise(pixels: number, seed: number): Int8Array {
  const noise = new Int8Array(pixels * 3);
  // Inline xorshift32: this loop runs once per pixel, so it avoids calls and floating point.
  let s = seed | 0 || 1;
  for (let p = 0, i = 0; p < pixels; p++, i += 3) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    // Triangular luminance grain from two bytes (about ±96), 5-bit colour grain per channel.
    const lum = ((((s & 0xff) + ((s >>> 8) & 0xff) - 255) * 3) >> 3) - 16;
    noise[i] = lum + ((s >>> 16) & 0x1f);
    noise[i + 1] = lum + ((s >>> 21) & 0x1f);
    noise[i + 2] = lum + ((s >>> 26) & 0x1f);
  }
  return noise;
}

function compose(c: Canvas, textureAmplitude: number, out = new Uint8ClampedArray(c.width * c.height * 3)): Buffer {
  const { width, height, base, rowField, colField, noise, ink } = c;
  const k = textureAmplitude / 127;
  for (let y = 0, i = 0; y < height; y++) {
    const ry = rowField[y]!;
    for (let x = 0; x < width; x++, i += 3) {
      const f = ry + colField[x]!;
      out[i] = base[0] + f + k * noise[i]!;
      out[i + 1] = base[1] + f + k * noise[i + 1]!;
      out[i + 2] = base[2] + f + k * noise[i + 2]!;
    }
  }
  // Objects cover a small part of the frame: blend only their pixels, recomputing the background value.
  for (let n = 0; n < ink.pixel.length; n++) {
    const p = ink.pixel[n]!;
    const i = p * 3;
    const f = rowField[Math.floor(p / width)]! + colField[p % width]!;
    const t = ink.rgba[n * 4 + 3]! / 255;
    const r = base[0] + f + k * noise[i]!;
    const g = base[1] + f + k * noise[i + 1]!;
    const b = base[2] + f + k * noise[i + 2]!;
    out[i] = r + (ink.rgba[n * 4]! - r) * t;
    out[i + 1] = g + (ink.rgba[n * 4 + 1]! - g) * t;
    out[i + 2] = b + (ink.rgba[n * 4 + 2]! - b) * t;
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** The overlay's covered pixels only (alpha > 0): indices and their RGBA. */
function inkOf(overlay: Buffer | null): Ink {
  if (overlay === null) return { pixel: new Uint32Array(0), rgba: new Uint8Array(0) };
  let count = 0;
  for (let o = 3; o < overlay.length; o += 4) if (overlay[o] !== 0) count++;
  const pixel = new Uint32Array(count);
  const rgba = new Uint8Array(count * 4);
  for (let o = 3, p = 0, n = 0; o < overlay.length; o += 4, p++) {
    if (overlay[o] === 0) continue;
    pixel[n] = p;
    rgba[n * 4] = overlay[o - 3]!;
    rgba[n * 4 + 1] = overlay[o - 2]!;
    rgba[n * 4 + 2] = overlay[o - 1]!;
    rgba[n * 4 + 3] = overlay[o]!;
    n++;
  }
  return { pixel, rgba };
}

async function encodeJpeg(raw: Buffer, width: number, height: number, quality: number): Promise<Buffer> {
  // Fixed encoder settings (sharp strips metadata by default): the bytes depend only on pixels and quality.
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality, chromaSubsampling: '4:2:0', mozjpeg: false, optimiseCoding: false, progressive: false })
    .toBuffer();
}

async function makeCanvas(spec: SynthSpec, rng: Rng): Promise<{ canvas: Canvas; boxes: Box[] }> {
  const { width, height } = spec;
  const layout = spec.kind === 'text' ? textOverlay(spec, rng) : shapesOverlay(spec, rng);
  const overlay =
    layout.svg === null
      ? null
      : await sharp(Buffer.from(layout.svg), { density: 72, limitInputPixels: MAX_INPUT_PIXELS }).ensureAlpha().raw().toBuffer();
  const baseGrey = rng.int(214, 240);
  const base: [number, number, number] = [baseGrey + rng.int(-6, 6), baseGrey + rng.int(-6, 6), baseGrey + rng.int(-8, 4)];
  const step = Math.max(16, Math.round(Math.max(width, height) / 6));
  const canvas: Canvas = {
    width,
    height,
    base,
    rowField: valueNoise1d(height, step, 5, rng),
    colField: valueNoise1d(width, step, 5, rng),
    noise: makeNoise(width * height, rng.u32()),
    ink: inkOf(overlay),
  };
  return { canvas, boxes: layout.boxes };
}

// ---------- size search ----------

interface Trial {
  quality: number;
  texture: number;
  bytes: Buffer;
}

function relErr(bytes: number, target: number): number {
  return (bytes - target) / target;
}

/** Where log(size) crosses log(target) on the line through two trials: size grows about exponentially in both knobs. */
function interpolate(x1: number, bytes1: number, x2: number, bytes2: number, targetBytes: number): number {
  const l1 = Math.log(bytes1);
  const l2 = Math.log(bytes2);
  if (l2 === l1) return (x1 + x2) / 2;
  return x1 + ((Math.log(targetBytes) - l1) * (x2 - x1)) / (l2 - l1);
}

/**
 * Finds quality and texture that bring the JPEG within SIZE_TOLERANCE of the target: a bracketed
 * search on quality at the default texture first (cheap: no recomposition), then on texture
 * amplitude when quality alone cannot get there. Size grows monotonically with both, near enough.
 * Guesses interpolate log(size) inside the bracket, so a hit usually takes 2-4 encodes.
 */
async function searchSize(canvas: Canvas, targetBytes: number): Promise<Trial> {
  let encodes = 0;
  // One raw frame, reused: each trial's encode finishes before the next compose, and it keeps 4K memory bounded.
  const frame = new Uint8ClampedArray(canvas.width * canvas.height * 3);
  let raw: { texture: number; pixels: Buffer } | undefined;
  const trial = async (quality: number, texture: number): Promise<Trial> => {
    if (raw?.texture !== texture) raw = { texture, pixels: compose(canvas, texture, frame) };
    encodes++;
    return { quality, texture, bytes: await encodeJpeg(raw.pixels, canvas.width, canvas.height, quality) };
  };
  let best: Trial | undefined;
  const err = (t: Trial) => Math.abs(relErr(t.bytes.length, targetBytes));
  const consider = (t: Trial): boolean => {
    if (best === undefined || err(t) < err(best)) best = t;
    return err(t) <= SIZE_GOOD_ENOUGH;
  };

  // 1. Quality (integer) at the default texture.
  let below: Trial | undefined; // highest quality known too small
  let above: Trial | undefined; // lowest quality known too big
  let q = QUALITY_DEFAULT;
  while (encodes < MAX_ENCODES) {
    const t = await trial(q, TEXTURE_DEFAULT);
    if (consider(t)) return t;
    if (t.bytes.length < targetBytes) below = t;
    else above = t;
    if (below !== undefined && above !== undefined) {
      if (above.quality - below.quality <= 1) break;
      const guess = Math.round(interpolate(below.quality, below.bytes.length, above.quality, above.bytes.length, targetBytes));
      q = Math.min(above.quality - 1, Math.max(below.quality + 1, guess));
    } else if (above === undefined) {
      if (below!.quality === QUALITY_MAX) break;
      q = QUALITY_MAX;
    } else {
      if (above.quality === QUALITY_MIN) break;
      q = QUALITY_MIN;
    }
  }

  // 2. Texture at a fixed quality: more grain above the top quality, less below the bottom one,
  // or more grain at the quality just under the target when one quality step overshoots. Size
  // follows a power law in (texture + 1) closely, so guesses work on log(size) vs log(texture + 1):
  // extrapolated from the trials so far (or the measured exponent), interpolated once bracketed.
  const quality = below !== undefined ? below.quality : QUALITY_MIN;
  const anchor = below ?? above!; // the default texture at `quality`
  const lt = (texture: number) => Math.log(texture + 1);
  const fromLt = (l: number) => Math.round(Math.min(TEXTURE_MAX, Math.max(0, Math.exp(l) - 1)) * 100) / 100;
  let lo: Trial | undefined = below; // known too small
  let hi: Trial | undefined = below === undefined ? above : undefined; // known too big
  let last = anchor;
  let texture = fromLt(lt(anchor.texture) + Math.log(targetBytes / anchor.bytes.length) / TEXTURE_EXPONENT);
  for (let i = 0; i < 8; i++) {
    const t = await trial(quality, texture);
    if (consider(t)) break;
    if (t.bytes.length < targetBytes) {
      lo = t;
      if (texture >= TEXTURE_MAX) break; // bigger is out of reach
    } else {
      hi = t;
      if (texture <= 0) break; // smaller is out of reach
    }
    let guess: number;
    if (lo !== undefined && hi !== undefined) {
      const [a, b] = [lt(lo.texture), lt(hi.texture)];
      // Keep guesses off the bracket ends so the bracket always shrinks.
      guess = Math.min(b - (b - a) * 0.1, Math.max(a + (b - a) * 0.1, interpolate(a, lo.bytes.length, b, hi.bytes.length, targetBytes)));
    } else {
      const slope = (Math.log(t.bytes.length) - Math.log(last.bytes.length)) / (lt(t.texture) - lt(last.texture));
      const exponent = Number.isFinite(slope) && slope > 0.05 ? slope : TEXTURE_EXPONENT;
      guess = lt(t.texture) + Math.log(targetBytes / t.bytes.length) / exponent;
    }
    last = t;
    const next = fromLt(guess);
    if (next === texture) break;
    texture = next;
  }
  return best!;
}

/** MB for messages: 3 decimals under 0.1 MB, else 2. */
function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes < 1e5 ? 3 : 2);
}

/** Validates a spec; a bad one (zero or negative size, too many pixels) is a UserError. */
export function parseSynthSpec(input: SynthSpec): SynthSpec {
  const parsed = synthSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const what = issue.path.length > 0 ? `${issue.path.join('.')} ` : '';
  throw new UserError(`synthetic image ${String(input.width)}x${String(input.height)}: ${what}${issue.message}`);
}

export async function synthesizeImage(input: SynthSpec): Promise<SynthOutcome> {
  const spec = parseSynthSpec(input);
  const crowded = crowding(spec);
  if (crowded !== null) return { skipped: true, reason: crowded };
  const rng = new Rng(specSeed(spec));
  const { canvas, boxes } = await makeCanvas(spec, rng);
  const common = {
    format: 'jpeg' as const,
    width: spec.width,
    height: spec.height,
    targetSizeMb: spec.targetSizeMb,
    objects: spec.objects,
    boxes,
  };

  if (spec.targetSizeMb === null) {
    const bytes = await encodeJpeg(compose(canvas, TEXTURE_DEFAULT), spec.width, spec.height, QUALITY_DEFAULT);
    return { ...common, bytes, sizeMb: bytes.length / 1e6, quality: QUALITY_DEFAULT };
  }
  const targetBytes = spec.targetSizeMb * 1e6;
  const best = await searchSize(canvas, targetBytes);
  const err = relErr(best.bytes.length, targetBytes);
  if (Math.abs(err) > SIZE_TOLERANCE) {
    const side = err < 0 ? `at most ${mb(best.bytes.length)} MB` : `at least ${mb(best.bytes.length)} MB`;
    return {
      skipped: true,
      reason: `${spec.targetSizeMb} MB is out of reach at ${spec.width}x${spec.height}: this generator makes ${side} there`,
    };
  }
  const note =
    best.texture !== TEXTURE_DEFAULT ? `texture amplitude ${best.texture} (default ${TEXTURE_DEFAULT}) to reach the size` : undefined;
  return { ...common, bytes: best.bytes, sizeMb: best.bytes.length / 1e6, quality: best.quality, ...(note ? { note } : {}) };
}
