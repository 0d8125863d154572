import * as wasm from '@matrix-org/matrix-sdk-crypto-wasm';
import {
  Attachment,
  ENCRYPTED_UPLOAD_NAME,
  ENCRYPTED_UPLOAD_TYPE,
  EncryptedAttachment,
  EncryptedFileKey,
  ErrorCode,
  FileInfo,
  FilePage,
  Message,
  MessagePage,
  RoomSummary,
} from '@parley/contracts';
import type { RunningServer } from '@parley/testing';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { DatabaseKind, startOn } from './support/database-targets';
import { asUser, bearer, Signed, signUp } from './support/factories';
import { deviceFleet } from './support/e2ee-device';
import { picture } from './fixtures/images';
import { binary, createUpload, filesUnder, multipartUpload, patchUpload, tusUpload, uploadFile, uploadIdOf } from './support/files';

const MAX_BYTES = 256 * 1024;
const QUOTA_BYTES = 1024 * 1024;

async function createRoom(url: string, owner: Signed, body: Record<string, unknown>): Promise<RoomSummary> {
  const res = await asUser(url, owner).post('/api/rooms').send({ kind: 'group', name: 'Secret files', ...body });
  if (res.status !== 201) throw new Error(`room creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as RoomSummary;
}

/** What the browser does with a file: `Attachment.encrypt`, the key as the message carries it. */
function encryptBytes(plain: Buffer): { data: Buffer; key: EncryptedFileKey } {
  const encrypted = wasm.Attachment.encrypt(new Uint8Array(plain));
  return { data: Buffer.from(encrypted.encryptedData), key: JSON.parse(encrypted.mediaEncryptionInfo!) as EncryptedFileKey };
}

function decryptBytes(data: Buffer, key: EncryptedFileKey): Buffer {
  return Buffer.from(wasm.Attachment.decrypt(new wasm.EncryptedAttachment(new Uint8Array(data), JSON.stringify(key))));
}

/** The ciphertext uploaded as the web app does: tus, named ENCRYPTED_UPLOAD_NAME, typed as opaque bytes. */
async function uploadCiphertext(url: string, who: Signed, roomId: string, data: Buffer): Promise<FileInfo> {
  const created = await createUpload(url, who, { roomId, filename: ENCRYPTED_UPLOAD_NAME, filetype: ENCRYPTED_UPLOAD_TYPE, length: data.length }).expect(201);
  const location = created.headers['location'] as string;
  await patchUpload(url, who, location, 0, data).expect(204);
  return (await asUser(url, who).get(`/api/files/${uploadIdOf(location)}`).expect(200)).body as FileInfo;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('base64').replace(/=+$/, '');
const OPAQUE = { name: '', mime: ENCRYPTED_UPLOAD_TYPE, width: null, height: null, thumbnail: false };

describe.each<DatabaseKind>(['sqlite', 'postgres'])('files in end-to-end encrypted rooms on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  let ada: Signed;
  let bob: Signed;
  const fleet = deviceFleet(() => url);
  /** A new device of `who`: a new sign-in (as a new browser would), registered, its keys uploaded. */
  const device = (who: Signed) => fleet.device(who);

  beforeAll(async () => {
    await wasm.initAsync();
    server = await startOn(kind, { env: { DM_POLICY: 'anyone', FILE_MAX_BYTES: String(MAX_BYTES), FILE_QUOTA_BYTES: String(QUOTA_BYTES), SOCKET_SEND_BURST: '1000' } });
    url = server.url;
    [ada, bob] = [await signUp(url), await signUp(url)];
  });
  afterAll(async () => {
    fleet.closeAll();
    await server?.dispose();
  });

  it('stores an upload into an encrypted room opaque (no name, type, size of picture or thumbnail) and serves back the same bytes, which a member decrypts', async () => {
    const [adaDevice, bobDevice] = [await device(ada), await device(bob)];
    const room = await createRoom(url, ada, { encrypted: true, memberIds: [bob.user.id] });
    const canary = `canary-${randomUUID()}`;
    const notes = Buffer.from(`Meeting notes\n${canary}\n`);
    const photo = await picture('png', 320, 240);
    const [notesSealed, photoSealed, thumbSealed] = [encryptBytes(notes), encryptBytes(photo), encryptBytes(await picture('webp', 64, 48))];

    const notesFile = await uploadCiphertext(url, ada, room.id, notesSealed.data);
    const photoFile = await uploadCiphertext(url, ada, room.id, photoSealed.data);
    const thumbFile = await uploadCiphertext(url, ada, room.id, thumbSealed.data);
    // Nothing sniffed, drawn or named: the server knows the size (AES-CTR keeps it) and nothing else.
    for (const [file, sealed] of [
      [notesFile, notesSealed],
      [photoFile, photoSealed],
    ] as const) {
      expect(file).toMatchObject({ ...OPAQUE, size: sealed.data.length, status: 'ready', category: 'other' });
    }
    await asUser(url, ada).get(`/api/files/${photoFile.id}/thumbnail`).expect(404);

    const attachments: EncryptedAttachment[] = [
      { id: notesFile.id, name: 'notes.txt', size: notes.length, mime: 'text/plain', width: null, height: null, file: notesSealed.key, thumbnail: null },
      {
        id: photoFile.id,
        name: 'holiday.png',
        size: photo.length,
        mime: 'image/png',
        width: 320,
        height: 240,
        file: photoSealed.key,
        thumbnail: { id: thumbFile.id, width: 64, height: 48, mime: 'image/webp', file: thumbSealed.key },
      },
    ];
    const encrypted = await adaDevice.encrypt(room.id, [ada.user.id, bob.user.id], { body: '', attachments });
    const sent = await asUser(url, ada)
      .post(`/api/rooms/${room.id}/messages`)
      .send({ body: '', clientMsgId: randomUUID(), encrypted, attachmentIds: [notesFile.id, photoFile.id, thumbFile.id] })
      .expect(201);
    const message = sent.body as Message;
    // The message carries the files as the server knows them: ids and sizes, nothing the sender named.
    expect(message.attachments).toEqual<Attachment[]>([
      { id: notesFile.id, size: notesSealed.data.length, ...OPAQUE },
      { id: photoFile.id, size: photoSealed.data.length, ...OPAQUE },
      { id: thumbFile.id, size: thumbSealed.data.length, ...OPAQUE },
    ]);

    // Bob's device reads the message, then fetches each file's ciphertext and opens it with the key inside.
    await bobDevice.sync();
    const page = (await asUser(url, bob).get(`/api/rooms/${room.id}/messages`).expect(200)).body as MessagePage;
    const held = page.items.find((m) => m.id === message.id)!;
    const content = await bobDevice.decrypt(room.id, ada.user.id, held.id, held.encrypted!);
    expect(content.attachments.map((a) => a.name)).toEqual(['notes.txt', 'holiday.png']);
    const download = async (id: string) => {
      const res = await binary(request(url).get(`/api/files/${id}/content`).set(bearer(bob))).expect(200);
      // Served only as a download of opaque bytes, under no name.
      expect(res.headers['content-type']).toBe(ENCRYPTED_UPLOAD_TYPE);
      expect(res.headers['content-disposition']).toBe('attachment');
      return res.body as Buffer;
    };
    const [notesGot, photoGot, thumbGot] = [await download(notesFile.id), await download(photoFile.id), await download(thumbFile.id)];
    expect(notesGot.equals(notesSealed.data)).toBe(true);
    expect(sha256(notesGot)).toBe(content.attachments[0]!.file.hashes.sha256);
    expect(decryptBytes(notesGot, content.attachments[0]!.file).toString()).toContain(canary);
    expect(decryptBytes(photoGot, content.attachments[1]!.file).equals(photo)).toBe(true);
    expect(decryptBytes(thumbGot, content.attachments[1]!.thumbnail!.file).subarray(0, 4).toString()).toBe('RIFF');
    // A ciphertext changed on the way is refused by the library (its hash no longer matches).
    const tampered = Buffer.from(notesGot);
    tampered[0] = tampered[0]! ^ 1;
    expect(() => decryptBytes(tampered, content.attachments[0]!.file)).toThrow(/[Hh]ash/);

    // The Files panel lists them without names; the canary is nowhere in the data directory.
    const panel = (await asUser(url, bob).get(`/api/rooms/${room.id}/files`).expect(200)).body as FilePage;
    expect(panel.items.map((f) => [f.id, f.name, f.mime])).toEqual([
      [thumbFile.id, '', ENCRYPTED_UPLOAD_TYPE],
      [photoFile.id, '', ENCRYPTED_UPLOAD_TYPE],
      [notesFile.id, '', ENCRYPTED_UPLOAD_TYPE],
    ]);
    for (const path of filesUnder(server.dataDir)) expect(readFileSync(path).includes(canary)).toBe(false);

    // Deleting one file takes it off the message; deleting the message deletes the rest.
    await asUser(url, ada).delete(`/api/files/${notesFile.id}`).expect(204);
    const after = ((await asUser(url, bob).get(`/api/rooms/${room.id}/messages`).expect(200)).body as MessagePage).items.find((m) => m.id === message.id)!;
    expect(after.attachments.map((a) => a.id)).toEqual([photoFile.id, thumbFile.id]);
    expect(after.encrypted).toEqual(message.encrypted);
    await asUser(url, ada).delete(`/api/messages/${message.id}`).expect(200);
    for (const id of [notesFile.id, photoFile.id, thumbFile.id]) await asUser(url, bob).get(`/api/files/${id}/content`).expect(404);
  });

  it('refuses uploads into an encrypted room that carry a readable name or type, and keeps the size cap, the quota and the access rules', async () => {
    const carol = await signUp(url);
    const room = await createRoom(url, carol, { encrypted: true, memberIds: [bob.user.id] });
    const refusal = expect.stringMatching(/end-to-end encrypted: encrypt the file on your device/);
    const named = await createUpload(url, carol, { roomId: room.id, filename: 'notes.txt', length: 10 }).expect(400);
    expect(named.body).toMatchObject({ code: ErrorCode.BadRequest, message: refusal });
    const typed = await createUpload(url, carol, { roomId: room.id, filename: ENCRYPTED_UPLOAD_NAME, filetype: 'image/png', length: 10 }).expect(400);
    expect(typed.body.message).toEqual(refusal);
    const form = await multipartUpload(url, carol, room.id, 'notes.txt', Buffer.from('plain file')).expect(400);
    expect(form.body.message).toEqual(refusal);
    // In one request too, when it is the ciphertext as the rule says.
    const sealed = encryptBytes(Buffer.from('sent by a script'));
    const one = (await multipartUpload(url, carol, room.id, ENCRYPTED_UPLOAD_NAME, sealed.data).expect(201)).body as FileInfo;
    expect(one).toMatchObject({ ...OPAQUE, size: sealed.data.length, status: 'ready' });
    // Another member does not see it before a message carries it.
    await asUser(url, bob).get(`/api/files/${one.id}/content`).expect(404);

    const tooLarge = await createUpload(url, carol, { roomId: room.id, filename: ENCRYPTED_UPLOAD_NAME, length: MAX_BYTES + 1 }).expect(413);
    expect(tooLarge.body.code).toBe(ErrorCode.PayloadTooLarge);
    const used = (await asUser(url, carol).get('/api/files/limits').expect(200)).body.usedBytes as number;
    for (let i = 0; used + (i + 1) * MAX_BYTES <= QUOTA_BYTES; i++) {
      await createUpload(url, carol, { roomId: room.id, filename: ENCRYPTED_UPLOAD_NAME, length: MAX_BYTES }).expect(201);
    }
    const over = await createUpload(url, carol, { roomId: room.id, filename: ENCRYPTED_UPLOAD_NAME, length: MAX_BYTES }).expect(413);
    expect(over.body.code).toBe(ErrorCode.QuotaExceeded);
  });

  it('lets a message in an encrypted room name twice as many uploads (each file and its thumbnail), and a plain room’s rules stay as they were', async () => {
    const [dee, plainRoom, room] = await (async () => {
      const dee = await signUp(url);
      return [dee, await createRoom(url, dee, { memberIds: [bob.user.id] }), await createRoom(url, dee, { encrypted: true })] as const;
    })();
    const deeDevice = await device(dee);
    const uploads: FileInfo[] = [];
    for (let i = 0; i < 20; i++) uploads.push(await uploadCiphertext(url, dee, room.id, encryptBytes(Buffer.from(`part ${i}`)).data));
    const encrypted = await deeDevice.encrypt(room.id, [dee.user.id], { body: '', attachments: [] });
    const tooMany = await asUser(url, dee)
      .post(`/api/rooms/${room.id}/messages`)
      .send({ body: '', clientMsgId: randomUUID(), encrypted, attachmentIds: [...uploads.map((u) => u.id), randomUUID()] })
      .expect(400);
    expect(tooMany.body.details).toEqual([{ field: 'attachmentIds', message: expect.stringMatching(/at most 20 uploads/) }]);
    const sent = await asUser(url, dee)
      .post(`/api/rooms/${room.id}/messages`)
      .send({ body: '', clientMsgId: randomUUID(), encrypted, attachmentIds: uploads.map((u) => u.id) })
      .expect(201);
    expect((sent.body as Message).attachments).toHaveLength(20);

    // A plain room: at most 10, and a file is named, sniffed and drawn as before.
    const plainIds: string[] = [];
    for (let i = 0; i < 11; i++) plainIds.push((await tusUpload(url, dee, plainRoom.id, `note ${i}.txt`, Buffer.from(`note ${i}\n`))).id);
    const refused = await asUser(url, dee).post(`/api/rooms/${plainRoom.id}/messages`).send({ body: 'notes', clientMsgId: randomUUID(), attachmentIds: plainIds }).expect(400);
    expect(refused.body.details).toEqual([{ field: 'attachmentIds', message: 'attachmentIds may hold at most 10 files' }]);
    const photo = await uploadFile(url, dee, plainRoom.id, 'sunset.png', await picture('png', 320, 240));
    expect(photo).toMatchObject({ name: 'sunset.png', mime: 'image/png', width: 320, height: 240, thumbnail: true, category: 'image' });
    // Ciphertext ids in a plain room's message are refused like any other: plain rooms take plain bodies only.
    await asUser(url, dee).post(`/api/rooms/${plainRoom.id}/messages`).send({ body: '', clientMsgId: randomUUID(), encrypted, attachmentIds: [photo.id] }).expect(400);
  });
});

describe('files in encrypted rooms and the malware scanner', () => {
  let server: RunningServer;

  afterAll(async () => {
    await server?.dispose();
  });

  it('does not pretend to scan ciphertext: with clamd unreachable a plain room’s upload is refused, an encrypted room’s is stored', async () => {
    server = await startOn('sqlite', { env: { FILE_SCAN: 'clamd', CLAMD_HOST: '127.0.0.1', CLAMD_PORT: '1' } });
    const ada = await signUp(server.url);
    const plain = await createRoom(server.url, ada, {});
    const secret = await createRoom(server.url, ada, { encrypted: true });
    const { final } = await tusUpload(server.url, ada, plain.id, 'report.txt', Buffer.from('quarterly figures\n'), 503);
    expect(final.body.code).toBe(ErrorCode.Unavailable);
    await wasm.initAsync();
    const sealed = encryptBytes(Buffer.from('quarterly figures\n'));
    const stored = await uploadCiphertext(server.url, ada, secret.id, sealed.data);
    expect(stored).toMatchObject({ ...OPAQUE, status: 'ready', size: sealed.data.length });
  });
});
