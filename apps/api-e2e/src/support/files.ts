import { FileInfo, UPLOADS_PATH } from '@parley/contracts';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { bearer } from './factories';

type Who = { token: string };

const TUS = { 'Tus-Resumable': '1.0.0' };

/** tus `Upload-Metadata`: `key base64(value)` pairs. */
export function tusMetadata(meta: Record<string, string>): string {
  return Object.entries(meta)
    .map(([k, v]) => `${k} ${Buffer.from(v, 'utf8').toString('base64')}`)
    .join(',');
}

/** tus creation: `POST /api/uploads` announcing `length` bytes for `roomId`. */
export function createUpload(url: string, who: Who, opts: { roomId: string; filename: string; length: number; filetype?: string }): request.Test {
  const meta: Record<string, string> = { roomId: opts.roomId, filename: opts.filename };
  if (opts.filetype) meta['filetype'] = opts.filetype;
  return request(url).post(UPLOADS_PATH).set(bearer(who)).set(TUS).set('Upload-Length', String(opts.length)).set('Upload-Metadata', tusMetadata(meta));
}

/** tus PATCH: `bytes` from `offset`. */
export function patchUpload(url: string, who: Who, location: string, offset: number, bytes: Buffer): request.Test {
  return request(url).patch(location).set(bearer(who)).set(TUS).set('Upload-Offset', String(offset)).set('Content-Type', 'application/offset+octet-stream').send(bytes);
}

/** tus HEAD: how far the upload got (`upload-offset`). */
export function headUpload(url: string, who: Who, location: string): request.Test {
  return request(url).head(location).set(bearer(who)).set(TUS);
}

/** The file id of an upload's Location. */
export const uploadIdOf = (location: string) => location.split('/').pop()!;

/**
 * Uploads `bytes` with tus (creation, then one PATCH) and answers the final PATCH and the upload's id;
 * `expectStatus` is the final PATCH's status.
 */
export async function tusUpload(url: string, who: Who, roomId: string, filename: string, bytes: Buffer, expectStatus = 204): Promise<{ id: string; final: request.Response }> {
  const created = await createUpload(url, who, { roomId, filename, length: bytes.length }).expect(201);
  const location = created.headers['location'] as string;
  expect(location).toMatch(new RegExp(`^${UPLOADS_PATH}/[0-9a-f-]{36}$`));
  const final = await patchUpload(url, who, location, 0, bytes).expect(expectStatus);
  return { id: uploadIdOf(location), final };
}

/** Uploads `bytes` with tus and answers the ready file (as `GET /api/files/:id` shows it). */
export async function uploadFile(url: string, who: Who, roomId: string, filename: string, bytes: Buffer): Promise<FileInfo> {
  const { id } = await tusUpload(url, who, roomId, filename, bytes);
  const info = (await request(url).get(`/api/files/${id}`).set(bearer(who)).expect(200)).body as FileInfo;
  expect(info.status).toBe('ready');
  return info;
}

/**
 * A multipart body written by hand (supertest's form-data keeps only the base name of a file name, and these
 * tests send what a hostile client would).
 */
export function multipartBody(filename: string, data: Buffer, field = 'file'): { type: string; body: Buffer } {
  const boundary = `----parley${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
  // As browsers write it (the HTML spec's escaping): a name cannot break out of its header line.
  const quoted = filename.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${quoted}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    type: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([Buffer.from(head, 'utf8'), data, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]),
  };
}

/** `POST /api/rooms/:roomId/files` with one file. */
export function multipartUpload(url: string, who: Who, roomId: string, filename: string, data: Buffer): request.Test {
  const { type, body } = multipartBody(filename, data);
  return request(url).post(`/api/rooms/${roomId}/files`).set(bearer(who)).set('Content-Type', type).send(body);
}

/** Reads a binary response into a Buffer (supertest leaves most binary bodies unparsed otherwise). */
export function binary(r: request.Test): request.Test {
  return r.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
}

/** Polls `check` until it holds (no timed assertions: the deadline only bounds a failing test). */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not true after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every file under `dir`, recursively (none when it does not exist): what a store or a data folder holds. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile());
}
