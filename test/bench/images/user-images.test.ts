import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { synthesizeImage } from '../../../src/bench/images/synth.js';
import { MAX_INPUT_PIXELS, loadImagesDir, sharpFor } from '../../../src/bench/images/user-images.js';
import { UserError } from '../../../src/core/errors.js';
import { tempDir } from '../../helpers/cli.js';
import { OWN_FOLDERS_ONLY } from '../../../src/core/paths.js';

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid-looking PNG whose header claims width×height but carries almost no pixel data. */
function claimingPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function jpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

async function userError(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  const message = (err as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

describe('loadImagesDir', () => {
  it('loads every image in name order, measured from its file; other files are ignored', async () => {
    const dir = tempDir();
    const b = await jpeg(300, 200);
    const a = await sharp({ create: { width: 64, height: 48, channels: 4, background: '#08f8' } })
      .png()
      .toBuffer();
    writeFileSync(join(dir, 'b-photo.JPG'), b);
    writeFileSync(join(dir, 'a-shot.png'), a);
    writeFileSync(join(dir, 'README.txt'), 'not an image');
    writeFileSync(join(dir, '.hidden.jpg'), 'junk');
    mkdirSync(join(dir, 'sub.jpg'));
    const images = await loadImagesDir(dir, OWN_FOLDERS_ONLY);
    expect(images.map((i) => ({ ...i, bytes: i.bytes.length }))).toEqual([
      { file: join(dir, 'a-shot.png'), bytes: a.length, width: 64, height: 48, sizeMb: a.length / 1e6, format: 'png' },
      { file: join(dir, 'b-photo.JPG'), bytes: b.length, width: 300, height: 200, sizeMb: b.length / 1e6, format: 'jpeg' },
    ]);
  });

  it('a missing directory, a file, or a directory without images is a user error', async () => {
    const dir = tempDir();
    expect(await userError(loadImagesDir(join(dir, 'nope'), OWN_FOLDERS_ONLY))).toBe(`${join(dir, 'nope')}: images_dir not found`);
    writeFileSync(join(dir, 'f.jpg'), await jpeg(10, 10));
    expect(await userError(loadImagesDir(join(dir, 'f.jpg'), OWN_FOLDERS_ONLY))).toMatch(/images_dir is not a directory/);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.md'), '# none');
    expect(await userError(loadImagesDir(empty, OWN_FOLDERS_ONLY))).toMatch(/^.*empty: images_dir has no images \(\.jpg/);
  });

  it('an undecodable image is named: garbage, and a truncated JPEG', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ok.jpg'), await jpeg(64, 64));
    writeFileSync(join(dir, 'zz-garbage.jpg'), Buffer.from('this is not a jpeg at all'));
    expect(await userError(loadImagesDir(dir, OWN_FOLDERS_ONLY))).toMatch(
      new RegExp(`^${join(dir, 'zz-garbage.jpg')}: not a decodable image`),
    );

    const dir2 = tempDir();
    const made = await synthesizeImage({ width: 800, height: 600, targetSizeMb: null, objects: 4, kind: 'text', variant: 0 });
    if ('skipped' in made) throw new Error(made.reason);
    const whole = made.bytes;
    writeFileSync(join(dir2, 'cut.jpg'), whole.subarray(0, whole.length >> 1));
    expect(await userError(loadImagesDir(dir2, OWN_FOLDERS_ONLY))).toMatch(new RegExp(`^${join(dir2, 'cut.jpg')}: not a decodable image`));
  });

  it(`a header claiming more than ${MAX_INPUT_PIXELS / 1e6} MP is refused before decoding`, async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'huge.png'), claimingPng(100_000, 100_000));
    const rssBefore = process.memoryUsage().rss;
    expect(await userError(loadImagesDir(dir, OWN_FOLDERS_ONLY))).toBe(
      `${join(dir, 'huge.png')}: header claims 100000x100000 (10000 MP), more than the 100 MP limit; refused before decoding`,
    );
    // Decoding 10^10 RGB pixels would need 30 GB; nothing near that was allocated.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200e6);
  });

  it('sharpFor refuses the same header when asked to decode it directly', async () => {
    await expect(sharpFor(claimingPng(20_000, 20_000)).raw().toBuffer()).rejects.toThrow(/pixel limit/i);
    const ok = await sharpFor(claimingPng(100, 100))
      .raw()
      .toBuffer()
      .catch((e: Error) => e.message);
    // Just under the limit is not refused for its size (its IDAT is short, so it may fail as truncated instead).
    expect(String(ok)).not.toMatch(/pixel limit/i);
  });
});
