import { THUMBNAIL_MAX_SIZE } from '@parley/contracts';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import {
  animatedGif,
  gifJsPolyglot,
  htmlPage,
  jpegWithExif,
  picture,
  pixelBombPng,
  pngHtmlPolyglot,
  svgWithScript,
  truncatedJpeg,
  truncatedPng,
  unknownBinary,
  utf8Text,
  windowsExecutable,
} from '../../testing/bad-files';
import { inlineSafe, inspectFile, Inspection } from './index';

// Real servers, images and large streams on a machine shared with other test workers.
jest.setTimeout(20_000);

const MAX_PIXELS = 40_000_000;

/** Inspects `bytes` as a stored file would be read: each `read()` opens a fresh stream, handed over in 16 KiB pieces. */
async function inspect(bytes: Buffer, fileName?: string): Promise<Inspection & { reads: number }> {
  let reads = 0;
  const read = async () => {
    reads++;
    const pieces: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 16 * 1024) pieces.push(bytes.subarray(at, at + 16 * 1024));
    return Readable.from(pieces);
  };
  const result = await inspectFile(read, bytes.length, { maxPixels: MAX_PIXELS, fileName });
  return { ...result, reads };
}

describe('inspectFile', () => {
  it.each(['png', 'jpeg', 'gif', 'webp'] as const)('recognises a %s picture, measures it and draws a WebP thumbnail', async (format) => {
    const result = await inspect(await picture(format, 1200, 800));
    expect(result).toMatchObject({ mime: `image/${format}`, downloadOnly: false, width: 1200, height: 800 });
    const thumb = await sharp(result.thumbnail!).metadata();
    expect(thumb).toMatchObject({ format: 'webp', width: THUMBNAIL_MAX_SIZE, height: THUMBNAIL_MAX_SIZE * (800 / 1200) });
  });

  it('does not enlarge a small picture', async () => {
    const result = await inspect(await picture('png', 40, 30));
    expect(await sharp(result.thumbnail!).metadata()).toMatchObject({ width: 40, height: 30 });
  });

  it('turns a picture as its EXIF says, and leaves none of the EXIF (camera, GPS) in the thumbnail', async () => {
    const original = await jpegWithExif();
    expect((await sharp(original).metadata()).exif?.toString('latin1')).toContain('SpyCam');
    const result = await inspect(original);
    expect(result).toMatchObject({ mime: 'image/jpeg', width: 400, height: 600 });
    const thumb = await sharp(result.thumbnail!).metadata();
    expect(thumb).toMatchObject({ width: 320, height: 480 });
    expect(thumb.exif).toBeUndefined();
    expect(thumb.xmp).toBeUndefined();
    expect(thumb.orientation).toBeUndefined();
  });

  it('measures an animated GIF by its first frame', async () => {
    const result = await inspect(await animatedGif());
    expect(result).toMatchObject({ mime: 'image/gif', width: 50, height: 30 });
    const thumb = await sharp(result.thumbnail!).metadata();
    expect(thumb).toMatchObject({ width: 50, height: 30 });
    expect(thumb.pages ?? 1).toBe(1);
  });

  it('measures a pixel bomb from its header but never decodes it', async () => {
    const bomb = pixelBombPng();
    expect(bomb.length).toBeLessThan(200_000);
    const result = await inspect(bomb);
    expect(result).toMatchObject({ mime: 'image/png', downloadOnly: false, width: 20_000, height: 20_000, thumbnail: null });
  });

  it.each([
    ['PNG', truncatedPng, 'image/png'],
    ['JPEG', truncatedJpeg, 'image/jpeg'],
  ])('gives a truncated %s no size and no thumbnail, without failing', async (_name, make, mime) => {
    expect(await inspect(await make())).toMatchObject({ mime, width: null, height: null, thumbnail: null });
  });

  it('goes by the bytes of a PNG with an HTML page appended: a PNG, whose thumbnail carries none of the page', async () => {
    const result = await inspect(await pngHtmlPolyglot(), 'page.html.png');
    expect(result).toMatchObject({ mime: 'image/png', downloadOnly: false, width: 64, height: 64 });
    expect(result.thumbnail!.includes('<script')).toBe(false);
  });

  it('treats a GIF that is also JavaScript as a GIF, re-encoded without the script', async () => {
    const polyglot = await gifJsPolyglot();
    expect(polyglot.subarray(0, 8).toString('latin1')).toBe('GIF89a/*');
    const result = await inspect(polyglot);
    expect(result).toMatchObject({ mime: 'image/gif', width: 0x2a2f, height: 1 });
    expect(result.thumbnail!.includes('alert')).toBe(false);
  });

  it('makes HTML named .png a download-only HTML file, with no thumbnail', async () => {
    expect(await inspect(htmlPage(), 'cat.png')).toMatchObject({ mime: 'text/html', downloadOnly: true, thumbnail: null, reads: 1 });
  });

  it('makes an SVG with a script a download-only SVG, never rendered', async () => {
    expect(await inspect(svgWithScript(), 'logo.png')).toMatchObject({ mime: 'image/svg+xml', downloadOnly: true, thumbnail: null, width: null });
    const bare = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expect(await inspect(bare)).toMatchObject({ mime: 'image/svg+xml', downloadOnly: true });
  });

  it('makes XML, executables and unknown bytes download-only', async () => {
    expect(await inspect(Buffer.from('<?xml version="1.0"?><note><to>Ada</to></note>'))).toMatchObject({ mime: 'application/xml', downloadOnly: true });
    expect(await inspect(windowsExecutable(), 'setup.pdf')).toMatchObject({ mime: 'application/x-msdownload', downloadOnly: true });
    expect(await inspect(unknownBinary())).toMatchObject({ mime: 'application/octet-stream', downloadOnly: true, thumbnail: null });
  });

  it('shows UTF-8 text inline, unless its name says it is a script or markup', async () => {
    expect(await inspect(utf8Text(), 'minutes.txt')).toMatchObject({ mime: 'text/plain', downloadOnly: false, thumbnail: null, reads: 1 });
    expect(await inspect(Buffer.from('echo "hello"\n'), 'deploy.sh')).toMatchObject({ mime: 'text/plain', downloadOnly: true });
    expect(await inspect(Buffer.from('#!/bin/sh\nrm -rf /\n'), 'notes.txt')).toMatchObject({ mime: 'text/x-shellscript', downloadOnly: true });
    expect(await inspect(Buffer.from('plain words\u0000\u0001\u0002 and binary'))).toMatchObject({ mime: 'application/octet-stream' });
  });

  it('reads only the head of a large file that is not an image', async () => {
    // 8 MiB of text: a multi-byte character straddles the end of the head, and it is still text.
    const text = Buffer.from('é'.repeat(4 * 1024 * 1024), 'utf8');
    let served = 0;
    const read = async () =>
      Readable.from(
        (function* () {
          for (let at = 0; at < text.length; at += 65_535) {
            served += Math.min(65_535, text.length - at);
            yield text.subarray(at, at + 65_535);
          }
        })(),
      );
    expect(await inspectFile(read, text.length, { maxPixels: MAX_PIXELS })).toMatchObject({ mime: 'text/plain', downloadOnly: false });
    expect(served).toBeLessThan(256 * 1024);
  });

  it('calls an empty file plain text', async () => {
    expect(await inspect(Buffer.alloc(0))).toMatchObject({ mime: 'text/plain', downloadOnly: false, reads: 0 });
  });
});

describe('inlineSafe', () => {
  it('allows pictures but SVG, audio, video, PDF and plain text', () => {
    for (const mime of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'video/mp4', 'audio/mpeg', 'application/pdf', 'text/plain']) {
      expect(inlineSafe(mime)).toBe(true);
    }
    for (const mime of ['image/svg+xml', 'text/html', 'application/xml', 'text/javascript', 'application/x-msdownload', 'application/octet-stream']) {
      expect(inlineSafe(mime)).toBe(false);
    }
  });
});
