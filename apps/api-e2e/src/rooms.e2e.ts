import { ApiError, ErrorCode, MessagePage, Page, PublicRoom, RoomDetail, RoomInvite, RoomMember, RoomSummary } from '@parley/contracts';
import type { RunningServer } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { DatabaseKind, startOn } from './support/database-targets';
import { asUser, makeUser, Signed, signUp } from './support/factories';
import { closeSockets, socketFor } from './support/chat';
import { next } from './support/sockets';

const MISSING_ROOM = '00000000-0000-4000-8000-000000000000';
const ROOM_NOT_FOUND = { statusCode: 404, error: 'Not Found', message: 'Room not found', code: ErrorCode.NotFound };

async function newRoom(url: string, owner: Signed, body: Record<string, unknown> = {}): Promise<RoomSummary> {
  const res = await asUser(url, owner)
    .post('/api/rooms')
    .send({ kind: 'group', name: `Room ${randomUUID().slice(0, 8)}`, ...body });
  if (res.status !== 201) throw new Error(`room creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as RoomSummary;
}

async function myRooms(url: string, who: Signed): Promise<RoomSummary[]> {
  return (await asUser(url, who).get('/api/rooms').expect(200)).body as RoomSummary[];
}

/** The core flow on both databases: the same migrations, queries and answers. */
describe.each<DatabaseKind>(['sqlite', 'postgres'])('rooms on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  let ada: Signed;
  let bob: Signed;
  let cy: Signed;

  beforeAll(async () => {
    // Direct rooms between strangers here; the friendship rule (DM_POLICY=friends) is tested in blocks.e2e.ts.
    server = await startOn(kind, { env: { DM_POLICY: 'anyone' } });
    url = server.url;
    await signUp(url, makeUser({ username: `root.${kind}` })); // the first account is the instance admin
    [ada, bob, cy] = [await signUp(url), await signUp(url), await signUp(url)];
  });
  afterAll(async () => server?.dispose());

  it('puts every new account in general, which nobody can leave', async () => {
    const rooms = await myRooms(url, ada);
    const general = rooms.find((r) => r.slug === 'general')!;
    expect(general).toMatchObject({ kind: 'public', name: 'general', myRole: 'member', unreadCount: 0, lastMessage: null, peer: null });
    expect(general.memberCount).toBeGreaterThanOrEqual(4);
    const detail = await asUser(url, ada).get(`/api/rooms/${general.id}`).expect(200);
    expect((detail.body as RoomDetail).ownerId).toBeNull();
    const left = await asUser(url, ada).post(`/api/rooms/${general.id}/leave`).expect(400);
    expect(left.body.message).toMatch(/general/);
    const members = (await asUser(url, ada).get(`/api/rooms/${general.id}/members`).expect(200)).body as RoomMember[];
    expect(members.map((m) => m.user.id)).toEqual(expect.arrayContaining([ada.user.id, bob.user.id, cy.user.id]));
  });

  it('creates a group room with its members, lists, renames and shows it', async () => {
    const created = await asUser(url, ada)
      .post('/api/rooms')
      .send({ kind: 'group', name: '  Launch crew ', topic: 'Countdown', memberIds: [bob.user.id, bob.user.id, ada.user.id] })
      .expect(201);
    const room = created.body as RoomSummary;
    expect(room).toMatchObject({ kind: 'group', name: 'Launch crew', topic: 'Countdown', slug: null, myRole: 'owner', memberCount: 2, lastSeq: 0 });

    const forBob = (await myRooms(url, bob)).find((r) => r.id === room.id);
    expect(forBob).toMatchObject({ myRole: 'member', unreadCount: 0, lastReadSeq: 0 });
    expect((await myRooms(url, cy)).some((r) => r.id === room.id)).toBe(false);

    const renamed = await asUser(url, ada).patch(`/api/rooms/${room.id}`).send({ name: 'Liftoff', topic: '' }).expect(200);
    expect(renamed.body).toMatchObject({ id: room.id, name: 'Liftoff', topic: '', ownerId: ada.user.id });
    const detail = (await asUser(url, bob).get(`/api/rooms/${room.id}`).expect(200)).body as RoomDetail;
    expect(detail).toMatchObject({ name: 'Liftoff', ownerId: ada.user.id, myRole: 'member' });

    // The timeline records both changes as system lines, which do not count as unread.
    const history = (await asUser(url, bob).get(`/api/rooms/${room.id}/messages`).expect(200)).body as MessagePage;
    expect(history.items.map((m) => [m.seq, m.kind, m.event?.type, m.senderId, m.body])).toEqual([
      [1, 'system', 'room_renamed', ada.user.id, ''],
      [2, 'system', 'topic_changed', ada.user.id, ''],
    ]);
    expect(history.items[0].event).toEqual({ type: 'room_renamed', actor: { id: ada.user.id, name: ada.user.displayName }, name: 'Liftoff' });
    expect((await myRooms(url, bob)).find((r) => r.id === room.id)).toMatchObject({
      unreadCount: 0,
      lastMessage: { kind: 'system', text: `${ada.user.displayName} cleared the topic` },
    });

    const members = (await asUser(url, bob).get(`/api/rooms/${room.id}/members`).expect(200)).body as RoomMember[];
    expect(members.map((m) => [m.user.id, m.role, m.lastReadSeq])).toEqual([
      [ada.user.id, 'owner', 2],
      [bob.user.id, 'member', 0],
    ]);
    expect(JSON.stringify(members)).not.toMatch(/email|passwordHash/);
  });

  it('opens one direct room per pair, whichever of the two asks', async () => {
    const first = await asUser(url, ada).post('/api/rooms/direct').send({ userId: cy.user.id }).expect(201);
    expect(first.body).toMatchObject({ kind: 'direct', name: cy.user.displayName, peer: { id: cy.user.id }, memberCount: 2, myRole: 'member' });
    const back = await asUser(url, cy).post('/api/rooms/direct').send({ userId: ada.user.id }).expect(200);
    expect(back.body).toMatchObject({ id: first.body.id, name: ada.user.displayName, peer: { id: ada.user.id } });
    const again = await asUser(url, ada).post('/api/rooms/direct').send({ userId: cy.user.id }).expect(200);
    expect(again.body.id).toBe(first.body.id);

    await asUser(url, ada).post('/api/rooms/direct').send({ userId: ada.user.id }).expect(400);
    const unknown = await asUser(url, ada).post('/api/rooms/direct').send({ userId: MISSING_ROOM }).expect(404);
    expect(unknown.body.message).toBe('User not found');
    await asUser(url, ada).post(`/api/rooms/${first.body.id}/leave`).expect(400);
  });

  it('finds public rooms by name or topic, and joins and leaves them', async () => {
    const tag = randomUUID().slice(0, 6);
    const pub = await newRoom(url, ada, { kind: 'public', name: `Astronomy ${tag}`, topic: `Stars 100% ${tag}` });
    await newRoom(url, ada, { kind: 'group', name: `Astronomy secret ${tag}` });

    const byName = (await asUser(url, bob).get('/api/rooms/public').query({ q: `ASTRONOMY ${tag}` }).expect(200)).body as Page<PublicRoom>;
    expect(byName).toMatchObject({ total: 1, page: 1 });
    expect(byName.items[0]).toMatchObject({ id: pub.id, memberCount: 1, joined: false });
    const byTopic = (await asUser(url, bob).get('/api/rooms/public').query({ q: `100% ${tag}` }).expect(200)).body as Page<PublicRoom>;
    expect(byTopic.items.map((r) => r.id)).toEqual([pub.id]);
    expect((await asUser(url, bob).get('/api/rooms/public').query({ q: `${tag}_` }).expect(200)).body.total).toBe(0);

    const joined = await asUser(url, bob).post(`/api/rooms/${pub.id}/join`).expect(200);
    expect(joined.body).toMatchObject({ id: pub.id, myRole: 'member', memberCount: 2 });
    await asUser(url, bob).post(`/api/rooms/${pub.id}/join`).expect(200);
    const after = (await asUser(url, bob).get('/api/rooms/public').query({ q: tag }).expect(200)).body as Page<PublicRoom>;
    expect(after.items.find((r) => r.id === pub.id)).toMatchObject({ joined: true, memberCount: 2 });

    await asUser(url, bob).post(`/api/rooms/${pub.id}/leave`).expect(204);
    expect((await myRooms(url, bob)).some((r) => r.id === pub.id)).toBe(false);
    await asUser(url, bob).get(`/api/rooms/${pub.id}`).expect(404);
  });

  it('manages members, roles and ownership', async () => {
    const room = await newRoom(url, ada, { memberIds: [bob.user.id] });
    const added = await asUser(url, ada).post(`/api/rooms/${room.id}/members`).send({ userId: cy.user.id }).expect(201);
    expect(added.body).toMatchObject({ outcome: 'added', member: { user: { id: cy.user.id }, role: 'member', lastReadSeq: 0 }, invitation: null });
    const again = await asUser(url, ada).post(`/api/rooms/${room.id}/members`).send({ userId: cy.user.id }).expect(200);
    expect(again.body).toMatchObject({ outcome: 'already_member', member: { user: { id: cy.user.id } } });

    const promoted = await asUser(url, ada).patch(`/api/rooms/${room.id}/members/${bob.user.id}`).send({ role: 'admin' }).expect(200);
    expect(promoted.body).toMatchObject({ user: { id: bob.user.id }, role: 'admin' });
    // An admin may remove a member, not the owner.
    await asUser(url, bob).delete(`/api/rooms/${room.id}/members/${ada.user.id}`).expect(403);
    await asUser(url, bob).delete(`/api/rooms/${room.id}/members/${cy.user.id}`).expect(204);
    await asUser(url, cy).get(`/api/rooms/${room.id}`).expect(404);

    // The owner must hand over before leaving.
    const blocked = await asUser(url, ada).post(`/api/rooms/${room.id}/leave`).expect(409);
    expect(blocked.body.message).toMatch(/Hand ownership/);
    const handed = await asUser(url, ada).post(`/api/rooms/${room.id}/transfer`).send({ userId: bob.user.id }).expect(200);
    expect(handed.body).toMatchObject({ ownerId: bob.user.id, myRole: 'admin' });
    expect((await asUser(url, bob).get(`/api/rooms/${room.id}`).expect(200)).body.myRole).toBe('owner');
    await asUser(url, ada).post(`/api/rooms/${room.id}/leave`).expect(204);

    // The last member leaving leaves the room empty and archived.
    await asUser(url, bob).post(`/api/rooms/${room.id}/leave`).expect(204);
    await asUser(url, bob).get(`/api/rooms/${room.id}`).expect(404);
  });

  it('archives a room read-only and brings it back', async () => {
    const room = await newRoom(url, ada, { kind: 'public', memberIds: [bob.user.id] });
    const archived = await asUser(url, ada).post(`/api/rooms/${room.id}/archive`).expect(200);
    expect(archived.body.archivedAt).toEqual(expect.any(String));
    await asUser(url, ada).patch(`/api/rooms/${room.id}`).send({ name: 'Renamed' }).expect(409);
    await asUser(url, ada).post(`/api/rooms/${room.id}/members`).send({ userId: cy.user.id }).expect(409);
    await asUser(url, ada).post(`/api/rooms/${room.id}/invites`).send({}).expect(409);
    await asUser(url, cy).post(`/api/rooms/${room.id}/join`).expect(409);
    const dir = (await asUser(url, cy).get('/api/rooms/public').query({ q: room.name }).expect(200)).body as Page<PublicRoom>;
    expect(dir.total).toBe(0);
    // Members still see the history.
    expect((await myRooms(url, bob)).find((r) => r.id === room.id)?.archivedAt).toBe(archived.body.archivedAt);

    const back = await asUser(url, ada).post(`/api/rooms/${room.id}/unarchive`).expect(200);
    expect(back.body.archivedAt).toBeNull();
    await asUser(url, ada).patch(`/api/rooms/${room.id}`).send({ name: 'Renamed' }).expect(200);
  });

  it('joins with an invite code until it is revoked or used up', async () => {
    const room = await newRoom(url, ada);
    const created = await asUser(url, ada).post(`/api/rooms/${room.id}/invites`).send({ ttlHours: 1, maxUses: 1 }).expect(201);
    const invite = created.body as RoomInvite;
    expect(invite).toMatchObject({ roomId: room.id, maxUses: 1, uses: 0 });
    expect(invite.code).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(new Date(invite.expiresAt).getTime() - Date.now()).toBeGreaterThan(59 * 60_000);

    const joined = await asUser(url, bob).post(`/api/invites/${invite.code}/join`).expect(200);
    expect(joined.body.room).toMatchObject({ id: room.id, myRole: 'member', memberCount: 2 });
    // Already a member: the room again, no use counted.
    await asUser(url, bob).post(`/api/invites/${invite.code}/join`).expect(200);
    const usedUp = await asUser(url, cy).post(`/api/invites/${invite.code}/join`).expect(404);

    const open = (await asUser(url, ada).post(`/api/rooms/${room.id}/invites`).send({}).expect(201)).body as RoomInvite;
    expect(open.maxUses).toBeNull();
    await asUser(url, ada).delete(`/api/rooms/${room.id}/invites/${open.code}`).expect(204);
    const revoked = await asUser(url, cy).post(`/api/invites/${open.code}/join`).expect(404);
    const unknown = await asUser(url, cy).post(`/api/invites/${'x'.repeat(24)}/join`).expect(404);
    expect(revoked.body).toEqual(usedUp.body);
    expect(unknown.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'This invite link is invalid or has expired', code: ErrorCode.NotFound });
    await asUser(url, cy).get(`/api/rooms/${room.id}`).expect(404);
  });
});

describe('rooms: access, validation and live events', () => {
  let server: RunningServer;
  let url: string;
  let owner: Signed;
  let member: Signed;
  let outsider: Signed;
  let room: RoomSummary;

  beforeAll(async () => {
    server = await startOn('sqlite', { env: { DM_POLICY: 'anyone' } });
    url = server.url;
    await signUp(url); // the instance admin
    [owner, member, outsider] = [await signUp(url), await signUp(url), await signUp(url)];
    room = await newRoom(url, owner, { memberIds: [member.user.id] });
  });
  afterAll(async () => server?.dispose());
  afterEach(() => closeSockets());

  /** Every route under /api/rooms/:id, with a body that would be valid for a permitted caller. */
  function roomRoutes(roomId: string, userId: string) {
    return [
      ['GET', `/api/rooms/${roomId}`, undefined],
      ['PATCH', `/api/rooms/${roomId}`, { name: 'Taken over' }],
      ['POST', `/api/rooms/${roomId}/leave`, undefined],
      ['POST', `/api/rooms/${roomId}/transfer`, { userId }],
      ['POST', `/api/rooms/${roomId}/archive`, undefined],
      ['POST', `/api/rooms/${roomId}/unarchive`, undefined],
      ['GET', `/api/rooms/${roomId}/members`, undefined],
      ['POST', `/api/rooms/${roomId}/members`, { userId }],
      ['DELETE', `/api/rooms/${roomId}/members/${userId}`, undefined],
      ['PATCH', `/api/rooms/${roomId}/members/${userId}`, { role: 'admin' }],
      ['POST', `/api/rooms/${roomId}/invites`, {}],
      ['DELETE', `/api/rooms/${roomId}/invites/${'A'.repeat(24)}`, undefined],
      ['POST', `/api/rooms/${roomId}/join`, undefined],
    ] as const;
  }

  async function call(who: Signed, method: string, path: string, body?: object) {
    const api = asUser(url, who);
    const req = method === 'GET' ? api.get(path) : method === 'POST' ? api.post(path) : method === 'PATCH' ? api.patch(path) : api.delete(path);
    return body === undefined ? req : req.send(body);
  }

  it('answers a non-member exactly as for a room that does not exist, on every room route', async () => {
    for (const [method, path, body] of [...roomRoutes(room.id, member.user.id), ...roomRoutes(MISSING_ROOM, member.user.id)]) {
      const res = await call(outsider, method, path, body);
      expect({ route: `${method} ${path}`, status: res.status, body: res.body }).toEqual({ route: `${method} ${path}`, status: 404, body: ROOM_NOT_FOUND });
    }
    expect((await asUser(url, owner).get(`/api/rooms/${room.id}/members`).expect(200)).body).toHaveLength(2);
  });

  it('shuts a removed member out of the room the same way', async () => {
    const gone = await signUp(url);
    const r = await newRoom(url, owner, { memberIds: [gone.user.id] });
    await asUser(url, gone).get(`/api/rooms/${r.id}`).expect(200);
    await asUser(url, owner).delete(`/api/rooms/${r.id}/members/${gone.user.id}`).expect(204);
    for (const [method, path, body] of roomRoutes(r.id, owner.user.id)) {
      const res = await call(gone, method, path, body);
      expect({ route: `${method} ${path}`, status: res.status, body: res.body }).toEqual({ route: `${method} ${path}`, status: 404, body: ROOM_NOT_FOUND });
    }
    expect((await myRooms(url, gone)).some((x) => x.id === r.id)).toBe(false);
  });

  it('refuses admin actions to a plain member with 403', async () => {
    const third = await signUp(url);
    const r = await newRoom(url, owner, { memberIds: [member.user.id, third.user.id] });
    const invite = (await asUser(url, owner).post(`/api/rooms/${r.id}/invites`).send({}).expect(201)).body as RoomInvite;
    const attempts = [
      ['PATCH', `/api/rooms/${r.id}`, { name: 'Mine now' }],
      ['POST', `/api/rooms/${r.id}/members`, { userId: outsider.user.id }],
      ['DELETE', `/api/rooms/${r.id}/members/${third.user.id}`, undefined],
      ['PATCH', `/api/rooms/${r.id}/members/${third.user.id}`, { role: 'admin' }],
      ['POST', `/api/rooms/${r.id}/transfer`, { userId: member.user.id }],
      ['POST', `/api/rooms/${r.id}/archive`, undefined],
      ['POST', `/api/rooms/${r.id}/unarchive`, undefined],
      ['POST', `/api/rooms/${r.id}/invites`, {}],
      ['DELETE', `/api/rooms/${r.id}/invites/${invite.code}`, undefined],
    ] as const;
    for (const [method, path, body] of attempts) {
      const res = await call(member, method, path, body);
      expect({ route: `${method} ${path}`, status: res.status, code: res.body.code }).toEqual({ route: `${method} ${path}`, status: 403, code: ErrorCode.Forbidden });
    }
    // Admins are still not the owner.
    await asUser(url, owner).patch(`/api/rooms/${r.id}/members/${member.user.id}`).send({ role: 'admin' }).expect(200);
    await asUser(url, member).patch(`/api/rooms/${r.id}`).send({ name: 'Admin rename' }).expect(200);
    await asUser(url, member).patch(`/api/rooms/${r.id}/members/${third.user.id}`).send({ role: 'admin' }).expect(403);
    await asUser(url, member).post(`/api/rooms/${r.id}/archive`).expect(403);
  });

  it.each([
    ['a malformed room id', 'GET', '/api/rooms/not-a-uuid', undefined, 'id', /id must be a UUID/],
    ['a malformed member id', 'DELETE', '/api/rooms/{room}/members/42', undefined, 'userId', /userId must be a UUID/],
    ['an unknown field', 'POST', '/api/rooms', { kind: 'group', name: 'Ok', owner: 'me' }, 'owner', /owner is not a known field/],
    ['an over-long name', 'POST', '/api/rooms', { kind: 'group', name: 'x'.repeat(81) }, 'name', /1 to 80 characters/],
    ['a blank name', 'POST', '/api/rooms', { kind: 'group', name: '   ' }, 'name', /1 to 80 characters/],
    ['an over-long topic', 'PATCH', '/api/rooms/{room}', { topic: 't'.repeat(251) }, 'topic', /at most 250/],
    ['a direct kind', 'POST', '/api/rooms', { kind: 'direct', name: 'Nope' }, 'kind', /"group" or "public"/],
    ['member ids that are not UUIDs', 'POST', '/api/rooms', { kind: 'group', name: 'Ok', memberIds: ['x'] }, 'memberIds', /UUIDs/],
    ['too many member ids', 'POST', '/api/rooms', { kind: 'group', name: 'Ok', memberIds: Array.from({ length: 101 }, () => randomUUID()) }, 'memberIds', /at most 100/],
    ['a missing direct user id', 'POST', '/api/rooms/direct', {}, 'userId', /userId is required/],
    ['the owner role', 'PATCH', '/api/rooms/{room}/members/{member}', { role: 'owner' }, 'role', /"admin" or "member"/],
    ['a too long invite', 'POST', '/api/rooms/{room}/invites', { ttlHours: 721 }, 'ttlHours', /at most 720/],
    ['a fractional use count', 'POST', '/api/rooms/{room}/invites', { maxUses: 1.5 }, 'maxUses', /whole number/],
    ['a huge page size', 'GET', '/api/rooms/public?pageSize=1000', undefined, 'pageSize', /at most 100/],
  ] as const)('answers 400 in the one error shape for %s', async (_label, method, template, body, field, message) => {
    const path = template.replace('{room}', room.id).replace('{member}', member.user.id);
    const res = await call(owner, method, path, body);
    expect(res.status).toBe(400);
    const err = res.body as ApiError;
    expect(err).toMatchObject({ statusCode: 400, error: 'Bad Request', code: ErrorCode.ValidationFailed });
    expect(err.details?.some((d) => d.field === field && message.test(d.message))).toBe(true);
  });

  it('needs sign-in for every room route', async () => {
    const res = await asUser(url, { token: 'pls_nope' }).get('/api/rooms').expect(401);
    expect(res.body.code).toBe(ErrorCode.Unauthenticated);
    await asUser(url, { token: 'pls_nope' }).post(`/api/invites/${'a'.repeat(24)}/join`).expect(401);
  });

  it('tells live clients about joins, role changes and removals', async () => {
    const r = await newRoom(url, owner, { kind: 'public' });
    const ownerSocket = await socketFor(url, owner);
    const memberSocket = await socketFor(url, member);

    const roomJoined = next(memberSocket, 'room:joined', (e) => e.room.id === r.id);
    const memberJoined = next(ownerSocket, 'member:joined', (e) => e.roomId === r.id);
    await asUser(url, member).post(`/api/rooms/${r.id}/join`).expect(200);
    expect((await roomJoined).room).toMatchObject({ id: r.id, myRole: 'member' });
    expect((await memberJoined).member).toMatchObject({ user: { id: member.user.id }, role: 'member' });

    const role = next(memberSocket, 'member:role', (e) => e.roomId === r.id);
    const mine = next(memberSocket, 'room:updated', (e) => e.roomId === r.id && e.myRole !== undefined);
    await asUser(url, owner).patch(`/api/rooms/${r.id}/members/${member.user.id}`).send({ role: 'admin' }).expect(200);
    expect(await role).toEqual({ roomId: r.id, userId: member.user.id, role: 'admin' });
    expect((await mine).myRole).toBe('admin');

    const renamed = next(memberSocket, 'room:updated', (e) => e.roomId === r.id && e.name === 'Live');
    await asUser(url, owner).patch(`/api/rooms/${r.id}`).send({ name: 'Live' }).expect(200);
    expect(await renamed).toMatchObject({ memberCount: 2, ownerId: owner.user.id });

    const leftForMember = next(memberSocket, 'room:left', (e) => e.roomId === r.id);
    const leftForOwner = next(ownerSocket, 'room:left', (e) => e.roomId === r.id);
    await asUser(url, owner).delete(`/api/rooms/${r.id}/members/${member.user.id}`).expect(204);
    expect(await leftForMember).toEqual({ roomId: r.id, userId: member.user.id });
    expect(await leftForOwner).toEqual({ roomId: r.id, userId: member.user.id });

    const outsiderSocket = await socketFor(url, outsider);
    const direct = next(outsiderSocket, 'room:joined', (e) => e.room.kind === 'direct');
    await asUser(url, owner).post('/api/rooms/direct').send({ userId: outsider.user.id }).expect(201);
    expect((await direct).room).toMatchObject({ kind: 'direct', peer: { id: owner.user.id } });
  });
});
