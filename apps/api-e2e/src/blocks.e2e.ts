import { BlockedUser, ErrorCode, Friend, FriendRequestList, Presence, RoomSummary } from '@parley/contracts';
import type { RunningServer } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { closeSockets, createRoom, send, socketFor } from './support/chat';
import { DatabaseKind, startOn } from './support/database-targets';
import { bearer, befriend, blockUser, CSRF_HEADER, Signed, signUp } from './support/factories';
import { call, errorOf, next, record, sleep } from './support/sockets';

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

afterEach(closeSockets);

describe.each<DatabaseKind>(['sqlite', 'postgres'])('blocking on %s', (kind) => {
  let server: RunningServer;
  let url: string;

  async function people(count: number): Promise<Signed[]> {
    const out: Signed[] = [];
    for (let i = 0; i < count; i++) out.push(await signUp(url));
    return out;
  }
  const ask = (from: Signed, to: Signed) => request(url).post('/api/friends/requests').set(bearer(from)).send({ userId: to.user.id });
  const blocksOf = async (who: Signed) => (await request(url).get('/api/blocks').set(bearer(who)).expect(200)).body as BlockedUser[];
  const friendsOf = async (who: Signed) => (await request(url).get('/api/friends').set(bearer(who)).expect(200)).body as Friend[];
  const requestsOf = async (who: Signed) => (await request(url).get('/api/friends/requests').set(bearer(who)).expect(200)).body as FriendRequestList;
  const openDirect = (from: Signed, to: Signed) => request(url).post('/api/rooms/direct').set(bearer(from)).send({ userId: to.user.id });

  beforeAll(async () => {
    server = await startOn(kind);
    url = server.url;
  });
  afterAll(() => server?.dispose());

  it('blocks, lists and unblocks, refusing what makes no sense', async () => {
    const [ana, ben, cal] = await people(3);
    const created = await request(url).post(`/api/blocks/${ben.user.id}`).set(bearer(ana)).expect(201);
    expect(created.body).toEqual({ user: expect.objectContaining({ id: ben.user.id, username: ben.user.username }), blockedAt: expect.any(String) });
    expect(created.body.user).not.toHaveProperty('email');
    await blockUser(url, ana, cal);
    expect((await blocksOf(ana)).map((b) => b.user.id).sort()).toEqual([ben.user.id, cal.user.id].sort());
    expect(await blocksOf(ben)).toEqual([]);

    const twice = await request(url).post(`/api/blocks/${ben.user.id}`).set(bearer(ana)).expect(409);
    expect(twice.body).toMatchObject({ code: ErrorCode.Conflict, message: 'You have already blocked this user' });
    const self = await request(url).post(`/api/blocks/${ana.user.id}`).set(bearer(ana)).expect(400);
    expect(self.body.message).toBe('You cannot block yourself');
    await request(url).post(`/api/blocks/${NO_SUCH_ID}`).set(bearer(ana)).expect(404);
    await request(url).post('/api/blocks/nobody').set(bearer(ana)).expect(400);

    await request(url).delete(`/api/blocks/${ben.user.id}`).set(bearer(ana)).expect(204);
    const again = await request(url).delete(`/api/blocks/${ben.user.id}`).set(bearer(ana)).expect(404);
    expect(again.body.message).toBe('You have not blocked this user');
    expect((await blocksOf(ana)).map((b) => b.user.id)).toEqual([cal.user.id]);
  });

  it('needs sign-in, and the CSRF header for cookie-authenticated blocks', async () => {
    const [ana, ben] = await people(2);
    await request(url).get('/api/blocks').expect(401);
    await request(url).post(`/api/blocks/${ben.user.id}`).expect(401);
    const refused = await ana.agent.post(`/api/blocks/${ben.user.id}`).expect(403);
    expect(refused.body.code).toBe(ErrorCode.CsrfFailed);
    await ana.agent.post(`/api/blocks/${ben.user.id}`).set(CSRF_HEADER, ana.csrf).expect(201);
  });

  it('ends the friendship, both sides told live', async () => {
    const [ana, ben] = await people(2);
    await befriend(url, ana, ben);
    const [sa, sb] = [await socketFor(url, ana), await socketFor(url, ben)];
    const anaHears = next(sa, 'friend:removed');
    const benHears = next(sb, 'friend:removed');
    await blockUser(url, ana, ben);
    expect(await anaHears).toEqual({ userId: ben.user.id });
    expect(await benHears).toEqual({ userId: ana.user.id });
    expect(await friendsOf(ana)).toEqual([]);
    expect(await friendsOf(ben)).toEqual([]);
  });

  it('ends pending requests either way, both sides told live', async () => {
    const [ana, ben, cal] = await people(3);
    const fromBen = (await ask(ben, ana).expect(201)).body.request.id as string;
    const toCal = (await ask(ana, cal).expect(201)).body.request.id as string;
    const [sb, sc] = [await socketFor(url, ben), await socketFor(url, cal)];
    const benHears = next(sb, 'friend:request-removed');
    const calHears = next(sc, 'friend:request-removed');
    await blockUser(url, ana, ben);
    await blockUser(url, ana, cal);
    expect(await benHears).toEqual({ requestId: fromBen });
    expect(await calHears).toEqual({ requestId: toCal });
    expect(await requestsOf(ana)).toEqual({ incoming: [], outgoing: [] });
    expect(await requestsOf(ben)).toEqual({ incoming: [], outgoing: [] });
    await request(url).post(`/api/friends/requests/${fromBen}/accept`).set(bearer(ana)).expect(404);
  });

  it('refuses friend requests both ways while the block stands, not others, and lifts that on unblock', async () => {
    const [ana, ben, cal] = await people(3);
    await blockUser(url, ana, ben);
    expect((await ask(ben, ana).expect(403)).body).toMatchObject({ code: ErrorCode.Forbidden, message: 'This user is not accepting friend requests from you' });
    expect((await ask(ana, ben).expect(403)).body.message).toBe('You have blocked this user; unblock them before sending a friend request');
    await ask(cal, ana).expect(201);
    await ask(ben, cal).expect(201);

    await request(url).delete(`/api/blocks/${ben.user.id}`).set(bearer(ana)).expect(204);
    expect(await friendsOf(ana)).not.toContainEqual(expect.objectContaining({ user: expect.objectContaining({ id: ben.user.id }) }));
    await ask(ben, ana).expect(201);
  });

  it('blocks both ways independently: each must lift their own', async () => {
    const [ana, ben] = await people(2);
    await blockUser(url, ana, ben);
    await blockUser(url, ben, ana);
    await request(url).delete(`/api/blocks/${ben.user.id}`).set(bearer(ana)).expect(204);
    expect((await ask(ana, ben).expect(403)).body.message).toBe('This user is not accepting friend requests from you');
    await request(url).delete(`/api/blocks/${ana.user.id}`).set(bearer(ben)).expect(204);
    await ask(ana, ben).expect(201);
  });

  // These rules live in RelationsService (assertCanOpenDirect, assertCanPostInDirect, blockerIdsOf); they hold
  // once the rooms, messages and gateway modules ask it.
  describe('direct rooms, sends and presence (DM_POLICY=friends)', () => {
    it('opens the one direct room between friends, refusing strangers', async () => {
      const [ana, ben, cal] = await people(3);
      await befriend(url, ana, ben);
      const first = await openDirect(ana, ben).expect(201);
      const again = await openDirect(ben, ana).expect(200);
      expect((again.body as RoomSummary).id).toBe((first.body as RoomSummary).id);
      const stranger = await openDirect(ana, cal).expect(403);
      expect(stranger.body).toMatchObject({ code: ErrorCode.Forbidden, message: 'On this server you can only message your friends: send a friend request first' });
    });

    it('refuses a direct room across a block, either way, saying why', async () => {
      const [ana, ben] = await people(2);
      await befriend(url, ana, ben);
      await blockUser(url, ana, ben);
      expect((await openDirect(ben, ana).expect(403)).body.message).toBe('You cannot start a conversation with this user: they have blocked you');
      expect((await openDirect(ana, ben).expect(403)).body.message).toBe('You cannot start a conversation with a user you blocked; unblock them first');
    });

    it('refuses sends in an existing direct room after a block, over REST and the socket, both ways', async () => {
      const [ana, ben] = await people(2);
      await befriend(url, ana, ben);
      const room = (await openDirect(ana, ben).expect(201)).body as RoomSummary;
      const post = (who: Signed) => request(url).post(`/api/rooms/${room.id}/messages`).set(bearer(who)).send({ body: 'hi', clientMsgId: randomUUID() });
      await post(ben).expect(201);

      await blockUser(url, ana, ben);
      expect((await post(ben).expect(403)).body.message).toBe('You cannot send messages to this user: they have blocked you');
      expect((await post(ana).expect(403)).body.message).toBe('You cannot send messages to a user you blocked; unblock them first');
      const sb = await socketFor(url, ben);
      const answer = await call(sb, 'message:send', { roomId: room.id, clientMsgId: randomUUID(), body: 'hello?' });
      expect(errorOf(answer)).toMatchObject({ code: 'forbidden' });

      await request(url).delete(`/api/blocks/${ben.user.id}`).set(bearer(ana)).expect(204);
      await post(ben).expect(201);
    });

    it('stops edits, typing and read receipts in a shared direct room after a block, both ways', async () => {
      const [ana, ben] = await people(2);
      await befriend(url, ana, ben);
      const room = (await openDirect(ana, ben).expect(201)).body as RoomSummary;
      const [sa, sb] = [await socketFor(url, ana), await socketFor(url, ben)];
      const old = await send(sb, room.id, 'before the block');
      const mine = await send(sa, room.id, 'mine before the block');
      await blockUser(url, ana, ben);
      const anaHears = { updated: record(sa, 'message:updated'), typing: record(sa, 'typing'), receipt: record(sa, 'receipt') };
      const benHears = { typing: record(sb, 'typing'), receipt: record(sb, 'receipt') };

      const edit = await request(url).patch(`/api/messages/${old.id}`).set(bearer(ben)).send({ body: 'edited after the block' }).expect(403);
      expect(edit.body.message).toBe('You cannot edit messages for this user: they have blocked you');
      expect(errorOf(await call(sb, 'message:edit', { messageId: old.id, body: 'again' }))).toMatchObject({ code: 'forbidden' });
      expect(errorOf(await call(sa, 'message:edit', { messageId: mine.id, body: 'mine' }))).toMatchObject({
        code: 'forbidden',
        message: 'You cannot edit messages for a user you blocked; unblock them first',
      });
      expect(errorOf(await call(sb, 'typing', { roomId: room.id }))).toMatchObject({ code: 'forbidden', message: 'You cannot show typing to this user: they have blocked you' });
      expect(errorOf(await call(sa, 'typing', { roomId: room.id }))).toMatchObject({ code: 'forbidden' });
      // Reading still moves your own marker (your unread count), but nobody is told.
      expect(await call(sb, 'room:read', { roomId: room.id, seq: mine.seq })).toEqual({ roomId: room.id, lastReadSeq: mine.seq });
      expect(await call(sa, 'room:read', { roomId: room.id, seq: mine.seq })).toEqual({ roomId: room.id, lastReadSeq: mine.seq });
      await sleep(300);
      expect(anaHears).toEqual({ updated: [], typing: [], receipt: [] });
      expect(benHears).toEqual({ typing: [], receipt: [] });
      const history = await request(url).get(`/api/rooms/${room.id}/messages`).set(bearer(ana)).expect(200);
      expect(history.body.items.map((m: { body: string }) => m.body)).toEqual(['before the block', 'mine before the block']);
    });

    it('hides your presence from a user you blocked, in answers and in live updates', async () => {
      const [ana, ben, cal] = await people(3);
      await createRoom(url, cal, [ana, ben]);
      await blockUser(url, ana, ben);
      const sb = await socketFor(url, ben);
      const sc = await socketFor(url, cal);
      const benSees = record(sb, 'presence');
      const calSeesAna = next(sc, 'presence', (p) => p.userId === ana.user.id && p.status === 'online');
      await socketFor(url, ana);
      await calSeesAna;
      await sleep(200);
      expect(benSees.filter((p) => p.userId === ana.user.id)).toEqual([]);

      const asked = (await call(sb, 'presence:query', { userIds: [ana.user.id, cal.user.id] })) as { presence: Presence[] };
      expect(asked.presence.find((p) => p.userId === ana.user.id)?.status).toBe('offline');
      expect(asked.presence.find((p) => p.userId === cal.user.id)?.status).toBe('online');
    });
  });
});

describe('direct rooms with DM_POLICY=anyone', () => {
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    server = await startOn('sqlite', { env: { DM_POLICY: 'anyone' } });
    url = server.url;
  });
  afterAll(() => server?.dispose());

  it('lets strangers talk, but never across a block', async () => {
    const [ana, ben, cal] = [await signUp(url), await signUp(url), await signUp(url)];
    await request(url).post('/api/rooms/direct').set(bearer(ana)).send({ userId: ben.user.id }).expect(201);
    await blockUser(url, cal, ana);
    const refused = await request(url).post('/api/rooms/direct').set(bearer(ana)).send({ userId: cal.user.id }).expect(403);
    expect(refused.body.message).toBe('You cannot start a conversation with this user: they have blocked you');
  });
});
