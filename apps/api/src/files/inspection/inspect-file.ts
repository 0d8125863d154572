import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { imageFacts, isDecodableImage } from './image';
import { downloadOnlyName, inlineSafe, sniffType } from './sniff';

export interface Inspection {
  /** Sniffed from the bytes (file-type), or text/plain for valid UTF-8 text (text/html, image/svg+xml,
   * application/xml for markup), else application/octet-stream. */
  mime: string;
  /** HTML, SVG, XML, scripts, executables, unknown: served only as an attachment. */
  downloadOnly: boolean;
  /** Images (as displayed, EXIF orientation applied); null otherwise or when undecodable. */
  width: number | null;
  height: number | null;
  /** WebP within THUMBNAIL_MAX_SIZE, EXIF stripped; null if not an image, undecodable, or over the pixel cap. */
  thumbnail: Buffer | null;
}

export interface InspectOptions {
  /** Largest width × height decoded for a thumbnail. */
  maxPixels: number;
  /** The (sanitised) name: a markup or program extension makes the file download-only whatever its bytes. */
  fileName?: string;
}

/** How much of the file the type is judged by (file-type needs 4100 bytes; more helps tell text from binary). */
const HEAD_BYTES = 64 * 1024;

/** The first `limit` bytes of a stream; the stream is destroyed after. */
async function readHead(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= limit) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

/**
 * What a stored file is, judged by its bytes: `read` opens it (again) from the start, `size` is its length.
 * Only a 64 KiB head is held in memory; an image is copied to a temp file that sharp decodes from disk.
 * Never throws for a bad file (a truncated or bomb image just has no thumbnail); errors of `read` pass on.
 */
export async function inspectFile(read: () => Promise<Readable>, size: number, opts: InspectOptions): Promise<Inspection> {
  const head = size > 0 ? await readHead(await read(), HEAD_BYTES) : Buffer.alloc(0);
  const mime = await sniffType(head, size);
  const downloadOnly = !inlineSafe(mime) || (opts.fileName !== undefined && downloadOnlyName(opts.fileName));
  if (!isDecodableImage(mime)) return { mime, downloadOnly, width: null, height: null, thumbnail: null };

  const dir = await mkdtemp(join(tmpdir(), 'parley-inspect-'));
  try {
    const path = join(dir, randomUUID());
    await pipeline(await read(), createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    return { mime, downloadOnly, ...(await imageFacts(path, opts.maxPixels)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
