import { ErrorCode, FileInfo, Message, UPLOADS_PATH } from '@parley/contracts';
import { RunningServer, startServer } from '@parley/testing';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { AddressInfo, createServer as createNetServer, Socket } from 'node:net';
import sharp from 'sharp';
import request from 'supertest';
import { badFiles, startTestClamd, startTestS3, TestClamd, TestS3, TEST_SIGNATURE } from './support/api-testing';
import { createRoom } from './support/chat';
import { DatabaseKind, sameInstallationAs, startOn } from './support/database-targets';
import { asUser, bearer, Signed, signUp } from './support/factories';
import { PrivateRedis, startPrivateRedis } from './support/redis';
import { binary, createUpload, headUpload, multipartUpload, patchUpload, tusUpload, uploadFile, uploadIdOf } from './support/files';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** What a reader is served for a file: its details, and the headers and bytes of its content. */
async function served(url: string, who: Signed, id: string) {
  const info = (await asUser(url, who).get(`/api/files/${id}`).expect(200)).body as FileInfo;
  const content = await binary(asUser(url, who).get(`/api/files/${id}/content`)).expect(200);
  return { info, headers: content.headers as Record<string, string>, body: content.body as Buffer };
}

describe('the bad-file corpus, uploaded with tus and in one request', () => {
  let server: RunningServer;
  let url: string;
  let ada: Signed;
  let roomId: string;
  beforeAll(async () => {
    // One user uploads the whole corpus back to back: the per-user write limit is not what is tested here.
    server = await startOn('sqlite', { env: { FILE_THUMBNAIL_MAX_MEGAPIXELS: '50', SOCKET_SEND_BURST: '1000' } });
    url = server.url;
    ada = await signUp(url);
    roomId = (await createRoom(url, ada, [])).id;
  });
  afterAll(() => server?.dispose());

  const viaTus = async (name: string, bytes: Buffer) => (await uploadFile(url, ada, roomId, name, bytes)).id;
  const viaForm = async (name: string, bytes: Buffer) => ((await multipartUpload(url, ada, roomId, name, bytes).expect(201)).body as FileInfo).id;

  describe.each([
    ['tus', viaTus],
    ['multipart', viaForm],
  ])('%s', (how, upload) => {
    it('serves markup and programs only as downloads, whatever their names say', async () => {
      const cases: [string, Buffer, string][] = [
        ['cat.png', badFiles.htmlPage(), 'text/html'],
        ['logo.svg', badFiles.svgWithScript(), 'image/svg+xml'],
        ['invoice.pdf', badFiles.windowsExecutable(), 'application/x-msdownload'],
        ['data.png', badFiles.unknownBinary(), 'application/octet-stream'],
      ];
      for (const [name, bytes, mime] of cases) {
        const { info, headers } = await served(url, ada, await upload(name, bytes));
        expect({ name, mime: info.mime, thumbnail: info.thumbnail }).toEqual({ name, mime, thumbnail: false });
        expect(headers['content-disposition']).toMatch(/^attachment;/);
        expect(headers['x-content-type-options']).toBe('nosniff');
        expect(headers['content-security-policy']).toBe('sandbox');
      }
    });

    it('keeps polyglots what their bytes begin as, never sniffable as a page or a script', async () => {
      const png = await served(url, ada, await upload('innocent.png', await badFiles.pngHtmlPolyglot()));
      expect(png.info).toMatchObject({ mime: 'image/png', width: 64, height: 64, thumbnail: true });
      expect(png.headers['content-type']).toBe('image/png');
      expect(png.headers['x-content-type-options']).toBe('nosniff');
      const gif = await served(url, ada, await upload('banner.js', await badFiles.gifJsPolyglot()));
      expect(gif.info.mime).toBe('image/gif');
      expect(gif.headers['content-type']).toBe('image/gif');
      expect(gif.headers['content-disposition']).toMatch(/^attachment;/); // named like a script: never inline
    });

    it('stores broken and enormous pictures without a thumbnail, and without decoding a pixel bomb', async () => {
      for (const [name, bytes] of [
        ['half.png', await badFiles.truncatedPng()],
        ['half.jpg', await badFiles.truncatedJpeg()],
        ['bomb.png', badFiles.pixelBombPng()],
      ] as const) {
        const { info } = await served(url, ada, await upload(name, bytes));
        expect({ name, status: info.status, thumbnail: info.thumbnail }).toEqual({ name, status: 'ready', thumbnail: false });
        await asUser(url, ada).get(`/api/files/${info.id}/thumbnail`).expect(404);
      }
      await request(url).get('/api/health').expect(200);
    });

    it('turns photos into thumbnails without their metadata, upright, and plain text into text', async () => {
      const photo = await served(url, ada, await upload('IMG_0001.JPG', await badFiles.jpegWithExif()));
      expect(photo.info).toMatchObject({ mime: 'image/jpeg', width: 400, height: 600, thumbnail: true });
      const thumb = (await binary(asUser(url, ada).get(`/api/files/${photo.info.id}/thumbnail`)).expect(200)).body as Buffer;
      const meta = await sharp(thumb).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: 320, height: 480 });
      expect(meta.exif).toBeUndefined();
      // The original is served as uploaded (its owner may want the EXIF): only the preview is cleaned.
      expect(sha(photo.body)).toBe(sha(await badFiles.jpegWithExif()));
      const gif = await served(url, ada, await upload('party.gif', await badFiles.animatedGif()));
      expect(gif.info).toMatchObject({ mime: 'image/gif', width: 50, height: 30, thumbnail: true });
      const text = await served(url, ada, await upload('minutes.txt', badFiles.utf8Text()));
      expect(text.info.mime).toBe('text/plain');
      expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(text.headers['content-disposition']).toMatch(/^inline;/);
    });

    it('sanitises hostile names: no paths, control characters, bidi tricks or reserved names', async () => {
      const names = Object.entries(badFiles.hostileNames).filter(([, name]) => name !== '');
      for (const [what, name] of names) {
        if (how === 'multipart' && name.includes('\u0000')) {
          // A NUL cannot be written in a multipart part's header: the whole request is refused as malformed.
          const refused = await multipartUpload(url, ada, roomId, name, Buffer.from('x\n')).expect(400);
          expect(refused.body.code).toBe(ErrorCode.ValidationFailed);
          continue;
        }
        const { info, headers } = await served(url, ada, await upload(name, Buffer.from(`${what}\n`)));
        // eslint-disable-next-line no-control-regex -- control characters are what must not survive
        expect({ what, bad: /[/\\\u0000-\u001f\u202a-\u202e\u2066-\u2069]|^\.|^(con|prn|aux|nul)(\.|$)/i.test(info.name) }).toEqual({ what, bad: false });
        expect(Array.from(info.name).length).toBeLessThanOrEqual(255);
        expect(headers['content-disposition']).not.toMatch(/[\r\n]/);
      }
      expect((await served(url, ada, await upload(badFiles.hostileNames.traversal, Buffer.from('x\n')))).info.name).toBe('passwd');
      expect((await served(url, ada, await upload(badFiles.hostileNames.bidiOverride, Buffer.from('x\n')))).info.name).toBe('invoice_txt.exe');
    });
  });
});

describe('malware scanning with clamd', () => {
  let clamd: TestClamd;
  let server: RunningServer;
  let url: string;
  let ada: Signed;
  let roomId: string;
  beforeAll(async () => {
    clamd = await startTestClamd();
    server = await startOn('sqlite', { env: clamd.env() });
    url = server.url;
    ada = await signUp(url);
    roomId = (await createRoom(url, ada, [])).id;
  }, 120_000);
  afterAll(async () => {
    await server?.dispose();
    await clamd?.stop();
  });

  it('refuses an infected file before any message can carry it, with tus and in one request', async () => {
    const infected = Buffer.concat([Buffer.from('Quarterly figures\n'), badFiles.eicar(), Buffer.from('\nend\n')]);
    const { id, final } = await tusUpload(url, ada, roomId, 'figures.txt', infected, 422);
    expect(final.body).toMatchObject({ statusCode: 422, code: ErrorCode.FileRejected });
    expect(final.body.message).toContain(TEST_SIGNATURE);
    expect(final.headers['content-type']).toMatch(/^application\/json/);
    await asUser(url, ada).get(`/api/files/${id}`).expect(404);
    await headUpload(url, ada, `${UPLOADS_PATH}/${id}`).expect(404);
    const refused = await asUser(url, ada).post(`/api/rooms/${roomId}/messages`).send({ clientMsgId: randomUUID(), body: 'see attached', attachmentIds: [id] }).expect(400);
    expect(refused.body.details[0].field).toBe('attachmentIds');

    const form = await multipartUpload(url, ada, roomId, 'eicar.com', badFiles.eicar()).expect(422);
    expect(form.body.code).toBe(ErrorCode.FileRejected);
    expect((await asUser(url, ada).get('/api/files/limits').expect(200)).body.usedBytes).toBe(0);

    // Clean files pass the scan.
    const clean = await uploadFile(url, ada, roomId, 'clean.txt', badFiles.utf8Text());
    expect(clean.status).toBe('ready');
  });

  it('starts without waiting for a clamd that accepts connections and never answers', async () => {
    // Before, start-up waited for clamd's PING for the whole scan timeout (60 s), past this start's 20 s.
    const held = new Set<Socket>();
    const silent = createNetServer((socket) => {
      held.add(socket);
      socket.on('close', () => held.delete(socket));
    });
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
    const port = (silent.address() as AddressInfo).port;
    try {
      const started = await startOn('sqlite', { env: { FILE_SCAN: 'clamd', CLAMD_HOST: '127.0.0.1', CLAMD_PORT: String(port) }, timeoutMs: 20_000 });
      try {
        const dee = await signUp(started.url);
        expect((await asUser(started.url, dee).get('/api/users/me').expect(200)).body.id).toBe(dee.user.id);
      } finally {
        await started.dispose();
      }
    } finally {
      held.forEach((socket) => socket.destroy());
      await new Promise((ok) => silent.close(ok));
    }
  });

  it('refuses files while clamd cannot be reached (fail closed), unless FILE_SCAN_FAIL_OPEN', async () => {
    const closed = { FILE_SCAN: 'clamd', CLAMD_HOST: '127.0.0.1', CLAMD_PORT: '1' };
    const failClosed = await startOn('sqlite', { env: closed });
    try {
      const bob = await signUp(failClosed.url);
      const room = await createRoom(failClosed.url, bob, []);
      const { id, final } = await tusUpload(failClosed.url, bob, room.id, 'notes.txt', badFiles.utf8Text(), 503);
      expect(final.body).toMatchObject({ code: ErrorCode.Unavailable });
      await asUser(failClosed.url, bob).get(`/api/files/${id}`).expect(404);
    } finally {
      await failClosed.dispose();
    }
    const failOpen = await startOn('sqlite', { env: { ...closed, FILE_SCAN_FAIL_OPEN: 'true' } });
    try {
      const cy = await signUp(failOpen.url);
      const room = await createRoom(failOpen.url, cy, []);
      expect((await uploadFile(failOpen.url, cy, room.id, 'notes.txt', badFiles.utf8Text())).status).toBe('ready');
    } finally {
      await failOpen.dispose();
    }
  });
});

describe.each<DatabaseKind>(['sqlite', 'postgres'])('files in S3-compatible storage on %s', (kind) => {
  let s3: TestS3;
  let server: RunningServer;
  let url: string;
  let client: S3Client;
  const PREFIX = 'parley/';
  beforeAll(async () => {
    s3 = await startTestS3();
    server = await startOn(kind, { env: s3.env(PREFIX) });
    url = server.url;
    const o = s3.storeOptions(PREFIX);
    client = new S3Client({ endpoint: o.endpoint!, region: o.region, forcePathStyle: true, credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } });
  }, 120_000);
  afterAll(async () => {
    client?.destroy();
    await server?.dispose();
    await s3?.stop();
  });

  /** Every key in the bucket. */
  const keys = async () => ((await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key!).sort();

  it('uploads (resumed in parts), serves, thumbnails and deletes files in the bucket, under the prefix', async () => {
    const ada = await signUp(url);
    const bob = await signUp(url);
    const room = await createRoom(url, ada, [bob]);

    // A tus upload in two PATCHes, the first cut short by a new request taking over.
    const data = randomBytes(9 * 1024 * 1024 + 77);
    const created = await createUpload(url, ada, { roomId: room.id, filename: 'backup.tar', length: data.length }).expect(201);
    const location = created.headers['location'] as string;
    const half = 5 * 1024 * 1024;
    await patchUpload(url, ada, location, 0, data.subarray(0, half)).expect(204);
    expect(Number((await headUpload(url, ada, location).expect(200)).headers['upload-offset'])).toBe(half);
    await patchUpload(url, ada, location, half, data.subarray(half)).expect(204);
    const archive = uploadIdOf(location);

    const photoBytes = await badFiles.picture('png', 800, 600);
    const photo = ((await multipartUpload(url, ada, room.id, 'view.png', photoBytes).expect(201)).body as FileInfo).id;
    const message = (await asUser(url, ada).post(`/api/rooms/${room.id}/messages`).send({ clientMsgId: randomUUID(), body: 'both', attachmentIds: [archive, photo] }).expect(201)).body as Message;
    expect(message.attachments.map((a) => [a.name, a.size])).toEqual([
      ['backup.tar', data.length],
      ['view.png', photoBytes.length],
    ]);

    const got = await served(url, bob, archive);
    expect(sha(got.body)).toBe(sha(data));
    const part = await binary(asUser(url, bob).get(`/api/files/${archive}/content`).set('Range', 'bytes=6000000-6000099')).expect(206);
    expect(part.body).toEqual(data.subarray(6_000_000, 6_000_100));
    const thumb = (await binary(asUser(url, bob).get(`/api/files/${photo}/thumbnail`)).expect(200)).body as Buffer;
    expect(await sharp(thumb).metadata()).toMatchObject({ format: 'webp', width: 480, height: 360 });

    const stored = await keys();
    expect(stored.every((k) => k.startsWith(PREFIX))).toBe(true);
    // Encrypted at rest (the default): the sealed bytes and thumbnail only, no tus staging left behind.
    expect(stored.filter((k) => k.includes(archive) || k.includes(photo))).toEqual([`${PREFIX}files/${archive}`, `${PREFIX}files/${photo}`, `${PREFIX}thumbs/${photo}.webp`].sort());
    for (const key of stored.filter((k) => k.includes(archive) || k.includes(photo))) {
      const object = Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))).Body!.transformToByteArray());
      expect(object.subarray(0, 4).toString('latin1')).toBe('PEF1');
      expect(object.includes(data.subarray(6_000_000, 6_000_032))).toBe(false);
      expect(object.includes(photoBytes.subarray(200, 232))).toBe(false);
    }

    // Deleting the message deletes every object of its files.
    await asUser(url, ada).delete(`/api/messages/${message.id}`).expect(200);
    await asUser(url, bob).get(`/api/files/${archive}/content`).expect(404);
    expect((await keys()).filter((k) => k.includes(archive) || k.includes(photo))).toEqual([]);
  });

  it('cancels an upload in progress and leaves nothing in the bucket', async () => {
    const ada = await signUp(url);
    const room = await createRoom(url, ada, []);
    const created = await createUpload(url, ada, { roomId: room.id, filename: 'big.bin', length: 12 * 1024 * 1024 }).expect(201);
    const location = created.headers['location'] as string;
    await patchUpload(url, ada, location, 0, randomBytes(6 * 1024 * 1024)).expect(204);
    await request(url).delete(location).set(bearer(ada)).set('Tus-Resumable', '1.0.0').expect(204);
    expect((await keys()).filter((k) => k.includes(uploadIdOf(location)))).toEqual([]);
  });
});

describe('uploads across two API processes (PostgreSQL, Redis, S3)', () => {
  let s3: TestS3;
  let redis: PrivateRedis;
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    s3 = await startTestS3();
    redis = await startPrivateRedis();
    const env = { ...s3.env(), REDIS_URL: redis.url, SECRET_KEY: randomBytes(32).toString('hex') };
    a = await startOn('postgres', { env });
    b = await startServer({ env: { ...env, ...sameInstallationAs(a) } });
  }, 120_000);
  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
    await redis?.stop();
    await s3?.stop();
  });

  it('resumes on one process an upload begun on the other, taking the upload over from a request still open there', async () => {
    const ada = await signUp(a.url);
    const room = await createRoom(a.url, ada, []);
    const data = randomBytes(12 * 1024 * 1024);
    const created = await createUpload(a.url, ada, { roomId: room.id, filename: 'shared.bin', length: data.length }).expect(201);
    const location = created.headers['location'] as string;

    // On A: a PATCH that sends 9 MB of its 12 and then stalls with its connection open (a half-open client).
    const stalled = httpRequest(`${a.url}${location}`, {
      method: 'PATCH',
      headers: { ...bearer(ada), 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream', 'Content-Length': String(data.length) },
    });
    stalled.on('error', () => undefined);
    const answered = new Promise<number>((resolve) => stalled.on('response', (res) => resolve(res.statusCode!)));
    await new Promise<void>((resolve) => stalled.write(data.subarray(0, 9 * 1024 * 1024), () => resolve()));

    // On B: the client resumes. B's lock request reaches A through Redis, A ends its request, B answers.
    const head = await headUpload(b.url, ada, location).expect(200);
    const offset = Number(head.headers['upload-offset']);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(9 * 1024 * 1024);
    stalled.destroy();
    await Promise.race([answered, new Promise((r) => setTimeout(r, 100))]);

    await patchUpload(b.url, ada, location, offset, data.subarray(offset)).expect(204);
    const id = uploadIdOf(location);
    const fromA = (await binary(asUser(a.url, ada).get(`/api/files/${id}/content`)).expect(200)).body as Buffer;
    expect(sha(fromA)).toBe(sha(data));
    await asUser(b.url, ada).post(`/api/rooms/${room.id}/messages`).send({ clientMsgId: randomUUID(), body: '', attachmentIds: [id] }).expect(201);
  });
});
