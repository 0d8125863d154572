import { FileInfo, Message, UPLOADS_PATH } from '@parley/contracts';
import { RunningServer, startServer } from '@parley/testing';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import request from 'supertest';
import { Upload } from 'tus-js-client';
import { createRoom } from './support/chat';
import { DatabaseKind, databaseUrlOf, startOn } from './support/database-targets';
import { asUser, bearer, signIn, Signed, signUp } from './support/factories';
import { binary, createUpload, eventually, headUpload, patchUpload, uploadIdOf } from './support/files';
import { sleep } from './support/sockets';

const MB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Uploads with tus-js-client (as the web app does); resolves with the upload URL once it succeeded. */
function clientUpload(
  endpoint: string,
  who: { token: string },
  data: Buffer,
  metadata: Record<string, string>,
  opts: { chunkSize?: number; uploadUrl?: string; onProgress?: (sent: number) => void } = {},
): { upload: Upload; done: Promise<string> } {
  let upload!: Upload;
  const done = new Promise<string>((resolve, reject) => {
    upload = new Upload(data, {
      endpoint,
      uploadUrl: opts.uploadUrl,
      headers: bearer(who),
      metadata,
      chunkSize: opts.chunkSize ?? Infinity,
      retryDelays: [0, 200, 500],
      onProgress: (sent) => opts.onProgress?.(sent),
      onSuccess: () => resolve(upload.url!),
      onError: reject,
    });
  });
  upload.start();
  return { upload, done };
}

/** The body of a tus-js-client error's response (the one JSON error shape). */
function responseOf(err: unknown): { status: number; body: unknown } {
  const res = (err as { originalResponse?: { getStatus(): number; getBody(): string } }).originalResponse;
  if (!res) throw err;
  return { status: res.getStatus(), body: JSON.parse(res.getBody()) as unknown };
}

describe.each<DatabaseKind>(['sqlite', 'postgres'])('resumable uploads on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    server = await startOn(kind);
    url = server.url;
  });
  afterAll(() => server?.dispose());

  const content = async (who: Signed, id: string) => (await binary(asUser(url, who).get(`/api/files/${id}/content`)).expect(200)).body as Buffer;

  it('uploads in chunks with tus-js-client, then the file is attached like any other', async () => {
    const ada = await signUp(url);
    const room = await createRoom(url, ada, []);
    const data = randomBytes(3 * MB + 123);
    const progress: number[] = [];
    const { done } = clientUpload(`${url}${UPLOADS_PATH}`, ada, data, { roomId: room.id, filename: 'build.tar.gz', filetype: 'application/gzip' }, { chunkSize: MB, onProgress: (n) => progress.push(n) });
    const id = uploadIdOf(new URL(await done).pathname);
    expect(progress[progress.length - 1]).toBe(data.length);
    const info = (await asUser(url, ada).get(`/api/files/${id}`).expect(200)).body as FileInfo;
    expect(info).toMatchObject({ name: 'build.tar.gz', size: data.length, status: 'ready', mime: 'application/octet-stream', category: 'other' });
    expect(sha(await content(ada, id))).toBe(sha(data));
    await asUser(url, ada).post(`/api/rooms/${room.id}/messages`).send({ clientMsgId: randomUUID(), body: 'the build', attachmentIds: [id] }).expect(201);

    // A refusal reaches tus-js-client as the one error shape (and is not retried).
    const stranger = await signUp(url);
    const refused = clientUpload(`${url}${UPLOADS_PATH}`, stranger, Buffer.from('x'), { roomId: room.id, filename: 'x.txt' });
    const err = responseOf(await refused.done.then(() => null, (e: unknown) => e));
    expect(err).toEqual({ status: 404, body: expect.objectContaining({ code: 'not_found', message: 'Room not found' }) });
  });

  it('resumes after a dropped connection, from where the bytes stopped', async () => {
    const ada = await signUp(url);
    const room = await createRoom(url, ada, []);
    const data = randomBytes(6 * MB);
    const created = await createUpload(url, ada, { roomId: room.id, filename: 'video.bin', length: data.length }).expect(201);
    const location = created.headers['location'] as string;

    // A PATCH that sends the first 2 MB of its 6 and then loses its connection.
    const req = httpRequest(`${url}${location}`, {
      method: 'PATCH',
      headers: { ...bearer(ada), 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream', 'Content-Length': String(data.length) },
    });
    req.on('error', () => undefined);
    await new Promise<void>((resolve) => req.write(data.subarray(0, 2 * MB), () => resolve()));
    await sleep(300); // not an assertion: time for the server to store what it received
    req.destroy();

    let offset = -1;
    await eventually(async () => {
      const head = await headUpload(url, ada, location);
      if (head.status !== 200) return false;
      const now = Number(head.headers['upload-offset']);
      const stable = now === offset;
      offset = now;
      return stable;
    }, 'the offset settles');
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(2 * MB);
    expect(Number((await headUpload(url, ada, location)).headers['upload-length'])).toBe(data.length);

    await patchUpload(url, ada, location, offset, data.subarray(offset)).expect(204);
    const id = uploadIdOf(location);
    expect((await asUser(url, ada).get(`/api/files/${id}`).expect(200)).body).toMatchObject({ status: 'ready', size: data.length });
    expect(sha(await content(ada, id))).toBe(sha(data));
  });

  it('resumes after the server restarts, even one killed in the middle of a PATCH', async () => {
    const ada = await signUp(url);
    const room = await createRoom(url, ada, []);
    const data = randomBytes(5 * MB);
    let reached: () => void;
    const halfway = new Promise<void>((resolve) => (reached = resolve));
    const started = clientUpload(`${url}${UPLOADS_PATH}`, ada, data, { roomId: room.id, filename: 'dump.sql' }, { chunkSize: 512 * 1024, onProgress: (sent) => sent >= 2 * MB && reached() });
    started.done.catch(() => undefined);
    await halfway;
    const firstUrl = started.upload.url!;
    // The process dies (SIGKILL: no draining) while the client is sending.
    await server.stop('SIGKILL');
    void started.upload.abort();
    const second = await startServer({ dataDir: server.dataDir, env: kind === 'postgres' ? { DATABASE_URL: databaseUrlOf(server) } : {} });
    try {
      const path = new URL(firstUrl).pathname;
      const again = await signIn(second.url, ada.user.username, ada.password);
      const before = Number((await request(second.url).head(path).set(bearer(again)).set('Tus-Resumable', '1.0.0').expect(200)).headers['upload-offset']);
      expect(before).toBeGreaterThanOrEqual(2 * MB - 512 * 1024);
      expect(before).toBeLessThan(data.length);

      const sentFrom: number[] = [];
      const resumed = clientUpload(`${second.url}${UPLOADS_PATH}`, again, data, { roomId: room.id, filename: 'dump.sql' }, { chunkSize: 512 * 1024, uploadUrl: `${second.url}${path}`, onProgress: (sent) => sentFrom.push(sent) });
      await resumed.done;
      // It carried on from the stored offset rather than starting over.
      expect(sentFrom[0]).toBeGreaterThanOrEqual(before);
      const id = uploadIdOf(path);
      expect((await request(second.url).get(`/api/files/${id}`).set(bearer(again)).expect(200)).body).toMatchObject({ status: 'ready', size: data.length });
      const stored = (await binary(request(second.url).get(`/api/files/${id}/content`).set(bearer(again))).expect(200)).body as Buffer;
      expect(sha(stored)).toBe(sha(data));
      const sent = await request(second.url).post(`/api/rooms/${room.id}/messages`).set(bearer(again)).send({ clientMsgId: randomUUID(), body: '', attachmentIds: [id] }).expect(201);
      expect((sent.body as Message).attachments[0]).toMatchObject({ id, name: 'dump.sql', size: data.length });
    } finally {
      await second.stop();
    }
  });
});

describe('an upload whose check was cut short by a crash', () => {
  let server: RunningServer | undefined;
  let restarted: RunningServer | undefined;
  const held: Socket[] = [];
  let hole: Server | undefined;
  afterAll(async () => {
    await restarted?.stop();
    await server?.dispose();
    held.forEach((s) => s.destroy());
    hole?.close();
  });

  it('is checked when its uploader resumes it after the restart', async () => {
    // A "clamd" that answers PING (the server asks at start-up) but takes a file and never gives a verdict:
    // the server is mid-check when it is killed.
    let scanning!: () => void;
    const scanStarted = new Promise<void>((resolve) => (scanning = resolve));
    hole = createServer((socket) => {
      held.push(socket);
      socket.on('error', () => undefined);
      socket.once('data', (first: Buffer) => {
        if (/^[zn]PING/.test(first.toString('latin1'))) socket.end('PONG\0');
        else scanning();
      });
    });
    await new Promise<void>((resolve) => hole!.listen(0, '127.0.0.1', resolve));
    const port = (hole.address() as AddressInfo).port;
    server = await startOn('sqlite', { env: { FILE_SCAN: 'clamd', CLAMD_HOST: '127.0.0.1', CLAMD_PORT: String(port) } });
    const ada = await signUp(server.url);
    const room = await createRoom(server.url, ada, []);
    const data = randomBytes(300 * 1024);
    const created = await createUpload(server.url, ada, { roomId: room.id, filename: 'late.bin', length: data.length }).expect(201);
    const location = created.headers['location'] as string;
    const lastPatch = patchUpload(server.url, ada, location, 0, data).then(
      () => undefined,
      () => undefined,
    );
    await scanStarted;
    await server.stop('SIGKILL');
    await lastPatch;

    restarted = await startServer({ dataDir: server.dataDir });
    const url = restarted.url;
    const id = uploadIdOf(location);
    expect((await asUser(url, ada).get(`/api/files/${id}`).expect(200)).body).toMatchObject({ status: 'uploading' });
    // tus-js-client resumes with HEAD, sees every byte there, and stops: that HEAD (once the dead process's
    // claim on the check has lapsed) gets the file checked.
    await eventually(async () => {
      const head = await headUpload(url, ada, location);
      if (head.status !== 200 || Number(head.headers['upload-offset']) !== data.length) return false;
      return ((await asUser(url, ada).get(`/api/files/${id}`)).body as FileInfo).status === 'ready';
    }, 'the resumed upload is checked and ready', 80_000);
    expect(sha(await binary(asUser(url, ada).get(`/api/files/${id}/content`)).expect(200).then((r) => r.body as Buffer))).toBe(sha(data));
  }, 120_000);
});
