import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkImageBytes, readImageHeader } from '../../src/workload/limits.js';
import { tempDir } from '../helpers/cli.js';
import { runCliAsync } from '../helpers/processes.js';

const image = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: '#808080' } });

describe('image headers without a decoder', () => {
  it('reads JPEG (baseline and progressive, with EXIF before the frame) and PNG sizes as sharp does', async () => {
    const cases = [
      ['jpeg', await image(640, 480).jpeg().toBuffer()],
      ['jpeg', await image(123, 4001).jpeg({ progressive: true }).toBuffer()],
      [
        'jpeg',
        await image(300, 200)
          .withMetadata({ exif: { IFD0: { Copyright: 'x'.repeat(2000) } } })
          .jpeg()
          .toBuffer(),
      ],
      ['png', await image(4096, 64).png().toBuffer()],
    ] as const;
    for (const [format, bytes] of cases) {
      const meta = await sharp(bytes).metadata();
      expect(readImageHeader(bytes)).toEqual({ format, width: meta.width, height: meta.height });
    }
  });

  it('anything else, or a file cut short, has no header', async () => {
    for (const bytes of [
      await image(64, 64).webp().toBuffer(),
      await image(64, 64).gif().toBuffer(),
      await image(64, 64).tiff().toBuffer(),
      Buffer.from('<svg width="10000" height="10000"/>'),
      Buffer.from([0xff, 0xd8, 0xff]),
      Buffer.alloc(0),
    ]) {
      expect(readImageHeader(bytes)).toBeNull();
    }
  });
});

describe('the service limits, one refusal per limit (the exception AWS answers)', () => {
  it('format, bytes, each side, aspect ratio', async () => {
    expect(checkImageBytes(await image(64, 64).webp().toBuffer())?.exception).toBe('InvalidImageFormatException');
    expect(checkImageBytes(Buffer.alloc(4_000_000))?.exception).toBe('ImageTooLargeException');
    expect(checkImageBytes(await image(32, 32).png().toBuffer())).toMatchObject({
      exception: 'InvalidParameterException',
      message: 'image is 32x32: width 32 px is outside the 64-4096 px the service accepts',
    });
    expect(checkImageBytes(await image(5000, 300).jpeg().toBuffer())).toMatchObject({
      exception: 'ImageTooLargeException',
      message: 'image is 5000x300: width 5000 px is outside the 64-4096 px the service accepts',
    });
    expect(checkImageBytes(await image(3000, 100).png().toBuffer())).toMatchObject({
      exception: 'InvalidParameterException',
      message: 'image is 3000x100: aspect ratio 30.0:1 exceeds 20:1',
    });
    expect(checkImageBytes(await image(205, 4096).png().toBuffer())).toBeNull(); // 19.98:1
    expect(checkImageBytes(await image(2000, 100).jpeg().toBuffer())).toBeNull();
  });
});

describe('loadtest --images refuses what the service would, before anything is sent or started', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });

  it.each([
    [
      'small.png',
      () => image(32, 32).png().toBuffer(),
      /small\.png: the service would refuse it \(InvalidParameterException\): image is 32x32: width 32 px is outside the 64-4096 px/,
    ],
    [
      'wide.png',
      () => image(5000, 200).png().toBuffer(),
      /wide\.png: the service would refuse it \(ImageTooLargeException\): image is 5000x200: width 5000 px/,
    ],
    [
      'narrow.jpg',
      () => image(3000, 100).jpeg().toBuffer(),
      /narrow\.jpg: the service would refuse it \(InvalidParameterException\): image is 3000x100: aspect ratio 30\.0:1 exceeds 20:1/,
    ],
    ['photo.webp', () => image(200, 200).webp().toBuffer(), /photo\.webp: the service would refuse it \(InvalidImageFormatException\)/],
    ['anim.gif', () => image(200, 200).gif().toBuffer(), /anim\.gif: the service would refuse it \(InvalidImageFormatException\)/],
    [
      'fake.jpg',
      async () => Buffer.from('<svg width="10000" height="10000"/>'),
      /fake\.jpg: the service would refuse it \(InvalidImageFormatException\)/,
    ],
  ])('%s', async (name, make, message) => {
    const folder = join(dir, name.replace('.', '-'));
    mkdirSync(folder);
    writeFileSync(join(folder, name), await make());
    // Against the AWS target: the refusal comes before credentials, the cost guard or any call.
    const r = await runCliAsync(['loadtest', '--endpoint', 'http://127.0.0.1:1', '--images', folder, '--out', join(dir, 'x.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
