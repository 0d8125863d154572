import * as wasm from '@matrix-org/matrix-sdk-crypto-wasm';
import { BACKUP_ALGORITHM, E2eeDevice, E2eeSyncResponse, EncryptedContent, Message, MessagePage, RoomSummary, e2eeUserId } from '@parley/contracts';
import type { RunningServer } from '@parley/testing';
import request from 'supertest';
import { DatabaseKind, startOn } from './support/database-targets';
import { asUser, bearer, Signed, signIn, signUp } from './support/factories';
import { closeSockets, socketFor } from './support/chat';
import { TestDevice, deviceFleet } from './support/e2ee-device';
import { createUpload, multipartUpload } from './support/files';

const ROOM_KEY = 'm.room.encrypted';

async function createRoom(url: string, owner: Signed, body: Record<string, unknown>): Promise<RoomSummary> {
  const res = await asUser(url, owner).post('/api/rooms').send({ kind: 'group', name: 'Secret plans', ...body });
  if (res.status !== 201) throw new Error(`room creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as RoomSummary;
}

async function sendEncrypted(url: string, who: Signed, roomId: string, encrypted: EncryptedContent, clientMsgId = `c-${Math.random().toString(36).slice(2)}`): Promise<Message> {
  const res = await asUser(url, who).post(`/api/rooms/${roomId}/messages`).send({ body: '', clientMsgId, encrypted });
  if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Message;
}

/** Room-key deliveries (Olm-encrypted to-device events) a device received since `from` events. */
const roomKeysAfter = (d: TestDevice, from: number) => d.received.slice(from).filter((e) => e.type === ROOM_KEY);

describe.each<DatabaseKind>(['sqlite', 'postgres'])('end-to-end encrypted rooms on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  let ada: Signed;
  let bob: Signed;
  let cy: Signed;
  const fleet = deviceFleet(() => url);
  /** A new device of `who`: a new sign-in (as a new browser would), registered, its keys uploaded. */
  const device = (who: Signed) => fleet.device(who);

  beforeAll(async () => {
    await wasm.initAsync();
    server = await startOn(kind, { env: { DM_POLICY: 'anyone' } });
    url = server.url;
    [ada, bob, cy] = [await signUp(url), await signUp(url), await signUp(url)];
  });
  afterAll(async () => {
    fleet.closeAll();
    closeSockets();
    await server?.dispose();
  });

  it('creates encrypted groups and direct rooms, never public ones, and never changes a room’s encryption', async () => {
    const room = await createRoom(url, ada, { encrypted: true, memberIds: [bob.user.id] });
    expect(room.encrypted).toBe(true);
    const plain = await createRoom(url, ada, {});
    expect(plain.encrypted).toBe(false);
    const pub = await asUser(url, ada).post('/api/rooms').send({ kind: 'public', name: 'Open', encrypted: true }).expect(400);
    expect(pub.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'encrypted' }] });
    // A pair has one plain and one encrypted direct room.
    const dmPlain = (await asUser(url, ada).post('/api/rooms/direct').send({ userId: cy.user.id }).expect(201)).body as RoomSummary;
    const dmSecret = (await asUser(url, ada).post('/api/rooms/direct').send({ userId: cy.user.id, encrypted: true }).expect(201)).body as RoomSummary;
    expect(dmPlain.encrypted).toBe(false);
    expect(dmSecret.encrypted).toBe(true);
    expect(dmSecret.id).not.toBe(dmPlain.id);
    const again = (await asUser(url, cy).post('/api/rooms/direct').send({ userId: ada.user.id, encrypted: true }).expect(200)).body as RoomSummary;
    expect(again.id).toBe(dmSecret.id);
    expect(again.peer?.id).toBe(ada.user.id);
    // Nothing turns it off (or on).
    const patch = await asUser(url, ada).patch(`/api/rooms/${room.id}`).send({ encrypted: false }).expect(400);
    expect(patch.body.code).toBe('validation_failed');
    await asUser(url, ada).patch(`/api/rooms/${plain.id}`).send({ encrypted: true }).expect(400);
    expect(((await asUser(url, bob).get(`/api/rooms/${room.id}`).expect(200)).body as RoomSummary).encrypted).toBe(true);
  });

  it('refuses plaintext in an encrypted room and ciphertext in a plain one, over REST, the socket and access tokens', async () => {
    const room = await createRoom(url, ada, { encrypted: true });
    const plain = await createRoom(url, ada, {});
    const fake: EncryptedContent = { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AwgAEhAb', senderKey: 'A'.repeat(43), senderDeviceId: 'ABCDEFGHIJ', sessionId: 'B'.repeat(43) };
    const refused = await asUser(url, ada).post(`/api/rooms/${room.id}/messages`).send({ body: 'top secret', clientMsgId: 'p1' }).expect(400);
    expect(refused.body).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/end-to-end encrypted/) });
    await asUser(url, ada).post(`/api/rooms/${room.id}/messages`).send({ body: 'top secret', clientMsgId: 'p2', encrypted: fake }).expect(400);
    await asUser(url, ada).post(`/api/rooms/${plain.id}/messages`).send({ body: '', clientMsgId: 'p3', encrypted: fake }).expect(400);
    // Each field of the ciphertext is checked.
    for (const bad of [{ algorithm: 'm.olm.v1' }, { ciphertext: 'not base64!' }, { senderKey: 'short' }, { senderDeviceId: 'abc' }, { sessionId: '' }, { extra: 1 }]) {
      const res = await asUser(url, ada).post(`/api/rooms/${room.id}/messages`).send({ body: '', clientMsgId: 'p4', encrypted: { ...fake, ...bad } }).expect(400);
      expect(res.body.code).toBe('validation_failed');
    }
    await asUser(url, ada).post(`/api/rooms/${room.id}/messages`).send({ body: '', clientMsgId: 'p5', encrypted: { ...fake, ciphertext: 'A'.repeat(48_001) } }).expect(400);
    // An integration with a personal access token is refused the same way.
    const token = (await asUser(url, ada).post('/api/auth/tokens').send({ name: 'bot' }).expect(201)).body.token as string;
    await request(url).post(`/api/rooms/${room.id}/messages`).set({ Authorization: `Bearer ${token}` }).send({ body: 'from a bot', clientMsgId: 'p6' }).expect(400);
    // The socket too.
    const socket = await socketFor(url, ada);
    const ack = (await socket.emitWithAck('message:send', { roomId: room.id, clientMsgId: 'p7', body: 'over the socket' })) as { error?: { code: string } };
    expect(ack.error?.code).toBe('validation_failed');
    // Edits.
    const sent = await sendEncrypted(url, ada, room.id, fake, 'p8');
    await asUser(url, ada).patch(`/api/messages/${sent.id}`).send({ body: 'plain edit' }).expect(400);
    const editAck = (await socket.emitWithAck('message:edit', { messageId: sent.id, body: 'plain edit' })) as { error?: { code: string } };
    expect(editAck.error?.code).toBe('validation_failed');
    // A file with a readable name is refused, by tus or multipart (e2ee-files.e2e.ts: what is taken instead).
    const tus = await createUpload(url, ada, { roomId: room.id, filename: 'notes.txt', length: 10 });
    expect(tus.status).toBe(400);
    const multipart = await multipartUpload(url, ada, room.id, 'notes.txt', Buffer.from('plain file'));
    expect(multipart.status).toBe(400);
    expect(multipart.body.message).toMatch(/end-to-end encrypted/);
  });

  it('stores and relays the ciphertext unchanged; previews say encrypted; search never returns it', async () => {
    const room = await createRoom(url, ada, { encrypted: true, memberIds: [bob.user.id] });
    const c: EncryptedContent = { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'needleword'.repeat(5), senderKey: 'C'.repeat(43), senderDeviceId: 'ABCDEFGHIJ', sessionId: 'D'.repeat(43) };
    const sent = await sendEncrypted(url, ada, room.id, c);
    expect(sent).toMatchObject({ body: '', encrypted: c });
    const page = (await asUser(url, bob).get(`/api/rooms/${room.id}/messages`).expect(200)).body as MessagePage;
    expect(page.items.at(-1)).toMatchObject({ id: sent.id, body: '', encrypted: c });
    const list = (await asUser(url, bob).get('/api/rooms').expect(200)).body as RoomSummary[];
    expect(list.find((r) => r.id === room.id)?.lastMessage).toMatchObject({ id: sent.id, text: '', encrypted: true });
    const edited = { ...c, ciphertext: 'edited'.repeat(8) };
    const afterEdit = (await asUser(url, ada).patch(`/api/messages/${sent.id}`).send({ body: '', encrypted: edited }).expect(200)).body as Message;
    expect(afterEdit).toMatchObject({ body: '', encrypted: edited });
    expect(afterEdit.editedAt).not.toBeNull();
    const deleted = (await asUser(url, ada).delete(`/api/messages/${sent.id}`).expect(200)).body as Message;
    expect(deleted).toMatchObject({ body: '', encrypted: null });
    expect(deleted.deletedAt).not.toBeNull();
    await sendEncrypted(url, ada, room.id, c);
    await new Promise((r) => setTimeout(r, 1500));
    const found = await asUser(url, bob).get('/api/search').query({ q: 'needleword' }).expect(200);
    expect(found.body.results).toEqual([]);
  });

  it('messages decrypt on every member device; a removed member’s device gets no later room key', async () => {
    const ada1 = await device(ada);
    const ada2 = await device(ada);
    const bob1 = await device(bob);
    const cy1 = await device(cy);
    const room = await createRoom(url, ada, { encrypted: true, memberIds: [bob.user.id, cy.user.id] });
    const members = [ada.user.id, bob.user.id, cy.user.id];
    // Ada's first device hears (e2ee:sync) that her second one appeared.
    expect((await ada1.sync()).device_lists.changed).toContain(e2eeUserId(ada.user.id));

    const first = await ada1.encrypt(room.id, members, { body: 'the launch code is 1234', attachments: [] });
    const m1 = await sendEncrypted(url, ada, room.id, first);
    for (const d of [ada2, bob1, cy1]) await d.sync();
    for (const d of [ada2, bob1, cy1]) expect((await d.decrypt(room.id, ada.user.id, m1.id, m1.encrypted!)).body).toBe('the launch code is 1234');

    // Cy is removed; Ada's next message goes under a new room key that Cy's device never receives.
    const cyBefore = cy1.received.length;
    await asUser(url, ada).delete(`/api/rooms/${room.id}/members/${cy.user.id}`).expect(204);
    const second = await ada1.encrypt(room.id, [ada.user.id, bob.user.id], { body: 'after Cy left', attachments: [] });
    expect(second.sessionId).not.toBe(first.sessionId);
    const m2 = await sendEncrypted(url, ada, room.id, second);
    await cy1.sync();
    await bob1.sync();
    expect(roomKeysAfter(cy1, cyBefore)).toEqual([]);
    expect((await bob1.decrypt(room.id, ada.user.id, m2.id, m2.encrypted!)).body).toBe('after Cy left');
    await expect(cy1.decrypt(room.id, ada.user.id, m2.id, m2.encrypted!)).rejects.toBeDefined();
  });

  it('a signed-out device drops out of the device list and gets no later room key', async () => {
    const bobPhone = await device(bob);
    const bobLaptop = await device(bob);
    const ada1 = await device(ada);
    const room = await createRoom(url, ada, { encrypted: true, memberIds: [bob.user.id] });
    const members = [ada.user.id, bob.user.id];
    const first = await ada1.encrypt(room.id, members, { body: 'hello both', attachments: [] });
    await sendEncrypted(url, ada, room.id, first);
    await bobPhone.sync();
    expect(roomKeysAfter(bobPhone, 0).length).toBeGreaterThan(0);

    const phoneBefore = bobPhone.received.length;
    await asUser(url, bobLaptop.who).delete(`/api/e2ee/devices/${bobPhone.deviceId}`).expect(204);
    // Bob's phone's session ended with it.
    await request(url).get('/api/e2ee/devices').set(bearer(bobPhone.who)).expect(401);
    const adaSync = await ada1.sync();
    expect(adaSync.device_lists.changed).toContain(e2eeUserId(bob.user.id));
    const second = await ada1.encrypt(room.id, members, { body: 'phone is gone', attachments: [] });
    expect(second.sessionId).not.toBe(first.sessionId);
    const m2 = await sendEncrypted(url, ada, room.id, second);
    await bobLaptop.sync();
    expect((await bobLaptop.decrypt(room.id, ada.user.id, m2.id, m2.encrypted!)).body).toBe('phone is gone');
    const inbox = await request(url).get('/api/e2ee/sync').set(bearer(bobPhone.who));
    expect(inbox.status).toBe(401);
    expect(bobPhone.received.length).toBe(phoneBefore);
  });

  it('keeps each user’s keys, backups and account data their own, and to-device messages for the addressed device only', async () => {
    const adaA = await device(ada);
    const adaB = await device(ada);
    const bobD = await device(bob);
    // Bob cannot upload keys as Ada's device.
    const forged = await request(url)
      .post('/api/e2ee/keys/upload')
      .set(bearer(bobD.who))
      .send({ device_keys: { user_id: e2eeUserId(ada.user.id), device_id: adaA.deviceId, algorithms: [], keys: {}, signatures: {} } })
      .expect(400);
    expect(forged.body.code).toBe('validation_failed');
    // Ada's device keys cannot be replaced, not even by Ada.
    const query = (await request(url).post('/api/e2ee/keys/query').set(bearer(bobD.who)).send({ device_keys: { [e2eeUserId(ada.user.id)]: [] } }).expect(200)).body;
    const adaKeys = query.device_keys[e2eeUserId(ada.user.id)][adaA.deviceId];
    expect(adaKeys.keys).toBeDefined();
    const replaced = { ...adaKeys, keys: { ...adaKeys.keys, [`ed25519:${adaA.deviceId}`]: 'x'.repeat(43) } };
    delete replaced.unsigned;
    await request(url).post('/api/e2ee/keys/upload').set(bearer(adaA.who)).send({ device_keys: replaced }).expect(400);

    // To-device: addressed to Ada's device A, it reaches A and nobody else.
    await request(url)
      .put('/api/e2ee/sendToDevice/m.test/txn1')
      .set(bearer(bobD.who))
      .send({ messages: { [e2eeUserId(ada.user.id)]: { [adaA.deviceId]: { hello: 'A only' } } } })
      .expect(200);
    // The same transaction again adds nothing.
    await request(url)
      .put('/api/e2ee/sendToDevice/m.test/txn1')
      .set(bearer(bobD.who))
      .send({ messages: { [e2eeUserId(ada.user.id)]: { [adaA.deviceId]: { hello: 'A only' } } } })
      .expect(200);
    const syncA = (await request(url).get('/api/e2ee/sync').query({ since: '0_0' }).set(bearer(adaA.who)).expect(200)).body as E2eeSyncResponse;
    const syncB = (await request(url).get('/api/e2ee/sync').query({ since: '0_0' }).set(bearer(adaB.who)).expect(200)).body as E2eeSyncResponse;
    expect(syncA.to_device.events.filter((e) => e.type === 'm.test')).toEqual([{ type: 'm.test', sender: e2eeUserId(bob.user.id), content: { hello: 'A only' } }]);
    expect(syncB.to_device.events.filter((e) => e.type === 'm.test')).toEqual([]);
    // Acknowledged by the next sync from its token: gone.
    const syncA2 = (await request(url).get('/api/e2ee/sync').query({ since: syncA.next_batch }).set(bearer(adaA.who)).expect(200)).body as E2eeSyncResponse;
    expect(syncA2.to_device.events).toEqual([]);

    // A one-time key is handed out once.
    const claimBody = { one_time_keys: { [e2eeUserId(ada.user.id)]: { [adaB.deviceId]: 'signed_curve25519' } } };
    const c1 = (await request(url).post('/api/e2ee/keys/claim').set(bearer(bobD.who)).send(claimBody).expect(200)).body;
    const c2 = (await request(url).post('/api/e2ee/keys/claim').set(bearer(bobD.who)).send(claimBody).expect(200)).body;
    const k1 = Object.keys(c1.one_time_keys[e2eeUserId(ada.user.id)][adaB.deviceId])[0];
    const k2 = Object.keys(c2.one_time_keys[e2eeUserId(ada.user.id)]?.[adaB.deviceId] ?? {})[0];
    expect(k1).toBeDefined();
    expect(k2).not.toBe(k1);

    // Backup and account data: Bob sees none of Ada's.
    await request(url).post('/api/e2ee/room_keys/version').set(bearer(adaA.who)).send({ algorithm: BACKUP_ALGORITHM, auth_data: { public_key: 'abc' } }).expect(200);
    await request(url).get('/api/e2ee/room_keys/version').set(bearer(adaB.who)).expect(200);
    await request(url).get('/api/e2ee/room_keys/version').set(bearer(cy)).expect(404);
    await request(url).put('/api/e2ee/account-data/parley.secret_storage').set(bearer(adaA.who)).send({ content: { sealed: 'xyz' } }).expect(200);
    expect((await request(url).get('/api/e2ee/account-data/parley.secret_storage').set(bearer(adaB.who)).expect(200)).body).toEqual({ content: { sealed: 'xyz' } });
    await request(url).get('/api/e2ee/account-data/parley.secret_storage').set(bearer(cy)).expect(404);
    expect((await request(url).get('/api/e2ee/account-data').set(bearer(adaB.who)).expect(200)).body).toEqual({ account_data: { 'parley.secret_storage': { sealed: 'xyz' } } });
    expect((await request(url).get('/api/e2ee/account-data').set(bearer(cy)).expect(200)).body).toEqual({ account_data: {} });
  });

  it('answers bad input with 4xx in the one error shape', async () => {
    const d = await device(cy);
    const as = (path: string) => request(url).post(`/api/e2ee/${path}`).set(bearer(d.who));
    for (const [path, body] of [
      ['keys/upload', { surprise: 1 }],
      ['keys/upload', { one_time_keys: { 'no-colon': 'x' } }],
      ['keys/query', { device_keys: { '@nobody:elsewhere': [] } }],
      ['keys/query', { device_keys: 'all' }],
      ['keys/claim', { one_time_keys: { [e2eeUserId(ada.user.id)]: { lower: 'signed_curve25519' } } }],
      ['room_keys/version', { algorithm: 'rot13', auth_data: {} }],
    ] as const) {
      const res = await as(path).send(body);
      expect([400, 413]).toContain(res.status);
      expect(res.body).toMatchObject({ statusCode: res.status, code: expect.any(String), message: expect.any(String) });
    }
    await request(url).get('/api/e2ee/sync').query({ since: 'garbage' }).set(bearer(d.who)).expect(400);
    await request(url).put('/api/e2ee/sendToDevice/m.test/t1').set(bearer(d.who)).send({ messages: { [e2eeUserId(ada.user.id)]: { '*': { big: 'x'.repeat(70_000) } } } }).expect(413);
    await request(url).put('/api/e2ee/sendToDevice/m%20bad/t1').set(bearer(d.who)).send({ messages: {} }).expect(400);
    // Endpoints other than registration need a registered device.
    const fresh = await signIn(url, cy.user.username, cy.password);
    await request(url).get('/api/e2ee/sync').set(bearer(fresh)).expect(400);
    await request(url).get('/api/e2ee/devices').expect(401);
    const mine = (await request(url).get('/api/e2ee/devices').set(bearer(d.who)).expect(200)).body.devices as E2eeDevice[];
    expect(mine.find((x) => x.current)?.deviceId).toBe(d.deviceId);
  });

  it('backs room keys up encrypted to the recovery key, and a new device restores and reads earlier messages', async () => {
    const ada1 = await device(ada);
    const bob1 = await device(bob);
    const recovery = wasm.BackupDecryptionKey.createRandomKey();
    const version = (
      await request(url)
        .post('/api/e2ee/room_keys/version')
        .set(bearer(ada1.who))
        .send({ algorithm: BACKUP_ALGORITHM, auth_data: { public_key: recovery.megolmV1PublicKey.publicKeyBase64 } })
        .expect(200)
    ).body.version as string;
    await ada1.machine.enableBackupV1(recovery.megolmV1PublicKey.publicKeyBase64, version);
    const room = await createRoom(url, ada, { encrypted: true, memberIds: [bob.user.id] });
    const sent = await sendEncrypted(url, ada, room.id, await ada1.encrypt(room.id, [ada.user.id, bob.user.id], { body: 'before the new laptop', attachments: [] }));
    const backup = await ada1.machine.backupRoomKeys();
    expect(backup).toBeDefined();
    await ada1.send(backup!);
    // The same sessions backed up again (another device, or after a restore) replace what is stored.
    const again = await request(url).put('/api/e2ee/room_keys/keys').query({ version }).set(bearer(ada1.who)).send(backup!.body).set('Content-Type', 'application/json').expect(200);
    expect(again.body.count).toBe(1);
    // A new device: nobody shared the key with it; the backup has it, encrypted to the recovery key.
    const ada2 = await device(ada);
    await expect(ada2.decrypt(room.id, ada.user.id, sent.id, sent.encrypted!)).rejects.toBeDefined();
    const stored = (await request(url).get('/api/e2ee/room_keys/keys').query({ version }).set(bearer(ada2.who)).expect(200)).body as {
      rooms: Record<string, { sessions: Record<string, { session_data: { ephemeral: string; mac: string; ciphertext: string } }> }>;
    };
    expect(JSON.stringify(stored)).not.toContain('before the new laptop');
    const restored = new Map<wasm.RoomId, Map<string, unknown>>();
    for (const [roomId, { sessions }] of Object.entries(stored.rooms)) {
      const map = new Map<string, unknown>();
      for (const [sessionId, s] of Object.entries(sessions)) map.set(sessionId, JSON.parse(recovery.decryptV1(s.session_data.ephemeral, s.session_data.mac, s.session_data.ciphertext)));
      restored.set(new wasm.RoomId(roomId), map);
    }
    await ada2.machine.importBackedUpRoomKeys(restored, () => undefined, version);
    expect((await ada2.decrypt(room.id, ada.user.id, sent.id, sent.encrypted!)).body).toBe('before the new laptop');
    // Bob cannot read Ada's backup.
    await request(url).get('/api/e2ee/room_keys/keys').query({ version }).set(bearer(bob1.who)).expect(404);
  });
});
