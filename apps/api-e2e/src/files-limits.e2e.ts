import { ErrorCode, FileInfo, FileLimits, Message } from '@parley/contracts';
import type { RunningServer } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { createRoom } from './support/chat';
import { DatabaseKind, startOn } from './support/database-targets';
import { asUser, bearer, Signed, signUp } from './support/factories';
import { createUpload, eventually, multipartBody, multipartUpload, patchUpload, uploadFile, uploadIdOf } from './support/files';

const KB = 1024;

/**
 * Sends the head of a request announcing `length` body bytes, and none of them: resolves with the status of an
 * answer that comes before the body (the server refused it without reading a byte), or rejects after 5 s.
 */
function headOnly(url: string, path: string, headers: Record<string, string>, length: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: 'POST', headers: { ...headers, 'Content-Length': String(length) } });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error('no answer before the body'));
    }, 5000);
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode!, body });
      });
    });
    req.on('error', () => undefined);
    req.flushHeaders();
  });
}

describe.each<DatabaseKind>(['sqlite', 'postgres'])('file limits and quota on %s', (kind) => {
  let server: RunningServer;
  let url: string;

  beforeAll(async () => {
    server = await startOn(kind, { env: { FILE_MAX_BYTES: '2kb', FILE_QUOTA_BYTES: '5kb' } });
    url = server.url;
  });
  afterAll(() => server?.dispose());

  const limits = async (who: Signed) => (await asUser(url, who).get('/api/files/limits').expect(200)).body as FileLimits;

  it('refuses a file over FILE_MAX_BYTES when the upload is created, before any byte', async () => {
    const ada = await signUp(url);
    const room = await createRoom(url, ada, []);
    expect(await limits(ada)).toEqual({ maxBytes: 2 * KB, quotaBytes: 5 * KB, usedBytes: 0 });

    const tooLarge = await createUpload(url, ada, { roomId: room.id, filename: 'big.bin', length: 2 * KB + 1 }).expect(413);
    expect(tooLarge.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'Files may be at most 2 KB', code: ErrorCode.PayloadTooLarge });
    expect(tooLarge.headers['content-type']).toMatch(/^application\/json/);
    // A multipart request announcing more than that: refused on its head alone.
    const { type } = multipartBody('big.bin', Buffer.alloc(0));
    const early = await headOnly(url, `/api/rooms/${room.id}/files`, { ...bearer(ada), 'Content-Type': type }, 10 * 1024 * 1024);
    expect(early.status).toBe(413);
    expect(JSON.parse(early.body)).toMatchObject({ code: ErrorCode.PayloadTooLarge, message: 'Files may be at most 2 KB' });
    // A multipart file over the cap in a request that did not say so: refused as it streams, nothing kept.
    await multipartUpload(url, ada, room.id, 'sneaky.bin', Buffer.alloc(3 * KB, 1)).expect(413);
    // A tus upload cannot grow past its announced length either.
    const created = await createUpload(url, ada, { roomId: room.id, filename: 'small.bin', length: 10 }).expect(201);
    await patchUpload(url, ada, created.headers['location'] as string, 0, Buffer.alloc(20, 1)).expect(413);
    await request(url).delete(created.headers['location'] as string).set(bearer(ada)).set('Tus-Resumable', '1.0.0').expect(204);
    expect(await limits(ada)).toMatchObject({ usedBytes: 0 });
  });

  it('keeps each user within FILE_QUOTA_BYTES, counting uploads in progress at their announced size', async () => {
    const [ada, bob] = [await signUp(url), await signUp(url)];
    const room = await createRoom(url, ada, [bob]);
    const stored = await uploadFile(url, ada, room.id, 'stored.bin', Buffer.alloc(2 * KB, 2));
    await asUser(url, ada).post(`/api/rooms/${room.id}/messages`).send({ clientMsgId: randomUUID(), body: '', attachmentIds: [stored.id] }).expect(201);
    const inProgress = await createUpload(url, ada, { roomId: room.id, filename: 'coming.bin', length: 2 * KB }).expect(201);
    expect(await limits(ada)).toMatchObject({ usedBytes: 4 * KB });

    const over = await createUpload(url, ada, { roomId: room.id, filename: 'one more.bin', length: KB + 1 }).expect(413);
    expect(over.body).toMatchObject({ statusCode: 413, code: ErrorCode.QuotaExceeded });
    expect(over.body.message).toMatch(/storage quota of 5 KB: your files take 4 KB/);
    const overMultipart = await multipartUpload(url, ada, room.id, 'one more.bin', Buffer.alloc(KB + 1)).expect(413);
    expect(overMultipart.body.code).toBe(ErrorCode.QuotaExceeded);
    // Another user's quota is their own.
    await uploadFile(url, bob, room.id, 'bob.bin', Buffer.alloc(2 * KB, 3));

    // Cancelling the upload in progress gives its room back; so does deleting a file.
    await request(url).delete(inProgress.headers['location'] as string).set(bearer(ada)).set('Tus-Resumable', '1.0.0').expect(204);
    await uploadFile(url, ada, room.id, 'fits now.bin', Buffer.alloc(2 * KB, 4));
    await createUpload(url, ada, { roomId: room.id, filename: 'too much.bin', length: 2 * KB }).expect(413);
    await asUser(url, ada).delete(`/api/files/${stored.id}`).expect(204);
    await createUpload(url, ada, { roomId: room.id, filename: 'fits again.bin', length: 2 * KB }).expect(201);

    // Parallel creations cannot pass the quota together.
    const carol = await signUp(url);
    const room2 = await createRoom(url, carol, []);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => createUpload(url, carol, { roomId: room2.id, filename: `p${i}.bin`, length: KB })));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(5);
    expect(answers.filter((r) => r.status === 413)).toHaveLength(1);
  });
});

describe('per-user throttle on file writes', () => {
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    server = await startOn('sqlite', { env: { SOCKET_SEND_RATE_PER_SECOND: '1', SOCKET_SEND_BURST: '3' } });
    url = server.url;
  });
  afterAll(() => server?.dispose());

  it('answers 429 with Retry-After past the burst, to that user only, and never to a resume', async () => {
    const [ada, bob] = [await signUp(url), await signUp(url)];
    const room = await createRoom(url, ada, [bob]);
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createUpload(url, ada, { roomId: room.id, filename: `f${i}.txt`, length: 3 }).expect(201));
    const refused = await createUpload(url, ada, { roomId: room.id, filename: 'f3.txt', length: 3 }).expect(429);
    expect(refused.body.code).toBe(ErrorCode.RateLimited);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await multipartUpload(url, ada, room.id, 'm.txt', Buffer.from('abc')).expect(429);
    await createUpload(url, bob, { roomId: room.id, filename: 'b.txt', length: 3 }).expect(201);
    // Sending the bytes of an upload already created is not charged.
    for (const created of made) await patchUpload(url, ada, created.headers['location'] as string, 0, Buffer.from('abc')).expect(204);
    const info = await asUser(url, ada).get(`/api/files/${uploadIdOf(made[0].headers['location'] as string)}`).expect(200);
    expect((info.body as FileInfo).status).toBe('ready');
  });
});

describe.each<DatabaseKind>(['sqlite', 'postgres'])('sweeping uploads never attached on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    // 0.0005 h = 1.8 s idle: the sweep runs every second.
    server = await startOn(kind, { env: { FILE_UPLOAD_TTL_HOURS: '0.0005' } });
    url = server.url;
  });
  afterAll(() => server?.dispose());

  it('removes ready and unfinished uploads that were never attached, and keeps attached files', async () => {
    const ada = await signUp(url);
    const room = await createRoom(url, ada, []);
    const attached = await uploadFile(url, ada, room.id, 'kept.txt', Buffer.from('kept\n'));
    const sent = await asUser(url, ada).post(`/api/rooms/${room.id}/messages`).send({ clientMsgId: randomUUID(), body: '', attachmentIds: [attached.id] }).expect(201);
    const ready = await uploadFile(url, ada, room.id, 'forgotten.txt', Buffer.from('forgotten\n'));
    const unfinished = await createUpload(url, ada, { roomId: room.id, filename: 'half.bin', length: 100 }).expect(201);
    const location = unfinished.headers['location'] as string;
    await patchUpload(url, ada, location, 0, Buffer.alloc(50, 1)).expect(204);

    await eventually(async () => (await asUser(url, ada).get(`/api/files/${ready.id}`)).status === 404, 'the ready upload is swept');
    await eventually(async () => (await asUser(url, ada).get(`/api/files/${uploadIdOf(location)}`)).status === 404, 'the unfinished upload is swept');
    await request(url).head(location).set(bearer(ada)).set('Tus-Resumable', '1.0.0').expect(404);
    expect((await asUser(url, ada).get('/api/files/limits').expect(200)).body).toMatchObject({ usedBytes: attached.size });
    await asUser(url, ada).get(`/api/files/${attached.id}/content`).expect(200);
    expect(((await asUser(url, ada).get(`/api/rooms/${room.id}/messages`).expect(200)).body.items as Message[])[0]).toMatchObject({ id: sent.body.id, attachments: [{ id: attached.id }] });
  });
});
