import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * A corpus of hostile and broken files, made when a test asks (nothing checked in that a virus scanner on a
 * developer's machine could quarantine). Self-contained (Node and sharp only), so the API's unit specs and its
 * end-to-end tests can share it.
 */

/**
 * The EICAR anti-virus test file (68 bytes): harmless, and detected as a virus by every scanner that loads a
 * signature for it. Stored reversed, so this source file itself is not flagged.
 */
export function eicar(): Buffer {
  return Buffer.from([...'*H+H$!ELIF-TSET-SURIVITNA-DRADNATS-RACIE$}7)CC7)^P(45XZP\\4[PA@%P!O5X'].reverse().join(''), 'latin1');
}

/** A plain picture of the given size and format. */
export function picture(format: 'png' | 'jpeg' | 'gif' | 'webp', width = 320, height = 240, colour = { r: 40, g: 120, b: 200 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })[format]().toBuffer();
}

/**
 * A 600×400 JPEG whose EXIF says "rotate 90° clockwise to display" (orientation 6), with a camera make and a
 * GPS position: displayed, it is 400×600; none of the EXIF may survive into a thumbnail.
 */
export function jpegWithExif(): Promise<Buffer> {
  return sharp({ create: { width: 600, height: 400, channels: 3, background: { r: 200, g: 160, b: 60 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'SpyCam', Model: 'Tracker 3000' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 3/1' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** An animated GIF: three 50×30 frames (red, green, blue). */
export async function animatedGif(): Promise<Buffer> {
  const frames = await Promise.all(
    ['#ff0000', '#00ff00', '#0000ff'].map((c) => sharp({ create: { width: 50, height: 30, channels: 3, background: c } }).raw().toBuffer()),
  );
  return sharp(Buffer.concat(frames), { raw: { width: 50, height: 90, channels: 3, pageHeight: 30 } }).gif().toBuffer();
}

async function noisy(format: 'png' | 'jpeg'): Promise<Buffer> {
  const image = sharp({ create: { width: 400, height: 400, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 50 } } });
  return format === 'png' ? image.png().toBuffer() : image.jpeg().toBuffer();
}

/** The first half of a noisy PNG: a valid header (so the size is known), then the data stops. */
export async function truncatedPng(): Promise<Buffer> {
  const png = await noisy('png');
  return png.subarray(0, png.length >> 1);
}

/** The first half of a noisy JPEG. */
export async function truncatedJpeg(): Promise<Buffer> {
  const jpeg = await noisy('jpeg');
  return jpeg.subarray(0, jpeg.length >> 1);
}

/** A real PNG chunk: length, type, data, CRC-32. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  let crc = ~0;
  for (const byte of body) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(~crc >>> 0, body.length + 4);
  return out;
}

/**
 * A pixel bomb: a well-formed 1-bit greyscale PNG of 20000×20000 pixels (400 megapixels) whose rows are all
 * zero, so it deflates to about 50 KB. Decoding it naively would take gigabytes of memory.
 */
export function pixelBombPng(side = 20_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter method, no interlace
  const rows = Buffer.alloc((Math.ceil(side / 8) + 1) * side);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(rows, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real PNG with an HTML page (and script) after its end: a browser sniffing it as HTML would run the script. */
export async function pngHtmlPolyglot(): Promise<Buffer> {
  return Buffer.concat([await picture('png', 64, 64), Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>\n')]);
}

/**
 * A GIF that is also JavaScript: its width bytes read `/*`, opening a comment that closes after the image
 * data, where `=alert(1)//` follows. As a script (`<script src>`) it runs; as a picture it is a 10799×1 GIF.
 */
export async function gifJsPolyglot(): Promise<Buffer> {
  // 0x2A2F pixels wide: the little-endian width field is the two bytes "/*".
  const gif = await sharp({ create: { width: 0x2a2f, height: 1, channels: 3, background: { r: 0, g: 0, b: 0 } } }).gif().toBuffer();
  if (gif.subarray(6, 8).toString('latin1') !== '/*' || gif.includes('*/', 8, 'latin1')) throw new Error('GIF polyglot: unexpected bytes');
  return Buffer.concat([gif, Buffer.from('*/=alert(document.domain)//', 'latin1')]);
}

/** An SVG image that runs a script when opened in a browser. */
export function svgWithScript(): Buffer {
  return Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">' +
      '<rect width="100" height="100" fill="red"/><script>alert(document.cookie)</script></svg>\n',
  );
}

/** An HTML page (with a script) meant to be uploaded under an image's name. */
export function htmlPage(): Buffer {
  return Buffer.from('<!DOCTYPE html>\n<html><head><title>cat</title></head><body><script>fetch("/api/users/me")</script></body></html>\n');
}

/** A Windows executable's first bytes (an MZ header): enough for a sniffer to call it one. */
export function windowsExecutable(): Buffer {
  const exe = Buffer.alloc(512);
  exe.write('MZ', 0, 'latin1');
  exe.writeUInt32LE(0x80, 0x3c);
  exe.write('PE\0\0', 0x80, 'latin1');
  return exe;
}

/** Plain UTF-8 text, with accents and an emoji. */
export function utf8Text(): Buffer {
  return Buffer.from('Minutes of the meeting — décisions prises 🎉\nNext: ship files.\n', 'utf8');
}

/** Bytes with no known signature that are not text either. */
export function unknownBinary(): Buffer {
  return Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));
}

/** Upload names that try to escape a folder, hide their real extension, or be special on some system. */
export const hostileNames = {
  traversal: '../../../etc/passwd',
  windowsTraversal: '..\\..\\Windows\\System32\\drivers\\etc\\hosts',
  absolute: '/var/lib/parley/secret.key',
  /** "invoice_txt.exe" displayed as "invoice_exe.txt" by the right-to-left override. */
  bidiOverride: 'invoice_\u202Etxt.exe',
  bidiIsolate: 'report\u2067fdp.exe\u2069.pdf',
  controlCharacters: 'line\r\nbreak\u0000\u0007.txt',
  windowsReserved: 'CON.txt',
  dotsOnly: '...',
  hidden: '.bashrc',
  trailingDotsAndSpaces: 'notes.txt. . ',
  long: `${'a'.repeat(300)}.pdf`,
  decomposed: 'cafe\u0301.txt',
  empty: '',
} as const;
