import sharp from 'sharp';
import { deflateSync } from 'node:zlib';
import { pngChunk } from '../testing/bad-files';
import { AvatarRejected, initialsOf, normaliseAvatar, renderInitialsAvatar, sniffImageType } from './avatar-image';

const limits = { maxPixels: 40_000_000 };

function photo(width = 320, height = 200) {
  return sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } });
}

/** A 1-bit greyscale PNG whose header claims width×height pixels: a few KB on the wire, a huge image to decode. */
function pixelBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8);
  const row = Math.ceil(width / 8) + 1;
  const rows = Buffer.alloc(row * Math.min(height, 2000));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(rows, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('avatar images', () => {
  it.each([
    ['PNG', () => photo().png().toBuffer(), 'image/png'],
    ['JPEG', () => photo().jpeg().toBuffer(), 'image/jpeg'],
    ['GIF', () => photo().gif().toBuffer(), 'image/gif'],
    ['WebP', () => photo().webp().toBuffer(), 'image/webp'],
  ])('recognises a %s by its bytes', async (_name, make, mime) => {
    expect(await sniffImageType(await make())).toBe(mime);
  });

  it.each([
    ['plain text', Buffer.from('just some text, honestly a PNG')],
    ['HTML', Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>')],
    ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>')],
    ['a PDF', Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n')],
  ])('refuses %s whatever it is called', async (_name, data) => {
    await expect(normaliseAvatar(data, limits)).rejects.toThrow(AvatarRejected);
    await expect(normaliseAvatar(data, limits)).rejects.toThrow(/not a PNG, JPEG, GIF or WebP image/);
  });

  it('re-encodes to a 256 px square WebP without EXIF or GPS, applying the orientation first', async () => {
    const jpeg = await photo(400, 300)
      .jpeg()
      .withExif({ IFD0: { Make: 'Spycam', Orientation: '6' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 3/1' } })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).exif?.toString('latin1')).toContain('Spycam');

    const out = await normaliseAvatar(jpeg, limits);
    const meta = await sharp(out).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 256 });
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(out.toString('latin1')).not.toMatch(/Spycam|GPS|EXIF/);
  });

  it('refuses a truncated image', async () => {
    const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
    await expect(normaliseAvatar(png.subarray(0, png.length >> 1), limits)).rejects.toThrow('The image cannot be read: it is damaged or incomplete');
  });

  it('refuses a pixel bomb from its header, before decoding it', async () => {
    const bomb = pixelBomb(30_000, 30_000);
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expect(normaliseAvatar(bomb, limits)).rejects.toThrow('The image is 30000×30000 pixels; at most 40 megapixels are accepted');
  });

  it('refuses an empty file', async () => {
    await expect(normaliseAvatar(Buffer.alloc(0), limits)).rejects.toThrow('The file is empty');
  });

  it.each([
    ['Ada Lovelace', 'ada', 'AL'],
    ['grace  brewster murray hopper', 'grace', 'GH'],
    ['Émile', 'emile', 'É'],
    ['   ', 'zed', 'Z'],
    ['🦊 Fox', 'fox', '🦊F'],
    ['\u0001Bob \u0007Ray', 'bob', 'BR'],
    ['\u202eAda', 'ada', 'A'],
    ['\u0000\u0001', 'quiet', 'Q'],
    ['👩‍💻 Dev', 'dev', '👩‍💻D'],
  ])('draws the initials of %j (username %s) as %s', (name, username, initials) => {
    expect(initialsOf(name, username)).toBe(initials);
  });

  it.each([['<& "x'], ['\u0001\u0002 \u001b[31m'], ['\u0008Eve'], ['\ufffe\uffff x']])('draws initials as a WebP whatever the name %j holds', async (name) => {
    const out = await renderInitialsAvatar('4f9c2a8e-1b7d-4c3e-9a6f-2d8e5b7c1a90', initialsOf(name, 'x'));
    expect(await sharp(out).metadata()).toMatchObject({ format: 'webp', width: 256, height: 256 });
  });
});
