import { ErrorCode, Friend, FriendRequest, FriendRequestList, SendFriendRequestResult } from '@parley/contracts';
import type { RunningServer } from '@parley/testing';
import request from 'supertest';
import { closeSockets, socketFor } from './support/chat';
import { DatabaseKind, startOn } from './support/database-targets';
import { bearer, befriend, blockUser, CSRF_HEADER, makeUser, Signed, signUp } from './support/factories';
import { next, record, sleep } from './support/sockets';

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

afterEach(closeSockets);

describe.each<DatabaseKind>(['sqlite', 'postgres'])('friends on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  let admin: Signed;

  /** Fresh users, one after another (registration is not what is tested here). */
  async function people(count: number): Promise<Signed[]> {
    const out: Signed[] = [];
    for (let i = 0; i < count; i++) out.push(await signUp(url));
    return out;
  }

  const ask = (from: Signed, to: { user: { id: string } } | string) =>
    request(url)
      .post('/api/friends/requests')
      .set(bearer(from))
      .send({ userId: typeof to === 'string' ? to : to.user.id });
  const requestsOf = async (who: Signed) => (await request(url).get('/api/friends/requests').set(bearer(who)).expect(200)).body as FriendRequestList;
  const friendsOf = async (who: Signed) => (await request(url).get('/api/friends').set(bearer(who)).expect(200)).body as Friend[];

  beforeAll(async () => {
    // Presence goes offline as soon as the last socket closes (no grace period), so the test need not wait.
    server = await startOn(kind, { env: { PRESENCE_OFFLINE_GRACE_MS: '0' } });
    url = server.url;
    admin = await signUp(url, makeUser({ username: `admin.friends.${kind}` }));
  });
  afterAll(() => server?.dispose());

  it('shows a request to both sides live, and its acceptance, with the friend online', async () => {
    const [ana, ben] = await people(2);
    const [sa, sb] = [await socketFor(url, ana), await socketFor(url, ben)];
    const anaHears = next(sa, 'friend:request');
    const benHears = next(sb, 'friend:request');

    const sent = await ask(ana, ben).expect(201);
    const result = sent.body as SendFriendRequestResult;
    expect(result).toMatchObject({ outcome: 'requested', friend: null, request: { from: { id: ana.user.id }, to: { id: ben.user.id } } });
    expect(result.request!.from).not.toHaveProperty('email');
    expect((await benHears).request).toEqual(result.request);
    expect((await anaHears).request).toEqual(result.request);

    expect((await requestsOf(ben)).incoming).toEqual([result.request]);
    expect((await requestsOf(ben)).outgoing).toEqual([]);
    expect((await requestsOf(ana)).outgoing).toEqual([result.request]);

    const anaAccepted = next(sa, 'friend:accepted');
    const benAccepted = next(sb, 'friend:accepted');
    const accepted = await request(url).post(`/api/friends/requests/${result.request!.id}/accept`).set(bearer(ben)).expect(200);
    const friend = accepted.body as Friend;
    expect(friend).toMatchObject({ user: { id: ana.user.id, displayName: ana.user.displayName }, presence: { userId: ana.user.id, status: 'online' } });
    expect(friend.user.avatarUrl).toMatch(new RegExp(`^/api/users/${ana.user.id}/avatar\\?v=`));
    expect(await benAccepted).toEqual({ requestId: result.request!.id, friend });
    expect(await anaAccepted).toMatchObject({ requestId: result.request!.id, friend: { user: { id: ben.user.id } } });

    const anaFriends = await friendsOf(ana);
    expect(anaFriends).toEqual([{ user: expect.objectContaining({ id: ben.user.id }), presence: expect.objectContaining({ status: 'online' }), since: friend.since }]);
    expect((await friendsOf(ben)).map((f) => f.user.id)).toEqual([ana.user.id]);
    expect(await requestsOf(ben)).toEqual({ incoming: [], outgoing: [] });
  });

  it('lists friends by name, offline with their last-seen time once their last socket closed', async () => {
    const [ana] = await people(1);
    const zed = await signUp(url, makeUser({ displayName: 'Zed Zimmer' }));
    const amy = await signUp(url, makeUser({ displayName: 'amy Adams' }));
    await befriend(url, ana, zed);
    await befriend(url, amy, ana);
    const zedSocket = await socketFor(url, zed);
    expect((await friendsOf(ana)).map((f) => [f.user.displayName, f.presence.status])).toEqual([
      ['amy Adams', 'offline'],
      ['Zed Zimmer', 'online'],
    ]);
    zedSocket.close();
    let list: Friend[] = [];
    for (let i = 0; i < 50 && !list[1]?.presence.lastSeenAt; i++) {
      await sleep(100);
      list = await friendsOf(ana);
    }
    expect(list[1].presence).toEqual({ userId: zed.user.id, status: 'offline', lastSeenAt: expect.any(String) });
    expect(list[0].presence).toEqual({ userId: amy.user.id, status: 'offline', lastSeenAt: null });
  });

  it('turns crossing requests into a friendship at once (201 with the friend)', async () => {
    const [ana, ben] = await people(2);
    const sb = await socketFor(url, ben);
    const first = await ask(ana, ben).expect(201);
    const benAccepted = next(sb, 'friend:accepted');
    const crossing = await ask(ben, ana).expect(201);
    expect(crossing.body).toMatchObject({ outcome: 'friends', request: null, friend: { user: { id: ana.user.id } } });
    expect(await benAccepted).toMatchObject({ requestId: first.body.request.id });
    expect((await friendsOf(ana)).map((f) => f.user.id)).toEqual([ben.user.id]);
    expect(await requestsOf(ana)).toEqual({ incoming: [], outgoing: [] });
  });

  it('makes racing crossing requests one friendship', async () => {
    const [ana, ben] = await people(2);
    const [x, y] = await Promise.all([ask(ana, ben), ask(ben, ana)]);
    expect([x.status, y.status]).toEqual([201, 201]);
    expect([x.body.outcome, y.body.outcome].sort()).toEqual(['friends', 'requested']);
    expect((await friendsOf(ben)).map((f) => f.user.id)).toEqual([ana.user.id]);
    expect(await requestsOf(ben)).toEqual({ incoming: [], outgoing: [] });
  });

  describe('refuses with a clear 4xx', () => {
    let ana: Signed;
    let ben: Signed;
    beforeAll(async () => ([ana, ben] = await people(2)));

    it('a request to yourself (400)', async () => {
      const res = await ask(ana, ana).expect(400);
      expect(res.body).toMatchObject({ code: ErrorCode.BadRequest, message: 'You cannot send a friend request to yourself' });
    });

    it('a duplicate request (409), once pending and again when friends', async () => {
      await ask(ana, ben).expect(201);
      const dup = await ask(ana, ben).expect(409);
      expect(dup.body).toMatchObject({ code: ErrorCode.Conflict, message: 'You have already sent this user a friend request' });
      const pending = await requestsOf(ben);
      await request(url).post(`/api/friends/requests/${pending.incoming[0].id}/accept`).set(bearer(ben)).expect(200);
      const friends = await ask(ben, ana).expect(409);
      expect(friends.body.message).toBe('You are already friends with this user');
    });

    it('a request to a user who blocked you, or whom you blocked (403)', async () => {
      const [cal, dee] = await people(2);
      await blockUser(url, cal, dee);
      const blocked = await ask(dee, cal).expect(403);
      expect(blocked.body).toMatchObject({ code: ErrorCode.Forbidden, message: 'This user is not accepting friend requests from you' });
      const blocker = await ask(cal, dee).expect(403);
      expect(blocker.body.message).toBe('You have blocked this user; unblock them before sending a friend request');
    });

    it('a request to a deactivated user (403) or one that does not exist (404)', async () => {
      const [gone] = await people(1);
      await admin.agent.post(`/api/admin/users/${gone.user.id}/deactivate`).set(CSRF_HEADER, admin.csrf).expect(200);
      const res = await ask(ana, gone).expect(403);
      expect(res.body.message).toBe('That account is deactivated');
      const missing = await ask(ana, NO_SUCH_ID).expect(404);
      expect(missing.body).toMatchObject({ code: ErrorCode.NotFound, message: 'User not found' });
    });

    it.each([
      ['a missing userId', {}, 'userId is required'],
      ['a userId that is no UUID', { userId: 'bob' }, 'userId must be a UUID'],
      ['an unknown field', { userId: NO_SUCH_ID, note: 'hi' }, 'note is not a known field'],
    ])('a body with %s (400)', async (_label, body, message) => {
      const res = await request(url).post('/api/friends/requests').set(bearer(ana)).send(body).expect(400);
      expect(res.body).toMatchObject({ code: ErrorCode.ValidationFailed, message });
    });

    it('ids that are not UUIDs (400) and requests nobody can see (404)', async () => {
      await request(url).post('/api/friends/requests/nope/accept').set(bearer(ana)).expect(400);
      await request(url).delete('/api/friends/nope').set(bearer(ana)).expect(400);
      const res = await request(url).post(`/api/friends/requests/${NO_SUCH_ID}/decline`).set(bearer(ana)).expect(404);
      expect(res.body).toMatchObject({ code: ErrorCode.NotFound, message: 'Friend request not found' });
    });

    it('anyone not signed in (401), and cookie writes without the CSRF header (403)', async () => {
      await request(url).get('/api/friends').expect(401);
      await request(url).post('/api/friends/requests').send({ userId: ana.user.id }).expect(401);
      const [cal] = await people(1);
      const noCsrf = await cal.agent.post('/api/friends/requests').send({ userId: ana.user.id }).expect(403);
      expect(noCsrf.body.code).toBe(ErrorCode.CsrfFailed);
      await cal.agent.post('/api/friends/requests').set(CSRF_HEADER, cal.csrf).send({ userId: ana.user.id }).expect(201);
    });
  });

  it('lets only the recipient decline; the sender just sees the request go, and may ask again', async () => {
    const [ana, ben, cal] = await people(3);
    const sa = await socketFor(url, ana);
    const id = (await ask(ana, ben).expect(201)).body.request.id as string;
    await request(url).post(`/api/friends/requests/${id}/decline`).set(bearer(ana)).expect(403);
    await request(url).post(`/api/friends/requests/${id}/decline`).set(bearer(cal)).expect(404);
    await request(url).post(`/api/friends/requests/${id}/accept`).set(bearer(ana)).expect(403);

    const removed = next(sa, 'friend:request-removed');
    await request(url).post(`/api/friends/requests/${id}/decline`).set(bearer(ben)).expect(204);
    expect(await removed).toEqual({ requestId: id });
    expect(await requestsOf(ana)).toEqual({ incoming: [], outgoing: [] });
    await request(url).post(`/api/friends/requests/${id}/accept`).set(bearer(ben)).expect(404);

    const again = await ask(ana, ben).expect(201);
    expect(again.body.request.id).not.toBe(id);
    expect((await requestsOf(ben)).incoming.map((r: FriendRequest) => r.id)).toEqual([again.body.request.id]);
  });

  it('lets only the sender withdraw a request, and both sides see it go', async () => {
    const [ana, ben] = await people(2);
    const sb = await socketFor(url, ben);
    const id = (await ask(ana, ben).expect(201)).body.request.id as string;
    const refused = await request(url).delete(`/api/friends/requests/${id}`).set(bearer(ben)).expect(403);
    expect(refused.body.message).toBe('Only the sender can withdraw a friend request; decline it instead');
    const removed = next(sb, 'friend:request-removed');
    await request(url).delete(`/api/friends/requests/${id}`).set(bearer(ana)).expect(204);
    expect(await removed).toEqual({ requestId: id });
    expect(await requestsOf(ben)).toEqual({ incoming: [], outgoing: [] });
    await request(url).delete(`/api/friends/requests/${id}`).set(bearer(ana)).expect(404);
  });

  it('unfriends: both sides see it live, and it cannot be done twice', async () => {
    const [ana, ben, cal] = await people(3);
    await befriend(url, ana, ben);
    const [sa, sb, sc] = [await socketFor(url, ana), await socketFor(url, ben), await socketFor(url, cal)];
    const stranger = record(sc, 'friend:removed');
    const anaHears = next(sa, 'friend:removed');
    const benHears = next(sb, 'friend:removed');
    await request(url).delete(`/api/friends/${ana.user.id}`).set(bearer(ben)).expect(204);
    expect(await anaHears).toEqual({ userId: ben.user.id });
    expect(await benHears).toEqual({ userId: ana.user.id });
    expect(await friendsOf(ana)).toEqual([]);
    expect(await friendsOf(ben)).toEqual([]);
    const again = await request(url).delete(`/api/friends/${ana.user.id}`).set(bearer(ben)).expect(404);
    expect(again.body.message).toBe('You are not friends with this user');
    await sleep(100);
    expect(stranger).toEqual([]);
  });

  it('hides deactivated friends and their requests, and shows them again on reactivation', async () => {
    const [ana, ben, cal] = await people(3);
    await befriend(url, ana, ben);
    await ask(cal, ana).expect(201);
    for (const who of [ben, cal]) await admin.agent.post(`/api/admin/users/${who.user.id}/deactivate`).set(CSRF_HEADER, admin.csrf).expect(200);
    expect(await friendsOf(ana)).toEqual([]);
    expect(await requestsOf(ana)).toEqual({ incoming: [], outgoing: [] });
    for (const who of [ben, cal]) await admin.agent.post(`/api/admin/users/${who.user.id}/reactivate`).set(CSRF_HEADER, admin.csrf).expect(200);
    expect((await friendsOf(ana)).map((f) => f.user.id)).toEqual([ben.user.id]);
    expect((await requestsOf(ana)).incoming.map((r) => r.from.id)).toEqual([cal.user.id]);
  });
});
