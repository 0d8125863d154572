import { ErrorCode, FileInfo, FilePage, Message, MessagePage, RoomSummary, SyncResult } from '@parley/contracts';
import type { RunningServer } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import request from 'supertest';
import { picture } from './fixtures/images';
import { closeSockets, createRoom, socketFor } from './support/chat';
import { DatabaseKind, startOn } from './support/database-targets';
import { asUser, bearer, blockUser, makeUser, Signed, signUp } from './support/factories';
import { binary, createUpload, headUpload, multipartUpload, patchUpload, uploadFile, uploadIdOf } from './support/files';
import { call, errorOf, next, record, sleep } from './support/sockets';

afterEach(closeSockets);

const FILE_NOT_FOUND = { statusCode: 404, error: 'Not Found', message: 'File not found', code: ErrorCode.NotFound };
/** The first bytes file-type recognises as a PDF. */
const pdf = () => Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** Every URL of a file, as a reader would fetch it. */
const fileUrls = (id: string) => [`/api/files/${id}`, `/api/files/${id}/content`, `/api/files/${id}/thumbnail`];

describe.each<DatabaseKind>(['sqlite', 'postgres'])('files in rooms on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  let root: Signed;

  beforeAll(async () => {
    server = await startOn(kind);
    url = server.url;
    root = await signUp(url, makeUser({ username: `root.files.${kind}` })); // the first account is the instance admin
  });
  afterAll(() => server?.dispose());

  const sendRest = (who: Signed, roomId: string, body: Record<string, unknown>) =>
    asUser(url, who)
      .post(`/api/rooms/${roomId}/messages`)
      .send({ clientMsgId: randomUUID(), body: '', ...body });
  const history = async (who: Signed, roomId: string) => ((await asUser(url, who).get(`/api/rooms/${roomId}/messages`).expect(200)).body as MessagePage).items;
  const roomFor = async (who: Signed, roomId: string) => ((await asUser(url, who).get('/api/rooms').expect(200)).body as RoomSummary[]).find((r) => r.id === roomId)!;
  /** Status and body of every URL of the file, as `who` (or a signed-out visitor) gets them. */
  const fetchAll = async (who: Signed | null, id: string) =>
    Promise.all(
      fileUrls(id).map(async (path) => {
        const r = request(url).get(path);
        const res = await (who ? r.set(bearer(who)) : r);
        return { path, status: res.status, body: res.status === 404 ? (res.body as unknown) : null };
      }),
    );
  const expectHidden = async (who: Signed | null, id: string) => {
    for (const answer of await fetchAll(who, id)) expect(answer).toEqual({ path: answer.path, status: 404, body: FILE_NOT_FOUND });
  };
  /** Readable: details and bytes, and the thumbnail when the file has one (an image). */
  const expectReadable = async (who: Signed, id: string, thumbnail = true) => {
    expect((await fetchAll(who, id)).map((a) => a.status)).toEqual([200, 200, thumbnail ? 200 : 404]);
  };

  it('uploads with tus, sends files with and without words over REST and the socket, and history, sync, the room list and the Files panel carry them', async () => {
    const [ada, bob] = [await signUp(url), await signUp(url)];
    const room = await createRoom(url, ada, [bob]);
    const bobSocket = await socketFor(url, bob);

    const photo = await uploadFile(url, ada, room.id, 'sunset.png', await picture('png', 320, 240));
    expect(photo).toMatchObject({ name: 'sunset.png', mime: 'image/png', width: 320, height: 240, thumbnail: true, status: 'ready', category: 'image', roomId: room.id, uploaderId: ada.user.id, messageId: null });

    // Files without words, over REST; Bob sees them live.
    const clientMsgId = randomUUID();
    const arriving = next(bobSocket, 'message:new', (m) => m.clientMsgId === clientMsgId);
    const sent = await sendRest(ada, room.id, { clientMsgId, attachmentIds: [photo.id] }).expect(201);
    const message = sent.body as Message;
    expect(message).toMatchObject({ body: '', encrypted: null, attachments: [{ id: photo.id, name: 'sunset.png', size: photo.size, mime: 'image/png', width: 320, height: 240, thumbnail: true }] });
    expect((await arriving).attachments).toEqual(message.attachments);
    expect((await roomFor(bob, room.id)).lastMessage).toMatchObject({ id: message.id, text: '📷 Photo', attachmentCount: 1, encrypted: false });
    // The same clientMsgId again: the original, and the file is still its only message's.
    const again = await sendRest(ada, room.id, { clientMsgId, attachmentIds: [photo.id] }).expect(200);
    expect(again.body).toEqual(message);

    // Files with a caption, over the socket.
    const report = await uploadFile(url, bob, room.id, 'Q3 report.pdf', pdf());
    expect(report).toMatchObject({ mime: 'application/pdf', category: 'document', thumbnail: false, width: null });
    const ack = await call(bobSocket, 'message:send', { roomId: room.id, clientMsgId: randomUUID(), body: 'The **report**', attachmentIds: [report.id] });
    expect(errorOf(ack)).toBeUndefined();
    const captioned = (ack as { message: Message }).message;
    expect(captioned.attachments.map((a) => a.id)).toEqual([report.id]);
    expect((await roomFor(ada, room.id)).lastMessage).toMatchObject({ text: 'The report', attachmentCount: 1 });

    // History and sync carry them.
    expect((await history(ada, room.id)).map((m) => m.attachments.map((a) => a.name))).toEqual([['sunset.png'], ['Q3 report.pdf']]);
    const synced = (await call(bobSocket, 'sync', { since: { [room.id]: 0 } })) as SyncResult;
    expect(synced.rooms[0].messages.map((m) => [m.seq, m.attachments.map((a) => a.id)])).toEqual([
      [message.seq, [photo.id]],
      [captioned.seq, [report.id]],
    ]);

    // The Files panel: attached files only, newest first, by type, a page at a time.
    const leftOver = await uploadFile(url, ada, room.id, 'not sent.png', await picture('png', 10, 10));
    const panel = (query = '') => asUser(url, bob).get(`/api/rooms/${room.id}/files${query}`).expect(200);
    const all = (await panel()).body as FilePage;
    expect(all.items.map((f) => f.id)).toEqual([report.id, photo.id]);
    expect(all.items[0]).toMatchObject({ status: 'attached', messageId: captioned.id, uploaderId: bob.user.id });
    expect(((await panel('?category=image')).body as FilePage).items.map((f) => f.id)).toEqual([photo.id]);
    const first = (await panel('?limit=1')).body as FilePage;
    expect(first).toMatchObject({ items: [{ id: report.id }], hasMore: true });
    expect((await panel(`?limit=1&before=${report.id}`)).body).toMatchObject({ items: [{ id: photo.id }], hasMore: false });
    expect(all.items.some((f) => f.id === leftOver.id)).toBe(false);
    await asUser(url, bob).get(`/api/rooms/${room.id}/files?category=spreadsheets`).expect(400);
    const stranger = await signUp(url);
    await asUser(url, stranger).get(`/api/rooms/${room.id}/files`).expect(404);
  });

  it('refuses attachments that are not the sender\u2019s ready, unattached uploads into this room, and leaves no gap in the seqs', async () => {
    const [ada, bob] = [await signUp(url), await signUp(url)];
    const room = await createRoom(url, ada, [bob]);
    const other = await createRoom(url, ada, []);
    const bobs = await uploadFile(url, bob, room.id, 'bob.txt', Buffer.from('Bob wrote this\n'));
    const elsewhere = await uploadFile(url, ada, other.id, 'elsewhere.txt', Buffer.from('another room\n'));
    const unfinished = uploadIdOf((await createUpload(url, ada, { roomId: room.id, filename: 'half.bin', length: 100 }).expect(201)).headers['location'] as string);
    const mine = await uploadFile(url, ada, room.id, 'mine.txt', Buffer.from('mine\n'));
    await sendRest(ada, room.id, { body: 'first', attachmentIds: [mine.id] }).expect(201);

    const refused = async (attachmentIds: unknown, message: string | RegExp) => {
      const res = await sendRest(ada, room.id, { body: 'hi', attachmentIds }).expect(400);
      const said = typeof message === 'string' ? message : expect.stringMatching(message);
      expect(res.body).toMatchObject({ code: ErrorCode.ValidationFailed, details: [{ field: 'attachmentIds', message: said }] });
    };
    await refused([bobs.id], 'attachmentIds must name files you uploaded to this room');
    await refused([elsewhere.id], 'attachmentIds must name files you uploaded to this room');
    await refused([randomUUID()], 'attachmentIds must name files you uploaded to this room');
    await refused([unfinished], /still uploading/);
    await refused([mine.id], /already attached/);
    await refused(Array.from({ length: 11 }, () => randomUUID()), 'attachmentIds may hold at most 10 files');
    await refused([bobs.id, bobs.id], 'attachmentIds must not name a file twice');
    await refused(['nope'], 'attachmentIds must hold file ids (UUIDs)');
    await refused(null, 'attachmentIds must be a list of file ids');
    const empty = await sendRest(ada, room.id, { body: '  ' }).expect(400);
    expect(empty.body.details).toEqual([{ field: 'body', message: 'body must not be empty' }]);

    const next = await sendRest(ada, room.id, { body: 'after the refusals' }).expect(201);
    expect((await history(ada, room.id)).map((m) => m.seq)).toEqual([1, 2]);
    expect((next.body as Message).seq).toBe(2);
    // Only its uploader's own message may carry it, and Bob still can.
    await sendRest(bob, room.id, { body: '', attachmentIds: [bobs.id] }).expect(201);
  });

  it('lets exactly the room\u2019s current members read a file, at every URL; everyone else gets the same 404', async () => {
    const [ada, bob, cy, dan, eve] = [await signUp(url), await signUp(url), await signUp(url), await signUp(url), await signUp(url)];
    const room = await createRoom(url, ada, [bob, cy, eve]);
    const elsewhere = await createRoom(url, dan, []);
    const file = await uploadFile(url, ada, room.id, 'plan.png', await picture('png', 64, 64));

    // Before it is attached: its uploader alone.
    await expectReadable(ada, file.id);
    for (const who of [bob, cy, dan, null]) await expectHidden(who, file.id);
    await headUpload(url, bob, `/api/uploads/${file.id}`).expect(404);

    await sendRest(ada, room.id, { attachmentIds: [file.id] }).expect(201);
    for (const who of [ada, bob, cy, eve]) await expectReadable(who, file.id);
    // Not in the room (Dan has a room of his own), signed out, or with a bad token: the same 404.
    await expectHidden(dan, file.id);
    await expectHidden(null, file.id);
    await request(url).get(`/api/files/${file.id}/content`).set('Authorization', 'Bearer pls_not-a-token').expect(404);
    expect((await asUser(url, dan).get(`/api/rooms/${elsewhere.id}/files`).expect(200)).body.items).toEqual([]);

    // Removed, or left: access ends at once.
    await asUser(url, ada).delete(`/api/rooms/${room.id}/members/${cy.user.id}`).expect(204);
    await expectHidden(cy, file.id);
    await asUser(url, bob).post(`/api/rooms/${room.id}/leave`).expect(204);
    await expectHidden(bob, file.id);

    // A block does not hide a message in the room's history (the web app folds it away), so neither the file.
    await blockUser(url, eve, ada);
    expect((await history(eve, room.id)).some((m) => m.attachments.some((a) => a.id === file.id))).toBe(true);
    await expectReadable(eve, file.id);
  });

  it('serves files with safe headers: inline only for types a browser shows safely, ranges, revalidation', async () => {
    const ada = await signUp(url);
    const room = await createRoom(url, ada, []);
    const png = await picture('png', 640, 480);
    const image = await uploadFile(url, ada, room.id, 'big picture.png', png);
    const got = await binary(asUser(url, ada).get(`/api/files/${image.id}/content`)).expect(200);
    expect(got.body).toEqual(png);
    expect(got.headers).toMatchObject({
      'content-type': 'image/png',
      'content-length': String(png.length),
      'x-content-type-options': 'nosniff',
      'content-security-policy': 'sandbox',
      'cache-control': 'private, no-cache',
      'accept-ranges': 'bytes',
      etag: `"${image.id}"`,
    });
    expect(got.headers['content-disposition']).toMatch(/^inline; filename="big picture.png"/);
    await asUser(url, ada).get(`/api/files/${image.id}/content`).set('If-None-Match', `"${image.id}"`).expect(304);
    const download = await binary(asUser(url, ada).get(`/api/files/${image.id}/content?download=1`)).expect(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="big picture.png"/);

    // Ranges: one range (206), past the end (416).
    const part = await binary(asUser(url, ada).get(`/api/files/${image.id}/content`).set('Range', 'bytes=8-23')).expect(206);
    expect(part.body).toEqual(png.subarray(8, 24));
    expect(part.headers['content-range']).toBe(`bytes 8-23/${png.length}`);
    const tail = await binary(asUser(url, ada).get(`/api/files/${image.id}/content`).set('Range', 'bytes=-10')).expect(206);
    expect(tail.body).toEqual(png.subarray(png.length - 10));
    const outside = await asUser(url, ada).get(`/api/files/${image.id}/content`).set('Range', `bytes=${png.length}-`).expect(416);
    expect(outside.headers['content-range']).toBe(`bytes */${png.length}`);
    expect(outside.body).toMatchObject({ statusCode: 416, code: ErrorCode.BadRequest });

    // The thumbnail: a WebP within 480 px, stripped of metadata.
    const thumb = await binary(asUser(url, ada).get(`/api/files/${image.id}/thumbnail`)).expect(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect(thumb.headers['x-content-type-options']).toBe('nosniff');
    const meta = await sharp(thumb.body as Buffer).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 480, height: 360 });
    expect(meta.exif).toBeUndefined();

    // HTML dressed as a picture: sniffed, and only ever a download.
    const page = await multipartUpload(url, ada, room.id, 'cat.png', Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>')).expect(201);
    expect(page.body).toMatchObject({ name: 'cat.png', mime: 'text/html', thumbnail: false, status: 'ready' });
    const served = await binary(asUser(url, ada).get(`/api/files/${(page.body as FileInfo).id}/content`)).expect(200);
    expect(served.headers['content-disposition']).toMatch(/^attachment; filename="?cat.png"?/);
    expect(served.headers['content-security-policy']).toBe('sandbox');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    await asUser(url, ada).get(`/api/files/${(page.body as FileInfo).id}/thumbnail`).expect(404);
  });

  it('deletes a message\u2019s files with it, and a file on its own edits its message', async () => {
    const [ada, bob, cy] = [await signUp(url), await signUp(url), await signUp(url)];
    const room = await createRoom(url, ada, [bob, cy]);
    const bobSocket = await socketFor(url, bob);
    const updates = record(bobSocket, 'message:updated');

    // Deleting a message deletes its files.
    const a = await uploadFile(url, ada, room.id, 'a.png', await picture('png', 20, 20));
    const b = await uploadFile(url, ada, room.id, 'b.txt', Buffer.from('bee\n'));
    const doomed = (await sendRest(ada, room.id, { body: 'two files', attachmentIds: [a.id, b.id] }).expect(201)).body as Message;
    const tombstone = await asUser(url, ada).delete(`/api/messages/${doomed.id}`).expect(200);
    expect(tombstone.body).toMatchObject({ body: '', attachments: [], deletedAt: expect.any(String) });
    for (const id of [a.id, b.id]) await expectHidden(ada, id);
    expect((await asUser(url, ada).get(`/api/rooms/${room.id}/files`).expect(200)).body.items).toEqual([]);

    // The uploader removes one file of three: the message is edited, live.
    const files = [];
    for (const name of ['one.txt', 'two.txt', 'three.txt']) files.push(await uploadFile(url, ada, room.id, name, Buffer.from(`${name}\n`)));
    const message = (await sendRest(ada, room.id, { body: 'three files', attachmentIds: files.map((f) => f.id) }).expect(201)).body as Message;
    const edited = next(bobSocket, 'message:updated', (m) => m.id === message.id);
    await asUser(url, ada).delete(`/api/files/${files[1].id}`).expect(204);
    const seen = await edited;
    expect(seen.attachments.map((f) => f.name)).toEqual(['one.txt', 'three.txt']);
    expect(seen.editedAt).not.toBeNull();
    expect(seen.rev).toBeGreaterThan(message.rev);
    await expectHidden(ada, files[1].id);
    expect((await history(bob, room.id)).find((m) => m.id === message.id)!.attachments.map((f) => f.id)).toEqual([files[0].id, files[2].id]);

    // A member may not remove someone else's file; a room admin and an app admin (not even a member) may.
    await asUser(url, cy).delete(`/api/files/${files[0].id}`).expect(403);
    await asUser(url, ada).patch(`/api/rooms/${room.id}/members/${bob.user.id}`).send({ role: 'admin' }).expect(200);
    await asUser(url, bob).delete(`/api/files/${files[0].id}`).expect(204);
    const stranger = await signUp(url);
    await asUser(url, stranger).delete(`/api/files/${files[2].id}`).expect(404);
    // The last file of a message with words: the words stay.
    await asUser(url, root).delete(`/api/files/${files[2].id}`).expect(204);
    const left = (await history(bob, room.id)).find((m) => m.id === message.id)!;
    expect(left).toMatchObject({ body: 'three files', attachments: [], deletedAt: null });

    // The last file of a message without words: the message goes too.
    const only = await uploadFile(url, cy, room.id, 'only.txt', Buffer.from('only\n'));
    const bare = (await sendRest(cy, room.id, { attachmentIds: [only.id] }).expect(201)).body as Message;
    const gone = next(bobSocket, 'message:deleted', (e) => e.messageId === bare.id);
    await asUser(url, cy).delete(`/api/files/${only.id}`).expect(204);
    await gone;
    expect((await history(bob, room.id)).find((m) => m.id === bare.id)).toMatchObject({ body: '', attachments: [], deletedAt: expect.any(String) });

    // Unattached uploads: their uploader's alone; a cancelled tus upload is gone too.
    const draft = await uploadFile(url, cy, room.id, 'draft.txt', Buffer.from('draft\n'));
    await asUser(url, bob).delete(`/api/files/${draft.id}`).expect(404);
    await asUser(url, cy).delete(`/api/files/${draft.id}`).expect(204);
    await expectHidden(cy, draft.id);
    const created = await createUpload(url, cy, { roomId: room.id, filename: 'cancel.bin', length: 1000 }).expect(201);
    const location = created.headers['location'] as string;
    await patchUpload(url, cy, location, 0, Buffer.alloc(400, 7)).expect(204);
    await request(url).delete(location).set(bearer(cy)).set('Tus-Resumable', '1.0.0').expect(204);
    await headUpload(url, cy, location).expect(404);
    await expectHidden(cy, uploadIdOf(location));

    // Archived rooms are read-only: their messages' files stay.
    const kept = await uploadFile(url, ada, room.id, 'kept.txt', Buffer.from('kept\n'));
    await sendRest(ada, room.id, { body: 'kept', attachmentIds: [kept.id] }).expect(201);
    await asUser(url, ada).post(`/api/rooms/${room.id}/archive`).expect(200);
    await asUser(url, ada).delete(`/api/files/${kept.id}`).expect(409);
    await expectReadable(bob, kept.id, false);
    // Nor can files be uploaded into it.
    await createUpload(url, ada, { roomId: room.id, filename: 'late.txt', length: 5 }).expect(409);
    await sleep(100);
    expect(updates.filter((m) => m.id === message.id).length).toBe(3);
  });

  it('checks tus requests like every other: cookie sessions need the CSRF header, only the uploader may resume', async () => {
    const [ada, bob] = [await signUp(url), await signUp(url)];
    const room = await createRoom(url, ada, [bob]);
    const withCookie = (csrf?: string) => {
      const r = ada.agent.post('/api/uploads').set('Tus-Resumable', '1.0.0').set('Upload-Length', '5').set('Upload-Metadata', `roomId ${Buffer.from(room.id).toString('base64')},filename ${Buffer.from('a.txt').toString('base64')}`);
      return csrf ? r.set('X-XSRF-TOKEN', csrf) : r;
    };
    const refused = await withCookie().expect(403);
    expect(refused.body.code).toBe(ErrorCode.CsrfFailed);
    await withCookie(ada.csrf).expect(201);
    await request(url).post('/api/uploads').set('Tus-Resumable', '1.0.0').set('Upload-Length', '5').expect(401);

    const created = await createUpload(url, ada, { roomId: room.id, filename: 'mine.bin', length: 10 }).expect(201);
    const location = created.headers['location'] as string;
    await patchUpload(url, bob, location, 0, Buffer.alloc(10)).expect(404);
    await request(url).delete(location).set(bearer(bob)).set('Tus-Resumable', '1.0.0').expect(404);
    // Metadata that names no room, or a room one is not in.
    const stranger = await signUp(url);
    const notMine = await createUpload(url, stranger, { roomId: room.id, filename: 'x.txt', length: 5 }).expect(404);
    expect(notMine.body).toMatchObject({ code: ErrorCode.NotFound, message: 'Room not found' });
    expect(notMine.headers['content-type']).toMatch(/^application\/json/);
    const noRoom = await request(url).post('/api/uploads').set(bearer(ada)).set('Tus-Resumable', '1.0.0').set('Upload-Length', '5').expect(400);
    expect(noRoom.body.details).toEqual([{ field: 'roomId', message: expect.stringContaining('roomId') }]);
    // tus clients read the file id from the Location; the bytes are never served from /api/uploads.
    await request(url).get(location).set(bearer(ada)).expect(404);
  });

  it('takes uploads in one multipart request, streamed, under the same rules', async () => {
    const ada = await signUp(url);
    const room = await createRoom(url, ada, []);
    const png = await picture('jpeg', 200, 100);
    const res = await multipartUpload(url, ada, room.id, 'C:\\Users\\ada\\holiday.jpg', png).expect(201);
    expect(res.body).toMatchObject({ name: 'holiday.jpg', mime: 'image/jpeg', width: 200, height: 100, thumbnail: true, status: 'ready', size: png.length });
    await sendRest(ada, room.id, { attachmentIds: [(res.body as FileInfo).id] }).expect(201);

    const wrongField = await request(url)
      .post(`/api/rooms/${room.id}/files`)
      .set(bearer(ada))
      .attach('picture', Buffer.from('x'), 'x.txt')
      .expect(400);
    expect(wrongField.body.details[0]).toMatchObject({ field: 'file' });
    await request(url).post(`/api/rooms/${room.id}/files`).set(bearer(ada)).send({ file: 'x' }).expect(415);
    const stranger = await signUp(url);
    await multipartUpload(url, stranger, room.id, 'x.txt', Buffer.from('x')).expect(404);
  });
});
