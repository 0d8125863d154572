import { Message, SESSION_COOKIE, SyncResult } from '@parley/contracts';
import { RunningServer, startServer } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DatabaseKind, startOn } from './support/database-targets';
import { blockUser, CSRF_HEADER, Signed, signIn, signUp } from './support/factories';
import { closeSockets, createRoom, send, socketFor, track } from './support/chat';
import { call, connect, errorOf, next, record, refusal, sleep, whenDisconnected, within } from './support/sockets';

afterEach(closeSockets);

describe.each<DatabaseKind>(['sqlite', 'postgres'])('real-time delivery on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    server = await startOn(kind);
    url = server.url;
  });
  afterAll(() => server.dispose());

  it('delivers a message to every member, in seq order, and to nobody else', async () => {
    const [ana, ben, cai, dan] = await Promise.all([signUp(url), signUp(url), signUp(url), signUp(url)]);
    const room = await createRoom(url, ana, [ben, cai]);
    const [sa, sb, sc, sd] = await Promise.all([socketFor(url, ana), socketFor(url, ben), socketFor(url, cai), socketFor(url, dan)]);
    const sb2 = await socketFor(url, ben); // Ben's second tab
    const got = { b: record(sb, 'message:new'), c: record(sc, 'message:new'), d: record(sd, 'message:new'), a: record(sa, 'message:new'), b2: record(sb2, 'message:new') };

    const sent: Message[] = [];
    for (let i = 1; i <= 5; i++) sent.push(await send(sa, room.id, `hello ${i}`));
    expect(sent.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(sent[0]).toMatchObject({ roomId: room.id, senderId: ana.user.id, body: 'hello 1', editedAt: null, deletedAt: null });

    await next(sc, 'message:new', (m) => m.seq === 5).catch(() => undefined);
    await sleep(200);
    for (const list of [got.b, got.c, got.b2]) expect(list.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(got.b[2]).toEqual(sent[2]);
    expect(got.d).toEqual([]); // not a member
    expect(got.a).toEqual([]); // the sending socket gets its message in the ack
  });

  it('answers a resend of the same clientMsgId with the original message, never a duplicate', async () => {
    const [ana, ben] = await Promise.all([signUp(url), signUp(url)]);
    const room = await createRoom(url, ana, [ben]);
    const [sa, sb] = await Promise.all([socketFor(url, ana), socketFor(url, ben)]);
    const seen = record(sb, 'message:new');
    const id = randomUUID();
    const first = await send(sa, room.id, 'only once', id);
    const again = await send(sa, room.id, 'only once', id);
    const [c1, c2] = await Promise.all([send(sa, room.id, 'racing', 'race-1'), send(sa, room.id, 'racing', 'race-1')]);
    expect(again).toEqual(first);
    expect(c1).toEqual(c2);
    // The same id over REST: 200 with the original.
    const rest = await request(url).post(`/api/rooms/${room.id}/messages`).set('Authorization', `Bearer ${ana.token}`).send({ body: 'only once', clientMsgId: id });
    expect(rest.status).toBe(200);
    expect(rest.body).toEqual(first);
    await sleep(200);
    expect(seen.map((m) => m.body)).toEqual(['only once', 'racing']);
    const history = await request(url).get(`/api/rooms/${room.id}/messages`).set('Authorization', `Bearer ${ben.token}`);
    expect(history.body.items.map((m: Message) => m.seq)).toEqual([1, 2]);
  });

  it('propagates edits and deletions, and only lets the right people make them', async () => {
    const [ana, ben, cai] = await Promise.all([signUp(url), signUp(url), signUp(url)]);
    const room = await createRoom(url, ana, [ben, cai]);
    const [sa, sb, sc] = await Promise.all([socketFor(url, ana), socketFor(url, ben), socketFor(url, cai)]);
    const byBen = await send(sb, room.id, 'typo herre');
    const byCai = await send(sc, room.id, 'rude words');

    const updated = next(sa, 'message:updated');
    const edit = await call(sb, 'message:edit', { messageId: byBen.id, body: 'typo here' });
    expect((edit as { message: Message }).message).toMatchObject({ id: byBen.id, seq: byBen.seq, body: 'typo here' });
    expect((edit as { message: Message }).message.editedAt).not.toBeNull();
    expect(await updated).toMatchObject({ id: byBen.id, body: 'typo here' });

    expect(errorOf(await call(sc, 'message:edit', { messageId: byBen.id, body: 'hijack' }))?.code).toBe('forbidden');
    expect(errorOf(await call(sb, 'message:delete', { messageId: byCai.id }))?.code).toBe('forbidden');

    // The room owner may delete anyone's message; everyone sees the tombstone.
    const deleted = next(sb, 'message:deleted');
    const del = (await call(sa, 'message:delete', { messageId: byCai.id })) as { message: Message };
    expect(del.message).toMatchObject({ id: byCai.id, body: '' });
    expect(await deleted).toMatchObject({ roomId: room.id, messageId: byCai.id, seq: byCai.seq });
    expect(errorOf(await call(sc, 'message:edit', { messageId: byCai.id, body: 'back' }))?.code).toBe('conflict');
    const history = await request(url).get(`/api/rooms/${room.id}/messages`).set('Authorization', `Bearer ${cai.token}`);
    expect(history.body.items[1]).toMatchObject({ id: byCai.id, body: '', seq: 2 });
    expect(history.body.items[1].deletedAt).not.toBeNull();
  });

  it('refuses a non-member\u2019s send with the 404 of a missing room, in any kind of room, and uses up no seq', async () => {
    const [ana, ben, mal] = await Promise.all([signUp(url), signUp(url), signUp(url)]);
    const room = await createRoom(url, ana, [ben]);
    const [sa, sb, sm] = await Promise.all([socketFor(url, ana), socketFor(url, ben), socketFor(url, mal)]);
    const first = await send(sa, room.id, 'members only');
    const direct = await request(url).post('/api/rooms/direct').set('Authorization', `Bearer ${ana.token}`).send({ userId: ben.user.id });
    expect([200, 201]).toContain(direct.status);
    // Mal blocks Ana: a member would get 403 in her direct room; an outsider still learns nothing.
    await blockUser(url, mal, ana);
    for (const roomId of [room.id, direct.body.id as string, randomUUID()]) {
      const socket = await call(sm, 'message:send', { roomId, clientMsgId: randomUUID(), body: 'let me in' });
      expect(errorOf(socket)?.code).toBe('not_found');
      const reply = await call(sm, 'message:send', { roomId, clientMsgId: randomUUID(), body: 'a reply', replyToId: first.id });
      expect(errorOf(reply)?.code).toBe('not_found');
      const rest = await request(url).post(`/api/rooms/${roomId}/messages`).set('Authorization', `Bearer ${mal.token}`).send({ body: 'x', clientMsgId: randomUUID() });
      expect(rest.status).toBe(404);
    }
    // Removed: from then on a 404, and the room's seqs go on without a gap.
    expect((await request(url).delete(`/api/rooms/${room.id}/members/${ben.user.id}`).set('Authorization', `Bearer ${ana.token}`)).status).toBe(204);
    expect(errorOf(await call(sb, 'message:send', { roomId: room.id, clientMsgId: randomUUID(), body: 'still here?' }))?.code).toBe('not_found');
    const after = await send(sa, room.id, 'next');
    expect(after.seq).toBe(first.seq + 2); // + the system line "Ana removed Ben"
  });

  it('syncs everything missed while disconnected: new messages, edits and deletions, in order', async () => {
    const [ana, ben] = await Promise.all([signUp(url), signUp(url)]);
    const room = await createRoom(url, ana, [ben]);
    const sa = await socketFor(url, ana);
    let sb = await socketFor(url, ben);
    const early = await send(sa, room.id, 'before the drop');
    const doomed = await send(sa, room.id, 'will be deleted');
    const cursor = { seq: doomed.seq, rev: doomed.rev };
    sb.close();

    for (let i = 0; i < 4; i++) await send(sa, room.id, `missed ${i}`);
    await call(sa, 'message:edit', { messageId: early.id, body: 'edited while away' });
    await call(sa, 'message:delete', { messageId: doomed.id });

    sb = await socketFor(url, ben);
    const result = (await call(sb, 'sync', { since: { [room.id]: cursor.seq }, revs: { [room.id]: cursor.rev } })) as SyncResult;
    expect(result.removed).toEqual([]);
    const r = result.rooms.find((x) => x.roomId === room.id)!;
    expect(r.messages.map((m) => [m.seq, m.body])).toEqual([
      [1, 'edited while away'],
      [2, ''],
      [3, 'missed 0'],
      [4, 'missed 1'],
      [5, 'missed 2'],
      [6, 'missed 3'],
    ]);
    expect(r.lastSeq).toBe(6);
    expect(r.hasMore).toBe(false);
    // Asking again with the new cursors: nothing new.
    const again = (await call(sb, 'sync', { since: { [room.id]: r.lastSeq }, revs: { [room.id]: r.lastRev } })) as SyncResult;
    expect(again.rooms[0].messages).toEqual([]);
  });
});

describe('the socket handshake and session lifecycle', () => {
  let server: RunningServer;
  let url: string;
  let admin: Signed;
  beforeAll(async () => {
    server = await startServer();
    url = server.url;
    admin = await signUp(url); // the first account is the instance admin
  });
  afterAll(() => server.dispose());

  it('refuses a socket without valid credentials', async () => {
    expect((await refusal(url, {})).code).toBe('unauthenticated');
    expect((await refusal(url, { token: 'pls_not-a-real-token' })).code).toBe('unauthenticated');
    expect((await refusal(url, { token: 'plt_not-a-real-token' })).code).toBe('unauthenticated');
    expect((await refusal(url, { cookie: `${SESSION_COOKIE}=pls_forged` })).code).toBe('unauthenticated');
    const ana = await signUp(url);
    // A token in the query string is refused even when valid: URLs end up in logs.
    const q = await refusal(url, { query: { token: ana.token } });
    expect(q.message).toMatch(/never in the URL/);
  });

  it('accepts the session cookie, a session token and a personal access token', async () => {
    const ana = await signUp(url);
    const viaCookie = await connect(url, { cookie: `${SESSION_COOKIE}=${ana.token}` });
    track(viaCookie);
    const pat = await ana.agent.post('/api/auth/tokens').set(CSRF_HEADER, ana.csrf).send({ name: 'bot' });
    expect(pat.status).toBe(201);
    const viaPat = await connect(url, { token: pat.body.token });
    track(viaPat);
    expect(viaCookie.connected && viaPat.connected).toBe(true);
  });

  it('refuses an Origin outside the allowed list, and accepts the server\u2019s own', async () => {
    const ana = await signUp(url);
    const r = await refusal(url, { token: ana.token, origin: 'https://evil.example' });
    expect(r.message).toMatch(/websocket error|Origin not allowed/i);
    const same = await connect(url, { token: ana.token, origin: url });
    track(same);
    expect(same.connected).toBe(true);
  });

  it('disconnects sockets within seconds on logout, logout-all, password change, token revocation and deactivation', async () => {
    const ana = await signUp(url);
    const s1 = await socketFor(url, ana);
    const ended = next(s1, 'session:ended');
    const gone = whenDisconnected(s1);
    expect((await request(url).post('/api/auth/logout').set('Authorization', `Bearer ${ana.token}`)).status).toBe(204);
    expect(await within(ended, 3000, 'session:ended after logout')).toEqual({ reason: 'logout' });
    await within(gone, 3000, 'the socket closing after logout');
    expect((await refusal(url, { token: ana.token })).code).toBe('unauthenticated');

    // Password change ends the *other* sessions' sockets but keeps the one that made the change.
    const ben = await signUp(url);
    const other = await signIn(url, ben.user.username, ben.password);
    const keep = await socketFor(url, ben);
    const drop = await socketFor(url, other);
    const dropGone = whenDisconnected(drop);
    const newPassword = `another ${randomUUID()} passphrase`;
    const change = await request(url).put('/api/users/me/password').set('Authorization', `Bearer ${ben.token}`).send({ currentPassword: ben.password, newPassword });
    expect(change.status).toBeLessThan(300);
    await within(dropGone, 3000, 'the other session\u2019s socket closing after a password change');
    await sleep(200);
    expect(keep.connected).toBe(true);

    // A revoked personal access token.
    const pat = await ben.agent.post('/api/auth/tokens').set(CSRF_HEADER, ben.csrf).send({ name: 'bot' });
    const viaPat = await connect(url, { token: pat.body.token });
    track(viaPat);
    const patGone = whenDisconnected(viaPat);
    expect((await ben.agent.delete(`/api/auth/tokens/${pat.body.id}`).set(CSRF_HEADER, ben.csrf)).status).toBe(204);
    await within(patGone, 3000, 'the token\u2019s socket closing after revocation');

    // Logout-all.
    const keepGone = whenDisconnected(keep);
    expect((await request(url).post('/api/auth/logout-all').set('Authorization', `Bearer ${ben.token}`)).status).toBe(204);
    await within(keepGone, 3000, 'the socket closing after logout-all');
  });

  it('disconnects a deactivated user at once and refuses them afterwards', async () => {
    const eve = await signUp(url);
    const s = await socketFor(url, eve);
    const gone = whenDisconnected(s);
    const res = await request(url).post(`/api/admin/users/${eve.user.id}/deactivate`).set('Authorization', `Bearer ${admin.token}`);
    expect(res.status).toBe(200);
    await within(gone, 3000, 'the socket closing after deactivation');
    expect((await refusal(url, { token: eve.token })).code).toBe('unauthenticated');
  });
});
