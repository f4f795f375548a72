import sharp from 'sharp';
import type { ModelOutput } from './types.js';

/**
 * `inspect --image photo.jpg --out preview.png`: what the proposed entry found, drawn on the
 * user's photo (boxes with class and score, or the top-5 classes), so a wrong decode shows at a
 * glance. Drawn as an SVG overlay composited by sharp.
 */

const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#46f0f0', '#f032e6', '#bcf60c'];
const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
/** Boxes drawn at most: enough to judge the decode, few enough to read. */
const MAX_BOXES_DRAWN = 100;

/** The photo as PNG with the output drawn over it; `labels` maps class ids to names when the exporter gave them. */
export async function drawPreview(photo: Buffer, out: ModelOutput, labels: ReadonlyMap<number, string> = new Map()): Promise<Buffer> {
  const image = sharp(photo).rotate();
  const { width = 1, height = 1 } = await image.metadata();
  const line = Math.max(2, Math.round(Math.max(width, height) / 300));
  const font = Math.max(12, Math.round(Math.max(width, height) / 50));
  const name = (id: number) => escapeXml(labels.get(id) ?? `class ${id}`);
  const parts: string[] = [];
  if (out.kind === 'classification') {
    out.top.slice(0, 5).forEach((t, i) => {
      const y = (i + 1) * font * 1.4;
      parts.push(
        `<text x="${font / 2}" y="${y}" font-size="${font}" font-family="sans-serif" fill="#fff" stroke="#000" stroke-width="${font / 8}" paint-order="stroke">${name(t.classId)} ${t.score.toFixed(3)}</text>`,
      );
    });
  } else {
    for (const d of out.detections.slice(0, MAX_BOXES_DRAWN)) {
      const [x1, y1, x2, y2] = d.box;
      const color = PALETTE[Math.abs(Math.round(d.classId)) % PALETTE.length]!;
      parts.push(
        `<rect x="${x1}" y="${y1}" width="${Math.max(0, x2 - x1)}" height="${Math.max(0, y2 - y1)}" fill="none" stroke="${color}" stroke-width="${line}"/>`,
      );
      parts.push(
        `<text x="${x1 + line}" y="${Math.max(font, y1 - line)}" font-size="${font}" font-family="sans-serif" fill="${color}" stroke="#000" stroke-width="${font / 10}" paint-order="stroke">${name(d.classId)} ${d.score.toFixed(2)}</text>`,
      );
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
  return image
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
}

/** Ultralytics' class names, from its metadata dict literal `{0: 'person', 1: 'bicycle'}`. */
export function classNames(metadata: Readonly<Record<string, string>>): Map<number, string> {
  const names = new Map<number, string>();
  for (const m of (metadata.names ?? '').matchAll(/(\d+)\s*:\s*'((?:[^'\\]|\\.)*)'/g)) names.set(Number(m[1]), m[2]!);
  return names;
}
