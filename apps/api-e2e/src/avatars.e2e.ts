import { CurrentUser, ErrorCode, PublicUser } from '@parley/contracts';
import type { RunningServer } from '@parley/testing';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { fixture, jpegWithGps, oversizePng, picture, pixelBombPng, truncatedPng } from './fixtures/images';
import { DatabaseKind, startOn } from './support/database-targets';
import { bearer, CSRF_HEADER, makeUser, Signed, signUp } from './support/factories';

type Upload = (r: request.Test) => request.Test | Promise<request.Response>;

/**
 * A multipart body written by hand: supertest's form-data keeps only the base name of a file name, and these
 * tests must send the path a hostile client would.
 */
function rawFile(filename: string, data: Buffer): Upload {
  const boundary = `----parley${Date.now().toString(16)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head, 'utf8'), data, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]);
  return (r) => r.set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body);
}

/** Reads a binary response into a Buffer (supertest leaves image bodies unparsed otherwise). */
function binary(r: request.Test): request.Test {
  return r.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
}

describe.each<DatabaseKind>(['sqlite', 'postgres'])('avatars on %s', (kind) => {
  let server: RunningServer;
  let url: string;

  const me = async (who: Signed) => (await request(url).get('/api/users/me').set(bearer(who)).expect(200)).body as CurrentUser;
  const upload = (who: Signed) => request(url).put('/api/users/me/avatar').set(bearer(who));
  const fetchAvatar = (who: Signed, path: string) => binary(request(url).get(path).set(bearer(who)));
  const storedFiles = () => readdirSync(join(server.dataDir, 'files', 'avatars')).sort();

  beforeAll(async () => {
    server = await startOn(kind);
    url = server.url;
  });
  afterAll(() => server?.dispose());

  it('gives a new user a generated initials picture, cacheable and never sniffable', async () => {
    const ada = await signUp(url, makeUser({ displayName: 'Ada Lovelace' }));
    expect(ada.user.avatarUrl).toMatch(new RegExp(`^/api/users/${ada.user.id}/avatar\\?v=[0-9a-z]+$`));
    const res = await fetchAvatar(ada, ada.user.avatarUrl).expect(200);
    expect(res.headers['content-type']).toBe('image/webp');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(res.headers['etag']).toBe(`"${new URL(ada.user.avatarUrl, url).searchParams.get('v')}"`);
    expect(await sharp(res.body as Buffer).metadata()).toMatchObject({ format: 'webp', width: 256, height: 256 });

    // Unversioned: cached but revalidated, and the ETag answers 304.
    const plain = await fetchAvatar(ada, `/api/users/${ada.user.id}/avatar`).expect(200);
    expect(plain.headers['cache-control']).toBe('private, no-cache');
    await request(url).get(`/api/users/${ada.user.id}/avatar`).set(bearer(ada)).set('If-None-Match', res.headers['etag']).expect(304);

    // A new name draws new initials under a new URL.
    const renamed = await request(url).patch('/api/users/me').set(bearer(ada)).send({ displayName: 'Grace Hopper' }).expect(200);
    expect(renamed.body.avatarUrl).not.toBe(ada.user.avatarUrl);
    const redrawn = await fetchAvatar(ada, renamed.body.avatarUrl).expect(200);
    expect(Buffer.compare(redrawn.body as Buffer, res.body as Buffer)).not.toBe(0);
  });

  it('stores an upload as a 256 px WebP without its EXIF or GPS, shown to others under a new URL', async () => {
    const [ada, ben] = [await signUp(url), await signUp(url)];
    const original = await jpegWithGps();
    expect((await sharp(original).metadata()).exif?.toString('latin1')).toContain('SpyCam');

    const res = await upload(ada).attach('file', original, { filename: 'holiday.jpg', contentType: 'image/jpeg' }).expect(200);
    const updated = res.body as CurrentUser;
    expect(updated.id).toBe(ada.user.id);
    expect(updated.avatarUrl).not.toBe(ada.user.avatarUrl);

    const profile = (await request(url).get(`/api/users/${ada.user.id}`).set(bearer(ben)).expect(200)).body as PublicUser;
    expect(profile.avatarUrl).toBe(updated.avatarUrl);
    const served = await fetchAvatar(ben, profile.avatarUrl).expect(200);
    expect(served.headers['content-type']).toBe('image/webp');
    const meta = await sharp(served.body as Buffer).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 256 });
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect((served.body as Buffer).toString('latin1')).not.toMatch(/SpyCam|Tracker|Exif|GPS/);
  });

  it('accepts PNG, GIF and WebP as well, keeping only the newest file on disk', async () => {
    const ada = await signUp(url);
    const fileOf = (avatarUrl: string) => `${new URL(avatarUrl, url).searchParams.get('v')}.webp`;
    let previous: string | undefined;
    for (const format of ['png', 'gif', 'webp'] as const) {
      const res = await upload(ada).attach('file', await picture(format), { filename: `me.${format}` }).expect(200);
      const current = fileOf(res.body.avatarUrl);
      expect(storedFiles()).toContain(current);
      if (previous) expect(storedFiles()).not.toContain(previous);
      expect(current).not.toBe(previous);
      previous = current;
    }
  });

  describe('refuses a bad upload with a clear 4xx and keeps the old picture', () => {
    let ada: Signed;
    let before: Buffer;
    let beforeUrl: string;

    beforeAll(async () => {
      ada = await signUp(url);
      const res = await upload(ada).attach('file', await picture('png', 300, 300, { r: 10, g: 200, b: 90 }), { filename: 'ok.png' }).expect(200);
      beforeUrl = res.body.avatarUrl;
      before = (await fetchAvatar(ada, beforeUrl).expect(200)).body as Buffer;
    });

    const corpus: [string, Upload, number, RegExp][] = [
      ['a text file named .png', (r) => r.attach('file', fixture('plain-text.txt'), { filename: 'photo.png', contentType: 'image/png' }), 400, /not a PNG, JPEG, GIF or WebP image/],
      ['HTML named .jpg and declared image/jpeg', (r) => r.attach('file', fixture('not-an-image.html'), { filename: 'photo.jpg', contentType: 'image/jpeg' }), 400, /not a PNG, JPEG, GIF or WebP image/],
      ['an SVG (scripts and all)', (r) => r.attach('file', fixture('vector.svg'), { filename: 'logo.svg', contentType: 'image/svg+xml' }), 400, /not a PNG, JPEG, GIF or WebP image/],
      ['an SVG named .png', (r) => r.attach('file', fixture('vector.svg'), { filename: 'logo.png', contentType: 'image/png' }), 400, /not a PNG, JPEG, GIF or WebP image/],
      ['a truncated PNG', async (r) => r.attach('file', await truncatedPng(), { filename: 'half.png' }), 400, /damaged or incomplete/],
      ['a pixel bomb (30000×30000 in 110 KB)', (r) => r.attach('file', pixelBombPng(30_000), { filename: 'bomb.png' }), 400, /30000×30000 pixels; at most 40 megapixels/],
      ['a 6 MB file', (r) => r.attach('file', oversizePng(6 * 1024 * 1024), { filename: 'huge.png' }), 413, /at most 5 MB/],
      ['a path in the file name', async (r) => rawFile('../../etc/passwd.png', await picture('png'))(r), 400, /plain name, not a path/],
      ['a Windows path in the file name', async (r) => rawFile('..\\..\\Windows\\me.png', await picture('png'))(r), 400, /plain name, not a path/],
      ['two files', async (r) => r.attach('file', await picture('png')).attach('file', await picture('jpeg')), 400, /exactly one picture/],
      ['the file under another field name', async (r) => r.attach('picture', await picture('png'), { filename: 'me.png' }), 400, /exactly one picture, in the form field "file"/],
      ['an extra form field', async (r) => r.field('caption', 'me').attach('file', await picture('png'), { filename: 'me.png' }), 400, /only the picture/],
      ['no file at all (a JSON body)', (r) => r.send({ file: 'me.png' }), 400, /multipart\/form-data in a field named "file"/],
      ['an empty file', (r) => r.attach('file', Buffer.alloc(0), { filename: 'empty.png' }), 400, /empty/],
    ];

    it.each(corpus)('%s', async (_label, shape, status, message) => {
      const res = await shape(upload(ada));
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ statusCode: status, message: expect.stringMatching(message), code: status === 413 ? ErrorCode.PayloadTooLarge : ErrorCode.ValidationFailed });
      expect((await me(ada)).avatarUrl).toBe(beforeUrl);
      const still = await fetchAvatar(ada, beforeUrl).expect(200);
      expect(Buffer.compare(still.body as Buffer, before)).toBe(0);
    });
  });

  it('removes the picture (and its file), going back to initials; removing twice is fine', async () => {
    const ada = await signUp(url);
    const initialsUrl = ada.user.avatarUrl;
    expect(ada.user.hasPicture).toBe(false);
    const uploaded = await upload(ada).attach('file', await picture('jpeg'), { filename: 'me.jpg' }).expect(200);
    expect(uploaded.body.hasPicture).toBe(true);
    const file = `${new URL(uploaded.body.avatarUrl, url).searchParams.get('v')}.webp`;
    expect(storedFiles()).toContain(file);

    const removed = await request(url).delete('/api/users/me/avatar').set(bearer(ada)).expect(200);
    expect(removed.body.avatarUrl).toBe(initialsUrl);
    expect(removed.body.hasPicture).toBe(false);
    expect(storedFiles()).not.toContain(file);
    const res = await fetchAvatar(ada, initialsUrl).expect(200);
    expect(res.headers['content-type']).toBe('image/webp');
    await request(url).delete('/api/users/me/avatar').set(bearer(ada)).expect(200);
  });

  it('needs sign-in, the CSRF header for cookie uploads, and a real user id', async () => {
    const ada = await signUp(url);
    await request(url).get(ada.user.avatarUrl).expect(401);
    await request(url).put('/api/users/me/avatar').attach('file', await picture('png')).expect(401);
    const noCsrf = await ada.agent.put('/api/users/me/avatar').attach('file', await picture('png'), { filename: 'me.png' }).expect(403);
    expect(noCsrf.body.code).toBe(ErrorCode.CsrfFailed);
    await ada.agent.put('/api/users/me/avatar').set(CSRF_HEADER, ada.csrf).attach('file', await picture('png'), { filename: 'me.png' }).expect(200);
    // The web app's <img> sends the cookie.
    await binary(ada.agent.get((await me(ada)).avatarUrl)).expect(200);

    const missing = await request(url).get('/api/users/00000000-0000-4000-8000-000000000000/avatar').set(bearer(ada)).expect(404);
    expect(missing.body).toMatchObject({ code: ErrorCode.NotFound, message: 'User not found' });
    await request(url).get('/api/users/not-a-uuid/avatar').set(bearer(ada)).expect(400);
    const badVersion = await request(url).get(`/api/users/${ada.user.id}/avatar?v=../../etc`).set(bearer(ada)).expect(400);
    expect(badVersion.body.details).toEqual([{ field: 'v', message: 'v must be a version from avatarUrl' }]);
  });
});
