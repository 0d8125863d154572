import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toErrorBody } from '../common/error-body';
import { errors } from '../common/errors';
import { FileEntity } from './file.entity';
import { inlineSafe } from './inspection';

/**
 * Access is checked on every request (membership can end at any moment), so a browser may keep a copy but
 * must ask again each time; the ETag makes asking cheap. Files never change under their id.
 */
const CACHE_CONTROL = 'private, no-cache';

/** Headers every file answer carries, whatever the file: the browser never guesses a type or runs anything. */
function safetyHeaders(res: Response, file: FileEntity): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', 'sandbox');
  res.setHeader('Cache-Control', CACHE_CONTROL);
  res.setHeader('ETag', `"${file.id}"`);
}

/** `inline` or `attachment`, with the file's name in both the plain and the UTF-8 form (RFC 6266), as Express writes it. */
function disposition(res: Response, name: string, inline: boolean): void {
  // An end-to-end encrypted room's file has no name the server knows.
  if (!name) {
    res.setHeader('Content-Disposition', inline ? 'inline' : 'attachment');
    return;
  }
  res.attachment(name);
  if (inline) res.setHeader('Content-Disposition', String(res.getHeader('Content-Disposition')).replace(/^attachment/, 'inline'));
}

function contentType(mime: string): string {
  // The sniffer calls a file text/plain only when it is valid UTF-8.
  return mime === 'text/plain' ? 'text/plain; charset=utf-8' : mime;
}

async function stream(res: Response, body: Readable): Promise<void> {
  try {
    await pipeline(body, res);
  } catch {
    // The client went away, or the store failed mid-way: nothing more can be said on this response.
    if (!res.destroyed) res.destroy();
  }
}

/**
 * A file's bytes: the whole file, or one byte range (206; 416 when it lies outside the file; several ranges
 * get the whole file). Inline only for types a browser shows safely, and never with `download`.
 */
export async function sendFileBody(
  req: Request,
  res: Response,
  file: FileEntity,
  open: (range?: { start: number; end: number }) => Promise<Readable>,
  download: boolean,
): Promise<void> {
  safetyHeaders(res, file);
  disposition(res, file.name, !download && !file.downloadOnly && inlineSafe(file.mime));
  res.setHeader('Content-Type', contentType(file.mime));
  res.setHeader('Accept-Ranges', 'bytes');
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  const size = file.size;
  const ranges = size > 0 ? req.range(size, { combine: true }) : undefined;
  if (ranges === -1) {
    res.setHeader('Content-Range', `bytes */${size}`);
    const body = toErrorBody(errors.rangeNotSatisfiable(`The range lies outside the file (${size} bytes)`));
    res.status(416).type('application/json').send(JSON.stringify(body));
    return;
  }
  let range: { start: number; end: number } | undefined;
  if (Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1) range = { start: ranges[0].start, end: ranges[0].end };
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
  } else {
    res.status(200);
    res.setHeader('Content-Length', String(size));
  }
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  await stream(res, await open(range));
}

/** A file's WebP thumbnail. */
export function sendThumbnail(req: Request, res: Response, file: FileEntity, body: Readable): void {
  safetyHeaders(res, file);
  res.setHeader('ETag', `"${file.id}-thumbnail"`);
  res.setHeader('Content-Type', 'image/webp');
  res.setHeader('Content-Disposition', 'inline; filename="thumbnail.webp"');
  if (req.fresh) {
    body.destroy();
    res.status(304).end();
    return;
  }
  void stream(res.status(200), body);
}
