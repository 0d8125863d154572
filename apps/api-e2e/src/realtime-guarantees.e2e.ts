import { Message, MessagePage, RoomSummary, SyncResult } from '@parley/contracts';
import { RunningServer, startServer } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { closeSockets, createRoom, send, socketFor } from './support/chat';
import { signUp } from './support/factories';
import { call, connect, errorOf, next, record, refusal, sleep } from './support/sockets';

afterEach(closeSockets);

describe('authorisation and bad input on the socket', () => {
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    server = await startServer({ env: { PRESENCE_OFFLINE_GRACE_MS: '100' } });
    url = server.url;
  });
  afterAll(() => server.dispose());

  it('answers every event about a room the user is not in with not_found, like a missing room', async () => {
    const [ana, ben, mal] = await Promise.all([signUp(url), signUp(url), signUp(url)]);
    const room = await createRoom(url, ana, [ben]);
    const sa = await socketFor(url, ana);
    const msg = await send(sa, room.id, 'private');
    const sm = await socketFor(url, mal);
    const missing = randomUUID();
    for (const roomId of [room.id, missing]) {
      expect(errorOf(await call(sm, 'message:send', { roomId, clientMsgId: randomUUID(), body: 'hi' }))?.code).toBe('not_found');
      expect(errorOf(await call(sm, 'typing', { roomId }))?.code).toBe('not_found');
      expect(errorOf(await call(sm, 'room:read', { roomId, seq: 1 }))?.code).toBe('not_found');
    }
    expect(errorOf(await call(sm, 'message:edit', { messageId: msg.id, body: 'x' }))?.code).toBe('not_found');
    expect(errorOf(await call(sm, 'message:delete', { messageId: msg.id }))?.code).toBe('not_found');
    const sync = (await call(sm, 'sync', { since: { [room.id]: 0, [missing]: 0 } })) as SyncResult;
    expect(sync.rooms).toEqual([]);
    expect(sync.removed.sort()).toEqual([room.id, missing].sort());
    expect(sync.joined).not.toContain(room.id);
    // And over REST: the same 404 for a room that exists and one that does not.
    for (const roomId of [room.id, missing]) {
      const h = await request(url).get(`/api/rooms/${roomId}/messages`).set('Authorization', `Bearer ${mal.token}`);
      expect(h.status).toBe(404);
      const p = await request(url).post(`/api/rooms/${roomId}/messages`).set('Authorization', `Bearer ${mal.token}`).send({ body: 'x', clientMsgId: randomUUID() });
      expect(p.status).toBe(404);
      expect(p.body).toMatchObject({ statusCode: 404, code: 'not_found' });
    }
  });

  it('names the rooms the client left out of its sync, which its room list missed, and the socket follows them', async () => {
    const [ana, ben] = await Promise.all([signUp(url), signUp(url)]);
    await createRoom(url, ana, [ben]);
    // Ben's room list (#general and the room above), then a room he is added to after it came.
    const listed = (await request(url).get('/api/rooms').set('Authorization', `Bearer ${ben.token}`).expect(200)).body as RoomSummary[];
    const since = Object.fromEntries(listed.map((r) => [r.id, 0]));
    const added = await createRoom(url, ana, [ben]);
    const sb = await socketFor(url, ben);
    const first = (await call(sb, 'sync', { since })) as SyncResult;
    expect(first.joined).toEqual([added.id]);
    expect(first.removed).toEqual([]);
    const arrived = next(sb, 'message:new', (m) => m.roomId === added.id);
    const sa = await socketFor(url, ana);
    await send(sa, added.id, 'in the room the list missed');
    expect(await arrived).toMatchObject({ roomId: added.id, body: 'in the room the list missed' });
    const both = (await call(sb, 'sync', { since: { ...since, [added.id]: 1 } })) as SyncResult;
    expect(both.joined).toEqual([]);
  });

  it('stops delivering to a removed member at once and refuses their events', async () => {
    const [ana, ben] = await Promise.all([signUp(url), signUp(url)]);
    const room = await createRoom(url, ana, [ben]);
    const [sa, sb] = await Promise.all([socketFor(url, ana), socketFor(url, ben)]);
    const arrived = next(sb, 'message:new');
    await send(sa, room.id, 'before');
    await arrived;
    const left = next(sb, 'room:left');
    const del = await request(url).delete(`/api/rooms/${room.id}/members/${ben.user.id}`).set('Authorization', `Bearer ${ana.token}`);
    expect(del.status).toBeLessThan(300);
    expect(await left).toMatchObject({ roomId: room.id, userId: ben.user.id });
    const after = record(sb, 'message:new');
    await send(sa, room.id, 'after removal');
    await sleep(300);
    expect(after).toEqual([]);
    expect(errorOf(await call(sb, 'message:send', { roomId: room.id, clientMsgId: randomUUID(), body: 'still here?' }))?.code).toBe('not_found');
    expect((await request(url).get(`/api/rooms/${room.id}/messages`).set('Authorization', `Bearer ${ben.token}`)).status).toBe(404);
  });

  it('turns malformed and oversized payloads into ack errors, never a crash', async () => {
    const [ana] = await Promise.all([signUp(url)]);
    const room = await createRoom(url, ana, []);
    const sa = await socketFor(url, ana);
    const bad: [unknown, RegExp][] = [
      ['just a string', /must be an object/],
      [null, /must be an object/],
      [[1, 2], /must be an object/],
      [{ roomId: 'nope', clientMsgId: 'a', body: 'x' }, /roomId must be a UUID/],
      [{ roomId: room.id, clientMsgId: 'a', body: '   ' }, /body must not be empty/],
      [{ roomId: room.id, clientMsgId: 'a', body: 42 }, /body must be text/],
      [{ roomId: room.id, clientMsgId: 'has spaces', body: 'x' }, /clientMsgId/],
      [{ roomId: room.id, clientMsgId: 'a', body: 'x'.repeat(8001) }, /at most 8000/],
      [{ roomId: room.id, clientMsgId: 'a', body: 'x', admin: true }, /admin is not a known field/],
      [{ roomId: room.id, body: 'x' }, /clientMsgId/],
    ];
    for (const [payload, message] of bad) {
      const err = errorOf(await call(sa, 'message:send', payload));
      expect(err?.code).toBe('validation_failed');
      expect(err?.message).toMatch(message);
    }
    expect(errorOf(await call(sa, 'sync', { since: { 'not-a-room': 1 } }))?.code).toBe('validation_failed');
    expect(errorOf(await call(sa, 'sync', { since: { [room.id]: -1 } }))?.code).toBe('validation_failed');
    expect(errorOf(await call(sa, 'room:read', { roomId: room.id, seq: 1.5 }))?.code).toBe('validation_failed');
    expect(errorOf(await call(sa, 'presence:activity', { state: 'sleeping' }))?.code).toBe('validation_failed');
    // No ack function at all: nothing to answer, nothing breaks.
    (sa as unknown as { emit(e: string, p: unknown): void }).emit('message:send', { roomId: room.id });
    // Exactly 8,000 characters is fine.
    expect((await send(sa, room.id, 'y'.repeat(8000))).body).toHaveLength(8000);
    // A frame over the cap closes that connection (and only that one).
    const other = await socketFor(url, ana);
    const closed = new Promise((r) => sa.once('disconnect', r));
    (sa as unknown as { emit(e: string, p: unknown): void }).emit('message:send', { roomId: room.id, clientMsgId: 'big', body: 'z'.repeat(70_000) });
    await closed;
    expect((await send(other, room.id, 'still serving')).body).toBe('still serving');
    expect((await request(url).get('/api/health')).status).toBe(200);
  });

  it('relays typing, read receipts and presence to the other members', async () => {
    const [ana, ben] = await Promise.all([signUp(url), signUp(url)]);
    const room = await createRoom(url, ana, [ben]);
    const sa = await socketFor(url, ana);
    const online = next(sa, 'presence', (p) => p.userId === ben.user.id && p.status === 'online');
    const sb = await socketFor(url, ben);
    await online;

    const typing = next(sa, 'typing');
    expect(await call(sb, 'typing', { roomId: room.id })).toEqual({ ok: true });
    expect(await typing).toMatchObject({ roomId: room.id, userId: ben.user.id });

    const arrived = next(sb, 'message:new');
    const m = await send(sa, room.id, 'read me');
    await arrived;
    const receipt = next(sa, 'receipt', (r) => r.userId === ben.user.id);
    expect(await call(sb, 'room:read', { roomId: room.id, seq: m.seq + 100 })).toEqual({ roomId: room.id, lastReadSeq: m.seq });
    expect(await receipt).toEqual({ roomId: room.id, userId: ben.user.id, seq: m.seq });
    const list = await request(url).get('/api/rooms').set('Authorization', `Bearer ${ben.token}`);
    expect(list.body.find((r: { id: string }) => r.id === room.id)).toMatchObject({ unreadCount: 0, lastReadSeq: m.seq });

    const away = next(sa, 'presence', (p) => p.userId === ben.user.id && p.status === 'away');
    await call(sb, 'presence:activity', { state: 'idle' });
    await away;
    const offline = next(sa, 'presence', (p) => p.userId === ben.user.id && p.status === 'offline');
    sb.close();
    const gone = await offline;
    expect(gone.lastSeenAt).not.toBeNull();
    const q = (await call(sa, 'presence:query', { userIds: [ben.user.id, ana.user.id] })) as { presence: { userId: string; status: string }[] };
    expect(q.presence.map((p) => p.status)).toEqual(['offline', 'online']);
  });

  it('fans REST sends out to sockets and pages history by seq', async () => {
    const [ana, ben] = await Promise.all([signUp(url), signUp(url)]);
    const room = await createRoom(url, ana, [ben]);
    const sb = await socketFor(url, ben);
    const got = next(sb, 'message:new');
    const res = await request(url).post(`/api/rooms/${room.id}/messages`).set('Authorization', `Bearer ${ana.token}`).send({ body: 'from a bot', clientMsgId: 'bot-1' });
    expect(res.status).toBe(201);
    expect(await got).toEqual(res.body);
    for (let i = 2; i <= 7; i++) {
      await request(url).post(`/api/rooms/${room.id}/messages`).set('Authorization', `Bearer ${ana.token}`).send({ body: `n${i}`, clientMsgId: `bot-${i}` });
    }
    const auth = { Authorization: `Bearer ${ben.token}` };
    const latest = await request(url).get(`/api/rooms/${room.id}/messages?limit=3`).set(auth);
    expect(latest.body.items.map((m: Message) => m.seq)).toEqual([5, 6, 7]);
    expect(latest.body.hasMore).toBe(true);
    const older = await request(url).get(`/api/rooms/${room.id}/messages?before=5&limit=3`).set(auth);
    expect(older.body.items.map((m: Message) => m.seq)).toEqual([2, 3, 4]);
    const oldest = await request(url).get(`/api/rooms/${room.id}/messages?before=2&limit=3`).set(auth);
    expect(oldest.body).toMatchObject({ hasMore: false });
    expect(oldest.body.items.map((m: Message) => m.seq)).toEqual([1]);
    const newer = await request(url).get(`/api/rooms/${room.id}/messages?after=5`).set(auth);
    expect(newer.body.items.map((m: Message) => m.seq)).toEqual([6, 7]);
    for (const q of ['limit=101', 'limit=0', 'before=-1', 'after=x', 'before=2&after=1', 'sort=asc']) {
      const r = await request(url).get(`/api/rooms/${room.id}/messages?${q}`).set(auth);
      expect([q, r.status, r.body.code]).toEqual([q, 400, 'validation_failed']);
    }
  });

  it('opens history around one message (a search result), then pages on both ways from there', async () => {
    const [ana, ben] = await Promise.all([signUp(url), signUp(url)]);
    const room = await createRoom(url, ana, [ben]);
    for (let i = 1; i <= 12; i++) {
      await request(url).post(`/api/rooms/${room.id}/messages`).set('Authorization', `Bearer ${ana.token}`).send({ body: `m${i}`, clientMsgId: `around-${i}` }).expect(201);
    }
    const auth = { Authorization: `Bearer ${ben.token}` };
    const page = async (q: string) => (await request(url).get(`/api/rooms/${room.id}/messages?${q}`).set(auth).expect(200)).body as MessagePage;
    const seqs = (p: MessagePage) => p.items.map((m) => m.seq);

    const middle = await page('around=6&limit=4');
    expect(seqs(middle)).toEqual([4, 5, 6, 7]);
    expect(middle.items[2].body).toBe('m6');
    expect(middle).toMatchObject({ hasMore: true, hasNewer: true });
    // From there the ordinary cursors go on, older and newer, with no gap and no repeat.
    expect(seqs(await page('before=4&limit=3'))).toEqual([1, 2, 3]);
    expect(seqs(await page('after=7&limit=10'))).toEqual([8, 9, 10, 11, 12]);
    // Near an end the page fills from the other side; past the end it is the newest page.
    expect(seqs(await page('around=1&limit=4'))).toEqual([1, 2, 3, 4]);
    expect(await page('around=1&limit=4')).toMatchObject({ hasMore: false, hasNewer: true });
    expect(seqs(await page('around=12&limit=4'))).toEqual([9, 10, 11, 12]);
    expect(await page('around=12&limit=4')).toMatchObject({ hasMore: true, hasNewer: false });
    expect(seqs(await page('around=99&limit=3'))).toEqual([10, 11, 12]);
    expect(seqs(await page('around=5&limit=1'))).toEqual([5]);

    for (const q of ['around=-1', 'around=x', 'around=3&before=5', 'around=3&after=1']) {
      const r = await request(url).get(`/api/rooms/${room.id}/messages?${q}`).set(auth);
      expect([q, r.status, r.body.code]).toEqual([q, 400, 'validation_failed']);
    }
    const outsider = await signUp(url);
    await request(url).get(`/api/rooms/${room.id}/messages?around=3`).set('Authorization', `Bearer ${outsider.token}`).expect(404);
  });
});

describe('limits', () => {
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    server = await startServer({ env: { SOCKET_SEND_RATE_PER_SECOND: '2', SOCKET_SEND_BURST: '3', SOCKETS_PER_USER_MAX: '2' } });
    url = server.url;
  });
  afterAll(() => server.dispose());

  it('rate-limits a fast sender with retryAfterMs, without affecting anyone else', async () => {
    const [ana, ben] = await Promise.all([signUp(url), signUp(url)]);
    const room = await createRoom(url, ana, [ben]);
    const [sa, sb] = await Promise.all([socketFor(url, ana), socketFor(url, ben)]);
    const answers = await Promise.all([1, 2, 3, 4, 5].map((i) => call(sa, 'message:send', { roomId: room.id, clientMsgId: `burst-${i}`, body: `b${i}` })));
    const errors = answers.map(errorOf).filter(Boolean);
    expect(answers.length - errors.length).toBe(3);
    expect(errors[0]).toMatchObject({ code: 'rate_limited' });
    expect(errors[0]!.retryAfterMs).toBeGreaterThan(0);
    expect(errors[0]!.retryAfterMs).toBeLessThanOrEqual(1000);
    expect((await send(sb, room.id, 'ben is fine')).body).toBe('ben is fine');
    await sleep(errors[0]!.retryAfterMs! + 50);
    expect((await send(sa, room.id, 'after waiting')).body).toBe('after waiting');
    // REST sends share the bucket: 429 with Retry-After.
    const rest = await Promise.all([1, 2, 3, 4].map((i) => request(url).post(`/api/rooms/${room.id}/messages`).set('Authorization', `Bearer ${ana.token}`).send({ body: 'r', clientMsgId: `rest-${i}` })));
    const limited = rest.find((r) => r.status === 429)!;
    expect(limited.body).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('caps the sockets one user may hold open', async () => {
    const ana = await signUp(url);
    await socketFor(url, ana);
    await socketFor(url, ana);
    expect((await refusal(url, { token: ana.token })).code).toBe('too_many_connections');
    const ben = await signUp(url);
    expect((await socketFor(url, ben)).connected).toBe(true);
  });
});

describe('nothing lost across a crash', () => {
  it('keeps every acknowledged message exactly once after SIGKILL and a restart on the same database', async () => {
    const env = { SOCKET_SEND_RATE_PER_SECOND: '100000', SOCKET_SEND_BURST: '100000' };
    let server = await startServer({ env });
    const dataDir = server.dataDir;
    try {
      const [ana, ben] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const room = await createRoom(server.url, ana, [ben]);
      const sa = await connect(server.url, { token: ana.token });
      const acked: Message[] = [];
      let stop = false;
      // Several senders in flight at once, until the process dies under them.
      const pumps = [0, 1, 2, 3].map(async (lane) => {
        for (let i = 0; !stop; i++) {
          try {
            const answer = await call(sa, 'message:send', { roomId: room.id, clientMsgId: `l${lane}-${i}`, body: `lane ${lane} #${i}` }, 2000);
            if (!errorOf(answer)) acked.push((answer as { message: Message }).message);
          } catch {
            return; // no ack: the server is gone
          }
        }
      });
      while (acked.length < 300) await sleep(10);
      await server.stop('SIGKILL');
      stop = true;
      await Promise.all(pumps);
      sa.close();

      server = await startServer({ env, dataDir });
      const sb = await connect(server.url, { token: ben.token });
      const all: Message[] = [];
      let since = 0;
      for (;;) {
        const res = (await call(sb, 'sync', { since: { [room.id]: since } })) as SyncResult;
        const r = res.rooms[0];
        all.push(...r.messages);
        since = r.lastSeq;
        if (!r.hasMore) break;
      }
      sb.close();
      expect(all.map((m) => m.seq)).toEqual(all.map((_, i) => i + 1)); // gapless, in order, no duplicates
      const stored = new Map(all.map((m) => [m.clientMsgId, m]));
      expect(stored.size).toBe(all.length);
      for (const m of acked) expect(stored.get(m.clientMsgId)).toEqual(m); // every acked message, unchanged
      expect(acked.length).toBeGreaterThanOrEqual(300);
    } finally {
      await server.stop();
      const { rmSync } = await import('node:fs');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
