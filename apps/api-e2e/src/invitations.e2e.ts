import { AddMemberResult, ErrorCode, InvitePreview, Message, MessagePage, Page, Person, RoomInvitation, RoomSummary } from '@parley/contracts';
import type { RunningServer } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { closeSockets, createRoom, ensureFriends, send, socketFor } from './support/chat';
import { DatabaseKind, startOn } from './support/database-targets';
import { asUser, blockUser, makeUser, Signed, signUp } from './support/factories';
import { call, errorOf, next, record, sleep } from './support/sockets';

afterEach(closeSockets);

/**
 * Groups respect blocks and DM_POLICY=friends (the default): a stranger is invited, not added, and a block
 * refuses both. Membership changes are lines in the timeline; profile changes reach others live.
 */
describe.each<DatabaseKind>(['sqlite', 'postgres'])('invitations, system lines and live profiles on %s', (kind) => {
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    server = await startOn(kind);
    url = server.url;
    await signUp(url); // the instance admin
  });
  afterAll(() => server?.dispose());

  const people = async (n: number) => {
    const out: Signed[] = [];
    for (let i = 0; i < n; i++) out.push(await signUp(url));
    return out;
  };
  const history = async (who: Signed, roomId: string) => ((await asUser(url, who).get(`/api/rooms/${roomId}/messages`).expect(200)).body as MessagePage).items;
  const lines = (items: Message[]) => items.filter((m) => m.kind === 'system').map((m) => m.event!.type);

  it('invites a stranger instead of adding them, and they join only by accepting', async () => {
    const [ada, stranger] = await people(2);
    const room = await createRoom(url, ada, []);
    const ss = await socketFor(url, stranger);
    const invited = next(ss, 'invitation:new');

    const res = await asUser(url, ada).post(`/api/rooms/${room.id}/members`).send({ userId: stranger.user.id }).expect(202);
    const result = res.body as AddMemberResult;
    expect(result).toMatchObject({ outcome: 'invited', member: null, invitation: { room: { id: room.id, name: room.name, memberCount: 1 }, invitee: { id: stranger.user.id }, inviter: { id: ada.user.id } } });
    const invitation = result.invitation!;
    expect((await invited).invitation).toEqual(invitation);
    // Not a member: the room and its messages stay closed to them.
    await asUser(url, stranger).get(`/api/rooms/${room.id}`).expect(404);
    expect(errorOf(await call(ss, 'message:send', { roomId: room.id, clientMsgId: randomUUID(), body: 'hi' }))?.code).toBe('not_found');
    // Inviting again is not an error; members see who is invited.
    await asUser(url, ada).post(`/api/rooms/${room.id}/members`).send({ userId: stranger.user.id }).expect(202);
    expect(((await asUser(url, ada).get(`/api/rooms/${room.id}/invitations`).expect(200)).body as RoomInvitation[]).map((i) => i.id)).toEqual([invitation.id]);
    expect(((await asUser(url, stranger).get('/api/invitations').expect(200)).body as RoomInvitation[]).map((i) => i.id)).toEqual([invitation.id]);

    const sa = await socketFor(url, ada);
    const joinedLine = next(sa, 'message:new', (m) => m.kind === 'system');
    const removed = next(ss, 'invitation:removed');
    const accepted = await asUser(url, stranger).post(`/api/invitations/${invitation.id}/accept`).expect(200);
    expect(accepted.body.room).toMatchObject({ id: room.id, memberCount: 2, myRole: 'member' });
    expect(await removed).toEqual({ invitationId: invitation.id, roomId: room.id });
    expect((await joinedLine).event).toEqual({ type: 'member_joined', actor: { id: stranger.user.id, name: stranger.user.displayName } });
    expect((await asUser(url, stranger).get('/api/invitations').expect(200)).body).toEqual([]);
    await asUser(url, stranger).post(`/api/invitations/${invitation.id}/accept`).expect(404);
  });

  it('creates a group with a stranger as an invitee, not a member, so nothing reaches them uninvited', async () => {
    const [ada, friend, stranger] = await people(3);
    await ensureFriends(url, ada, friend);
    const created = await asUser(url, ada)
      .post('/api/rooms')
      .send({ kind: 'group', name: 'Sneaky', memberIds: [friend.user.id, stranger.user.id] })
      .expect(201);
    const room = created.body as RoomSummary;
    expect(room.memberCount).toBe(2);
    const ss = await socketFor(url, stranger);
    const heard = record(ss, 'message:new');
    await asUser(url, ada).post(`/api/rooms/${room.id}/messages`).send({ body: 'you will read this', clientMsgId: randomUUID() }).expect(201);
    await sleep(200);
    expect(heard).toEqual([]);
    const [inv] = (await asUser(url, stranger).get('/api/invitations').expect(200)).body as RoomInvitation[];
    expect(inv.room).toEqual({ id: room.id, kind: 'group', name: 'Sneaky', topic: '', memberCount: 2, encrypted: false });
    // Declining ends it, and the room is not told why.
    await asUser(url, stranger).post(`/api/invitations/${inv.id}/decline`).expect(204);
    expect((await asUser(url, ada).get(`/api/rooms/${room.id}/invitations`).expect(200)).body).toEqual([]);
  });

  it('refuses to create a group with, or add, someone across a block, either way', async () => {
    const [ada, ben, cal] = await people(3);
    await ensureFriends(url, ada, cal);
    await blockUser(url, ben, ada);
    const refused = await asUser(url, ada).post('/api/rooms').send({ kind: 'group', name: 'Cornered', memberIds: [ben.user.id] }).expect(403);
    expect(refused.body).toMatchObject({ code: ErrorCode.Forbidden, message: 'You cannot add this user: they have blocked you' });
    expect((await asUser(url, ada).get('/api/rooms').expect(200)).body.some((r: RoomSummary) => r.name === 'Cornered')).toBe(false);
    const room = await createRoom(url, ada, [cal]);
    const add = await asUser(url, ada).post(`/api/rooms/${room.id}/members`).send({ userId: ben.user.id }).expect(403);
    expect(add.body.message).toBe('You cannot add this user: they have blocked you');
    await blockUser(url, cal, ben);
    const byBlocker = await asUser(url, cal).post('/api/rooms').send({ kind: 'group', name: 'x', memberIds: [ben.user.id] }).expect(403);
    expect(byBlocker.body.message).toBe('You cannot add a user you blocked; unblock them first');
  });

  it('ends a pending invitation when either side blocks the other, and lets its inviter withdraw one', async () => {
    const [ada, ben, cal] = await people(3);
    const room = await createRoom(url, ada, []);
    const inv = (await asUser(url, ada).post(`/api/rooms/${room.id}/members`).send({ userId: ben.user.id }).expect(202)).body as AddMemberResult;
    const sb = await socketFor(url, ben);
    const gone = next(sb, 'invitation:removed');
    await blockUser(url, ben, ada);
    expect(await gone).toEqual({ invitationId: inv.invitation!.id, roomId: room.id });
    expect((await asUser(url, ben).get('/api/invitations').expect(200)).body).toEqual([]);

    const second = (await asUser(url, ada).post(`/api/rooms/${room.id}/members`).send({ userId: cal.user.id }).expect(202)).body as AddMemberResult;
    await asUser(url, cal).post(`/api/invitations/${second.invitation!.id}/accept`).expect(200);
    const third = (await asUser(url, cal).post(`/api/rooms/${room.id}/members`).send({ userId: ben.user.id })).status;
    expect(third).toBe(403); // cal is a plain member
    const fourth = (await asUser(url, ada).post(`/api/rooms/${room.id}/members`).send({ userId: (await signUp(url)).user.id }).expect(202)).body as AddMemberResult;
    await asUser(url, cal).delete(`/api/rooms/${room.id}/invitations/${fourth.invitation!.id}`).expect(403);
    await asUser(url, ada).delete(`/api/rooms/${room.id}/invitations/${fourth.invitation!.id}`).expect(204);
    await asUser(url, ada).delete(`/api/rooms/${room.id}/invitations/${fourth.invitation!.id}`).expect(404);
  });

  it('records joins, additions, removals and departures as system lines that never count as unread', async () => {
    const [ada, ben, cal] = await people(3);
    await ensureFriends(url, ada, cal);
    const room = await createRoom(url, ada, [ben]);
    const sb = await socketFor(url, ben);
    const live = record(sb, 'message:new');
    await asUser(url, ada).post(`/api/rooms/${room.id}/members`).send({ userId: cal.user.id }).expect(201);
    // The room list tells it from each member's side.
    const preview = async (who: Signed) => ((await asUser(url, who).get(`/api/rooms/${room.id}`).expect(200)).body as RoomSummary).lastMessage;
    expect(await preview(cal)).toMatchObject({ kind: 'system', senderId: ada.user.id, text: `${ada.user.displayName} added you` });
    expect(await preview(ada)).toMatchObject({ kind: 'system', text: `You added ${cal.user.displayName}` });
    expect(await preview(ben)).toMatchObject({ kind: 'system', text: `${ada.user.displayName} added ${cal.user.displayName}` });
    await asUser(url, ada).delete(`/api/rooms/${room.id}/members/${cal.user.id}`).expect(204);
    await send(await socketFor(url, ada), room.id, 'a real message');
    await asUser(url, ada).patch(`/api/rooms/${room.id}`).send({ topic: 'Plans' }).expect(200);

    const items = await history(ben, room.id);
    expect(lines(items)).toEqual(['member_added', 'member_removed', 'topic_changed']);
    expect(items.find((m) => m.event?.type === 'member_added')!.event).toEqual({
      type: 'member_added',
      actor: { id: ada.user.id, name: ada.user.displayName },
      user: { id: cal.user.id, name: cal.user.displayName },
    });
    await sleep(200);
    expect(live.map((m) => m.event?.type ?? m.body)).toEqual(['member_added', 'member_removed', 'a real message', 'topic_changed']);
    expect((await asUser(url, ben).get(`/api/rooms/${room.id}`).expect(200)).body).toMatchObject({ unreadCount: 1 });
    // Nobody edits or deletes the record, not even the room's owner.
    const line = items.find((m) => m.kind === 'system')!;
    expect((await asUser(url, ada).patch(`/api/messages/${line.id}`).send({ body: 'rewritten' }).expect(403)).body.message).toBe('System messages cannot be edited');
    await asUser(url, ada).delete(`/api/messages/${line.id}`).expect(403);
    await asUser(url, ada).post(`/api/rooms/${room.id}/messages`).send({ body: 're', clientMsgId: randomUUID(), replyToId: line.id }).expect(400);

    await asUser(url, ben).post(`/api/rooms/${room.id}/leave`).expect(204);
    expect(lines(await history(ada, room.id)).slice(-1)).toEqual(['member_left']);
  });

  it('shows an invite link\'s room before joining, signed in or not', async () => {
    const [ada, ben] = await people(2);
    const room = await createRoom(url, ada, []);
    await asUser(url, ada).patch(`/api/rooms/${room.id}`).send({ topic: 'Design reviews' }).expect(200);
    const { code } = (await asUser(url, ada).post(`/api/rooms/${room.id}/invites`).send({}).expect(201)).body as { code: string };
    const visitor = (await request(url).get(`/api/invites/${code}`).expect(200)).body as InvitePreview;
    expect(visitor).toEqual({ room: { id: room.id, kind: 'group', name: room.name, topic: 'Design reviews', memberCount: 1, encrypted: false }, expiresAt: expect.any(String), joined: null });
    expect(((await asUser(url, ben).get(`/api/invites/${code}`).expect(200)).body as InvitePreview).joined).toBe(false);
    expect(((await asUser(url, ada).get(`/api/invites/${code}`).expect(200)).body as InvitePreview).joined).toBe(true);
    await request(url).get('/api/invites/not-a-real-code-at-all').expect(404);
    // Joining with the link is a line in the room too.
    await asUser(url, ben).post(`/api/invites/${code}/join`).expect(200);
    expect(lines(await history(ada, room.id))).toEqual(['topic_changed', 'member_joined']);
  });

  it('withholds the text of a blocked sender from the room list and leaves it out of the unread count', async () => {
    const [ada, ben, cal] = await people(3);
    const room = await createRoom(url, cal, [ada, ben]);
    await blockUser(url, ada, ben);
    await asUser(url, ben).post(`/api/rooms/${room.id}/messages`).send({ body: 'SECRET plans', clientMsgId: randomUUID() }).expect(201);
    const forAda = ((await asUser(url, ada).get('/api/rooms').expect(200)).body as RoomSummary[]).find((r) => r.id === room.id)!;
    expect(forAda.unreadCount).toBe(0);
    expect(forAda.lastMessage).toMatchObject({ senderId: ben.user.id, text: '', hidden: true });
    expect(JSON.stringify(forAda)).not.toContain('SECRET');
    const forCal = ((await asUser(url, cal).get('/api/rooms').expect(200)).body as RoomSummary[]).find((r) => r.id === room.id)!;
    expect(forCal).toMatchObject({ unreadCount: 1, lastMessage: { text: 'SECRET plans', hidden: false } });
  });

  it('tells a people search how each person stands to you and whether you may message them', async () => {
    const tag = `ppl${Date.now().toString(36)}`;
    const mk = (name: string) => signUp(url, { ...makeUser({ username: `${tag}.${name}` }) });
    const [me, friend, asked, asker, blocked, blocker, _stranger] = [await mk('me'), await mk('friend'), await mk('asked'), await mk('asker'), await mk('blocked'), await mk('blocker'), await mk('stranger')];
    await ensureFriends(url, me, friend);
    await asUser(url, me).post('/api/friends/requests').send({ userId: asked.user.id }).expect(201);
    await asUser(url, asker).post('/api/friends/requests').send({ userId: me.user.id }).expect(201);
    await blockUser(url, me, blocked);
    await blockUser(url, blocker, me);
    const page = (await asUser(url, me).get(`/api/people?q=${tag}&pageSize=20`).expect(200)).body as Page<Person>;
    const view = Object.fromEntries(page.items.map((p) => [p.user.username.split('.')[1], [p.relation, p.canMessage]]));
    expect(view).toEqual({
      me: ['self', false],
      friend: ['friend', true],
      asked: ['request_sent', false],
      asker: ['request_received', false],
      blocked: ['blocked', false],
      blocker: ['none', false],
      stranger: ['none', false],
    });
  });

  it('tells roommates and friends live when someone changes their profile', async () => {
    const [ada, ben, far] = await people(3);
    await createRoom(url, ada, [ben]);
    const [sb, sf] = [await socketFor(url, ben), await socketFor(url, far)];
    const seen = next(sb, 'user:updated');
    const farHears = record(sf, 'user:updated');
    await asUser(url, ada).patch('/api/users/me').send({ displayName: 'Ada Renamed', statusText: 'At the launch' }).expect(200);
    expect((await seen).user).toMatchObject({ id: ada.user.id, displayName: 'Ada Renamed', statusText: 'At the launch' });
    // Everyone is in #general, where names show too: so far sees it as well.
    await sleep(200);
    expect(farHears.map((e) => e.user.displayName)).toEqual(['Ada Renamed']);
  });
});
