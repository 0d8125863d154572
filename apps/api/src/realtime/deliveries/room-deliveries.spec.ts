import { MessageKind } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { openRoomsKit, RoomsKit } from '../../rooms/testing/rooms-test-kit';
import { SendOrigins } from '../send-origins';
import { RecordingRealtime } from '../testing/recording-realtime';
import { LiveSockets, next, record } from '../testing/live-sockets';
import { MessageDeliveries } from './message-deliveries';
import { RoomDeliveries } from './room-deliveries';

describe('room deliveries (the rooms services and a real Socket.IO server)', () => {
  let kit: RoomsKit;
  let live: LiveSockets;

  beforeEach(async () => {
    kit = await openRoomsKit();
    live = await LiveSockets.start();
    new RoomDeliveries(live.realtime, kit.rooms, kit.events);
    new MessageDeliveries(live.realtime, new SendOrigins(), kit.events);
  });
  afterEach(async () => {
    await live.close();
    await kit.close();
  });

  const say = (roomId: string, senderId: string, body: string) =>
    kit.events.emit('message.created', {
      message: { id: randomUUID(), roomId, seq: 1, rev: 1, senderId, body, clientMsgId: randomUUID(), createdAt: new Date().toISOString(), editedAt: null, deletedAt: null, replyToId: null, kind: MessageKind.User, event: null, attachments: [], encrypted: null },
    });

  it('subscribes a new member\u2019s open sockets before telling them, and unsubscribes them when they are removed', async () => {
    const [ada, bob] = [await kit.makeUser({ displayName: 'Ada' }), await kit.makeUser({ displayName: 'Bob' })];
    const room = (await kit.rooms.create(ada, { kind: 'group', name: 'Crew' })).room;
    const [adaTab, bobTab] = [await live.connect(ada.id, [room.id]), await live.connect(bob.id)];
    const bobHeard = record(bobTab, 'message:new');
    const adaJoins = record(adaTab, 'member:joined');

    const joined = next(bobTab, 'room:joined');
    await kit.members.add(room.id, ada, bob.id);
    expect((await joined).room).toMatchObject({ id: room.id, name: 'Crew', myRole: 'member', memberCount: 2 });
    const welcome = next(bobTab, 'message:new');
    await say(room.id, ada.id, 'welcome');
    await welcome;
    expect(adaJoins.map((e) => e.member.user.id)).toEqual([bob.id]);

    const left = next(bobTab, 'room:left');
    const adaSeesUpdate = next(adaTab, 'room:updated', (e) => e.memberCount === 1);
    await kit.members.remove(room.id, ada, bob.id);
    expect(await left).toEqual({ roomId: room.id, userId: bob.id });
    await adaSeesUpdate;
    const afterwards = next(adaTab, 'message:new');
    await say(room.id, ada.id, 'after bob left');
    await afterwards;
    expect(bobHeard.map((m) => m.body)).toEqual(['welcome']);
  });

  it('gives both people of a new direct room the room, named after the other', async () => {
    const [ada, bob] = [await kit.makeUser({ displayName: 'Ada' }), await kit.makeUser({ displayName: 'Bob' })];
    const [adaTab, bobTab] = [await live.connect(ada.id), await live.connect(bob.id)];
    const both = Promise.all([next(adaTab, 'room:joined'), next(bobTab, 'room:joined')]);
    const { view } = await kit.direct.open(ada, bob.id);
    const [forAda, forBob] = await both;
    expect(forAda.room).toMatchObject({ id: view.room.id, kind: 'direct', name: 'Bob' });
    expect(forBob.room).toMatchObject({ id: view.room.id, kind: 'direct', name: 'Ada' });
    const hello = next(bobTab, 'message:new');
    await say(view.room.id, ada.id, 'hi');
    expect(await hello).toMatchObject({ body: 'hi' });
  });
});

describe('room deliveries: what goes where, in order', () => {
  let kit: RoomsKit;
  let sent: RecordingRealtime;

  beforeEach(async () => {
    kit = await openRoomsKit();
    sent = new RecordingRealtime();
    new RoomDeliveries(sent, kit.rooms, kit.events);
  });
  afterEach(() => kit.close());

  const crew = async () => {
    const [owner, admin, member] = [await kit.makeUser({ displayName: 'Olive Owner' }), await kit.makeUser(), await kit.makeUser()];
    const room = (await kit.rooms.create(owner, { kind: 'group', name: 'Crew', memberIds: [admin.id, member.id] })).room;
    await kit.members.changeRole(room.id, owner, admin.id, 'admin');
    sent.clear();
    return { owner, admin, member, room };
  };

  it('subscribes each first member of a new room and gives them the room with their role', async () => {
    const [ada, bob] = [await kit.makeUser(), await kit.makeUser()];
    const view = await kit.rooms.create(ada, { kind: 'group', name: 'Crew', memberIds: [bob.id] });
    expect(sent.subscriptions).toEqual([`+${ada.id}@${view.room.id}`, `+${bob.id}@${view.room.id}`]);
    expect(sent.toUserOf(ada.id, 'room:joined')).toEqual([{ room: expect.objectContaining({ id: view.room.id, myRole: 'owner', memberCount: 2 }) }]);
    expect(sent.toUserOf(bob.id, 'room:joined')).toEqual([{ room: expect.objectContaining({ id: view.room.id, myRole: 'member', memberCount: 2 }) }]);
  });

  it('tells the room of a new member before subscribing them, then gives them the room and everyone the count', async () => {
    const { admin, room } = await crew();
    const newbie = await kit.makeUser();
    await kit.members.add(room.id, admin, newbie.id);
    expect(sent.sent.map((s) => [s.to, s.event])).toEqual([
      [`room:${room.id}`, 'member:joined'],
      [`user:${newbie.id}`, 'room:joined'],
      [`room:${room.id}`, 'room:updated'],
    ]);
    expect(sent.subscriptions).toEqual([`+${newbie.id}@${room.id}`]);
    expect(sent.sent[1].payload).toMatchObject({ room: { id: room.id, myRole: 'member', memberCount: 4 } });
  });

  it('announces a removal to the room first, then unsubscribes and tells the removed user', async () => {
    const { admin, member, room } = await crew();
    await kit.members.remove(room.id, admin, member.id);
    expect(sent.sent.map((s) => [s.to, s.event])).toEqual([
      [`room:${room.id}`, 'room:left'],
      [`user:${member.id}`, 'room:left'],
      [`room:${room.id}`, 'room:updated'],
    ]);
    expect(sent.sent[0].payload).toEqual({ roomId: room.id, userId: member.id });
    expect(sent.sent[2].payload).toMatchObject({ memberCount: 2 });
    expect(sent.subscriptions).toEqual([`-${member.id}@${room.id}`]);
  });

  it('tells the room of a new role and gives the member the room with it; a new owner updates the room', async () => {
    const { owner, member, room } = await crew();
    await kit.members.changeRole(room.id, owner, member.id, 'admin');
    expect(sent.sent).toEqual([
      { to: `room:${room.id}`, event: 'member:role', payload: { roomId: room.id, userId: member.id, role: 'admin' } },
      { to: `user:${member.id}`, event: 'room:updated', payload: expect.objectContaining({ roomId: room.id, myRole: 'admin' }) },
    ]);
    sent.clear();
    await kit.members.transferOwnership(room.id, owner, member.id);
    expect(sent.sent.filter((s) => s.event === 'member:role').map((s) => s.payload)).toEqual([
      { roomId: room.id, userId: member.id, role: 'owner' },
      { roomId: room.id, userId: owner.id, role: 'admin' },
    ]);
    expect(sent.sent.at(-1)).toMatchObject({ to: `room:${room.id}`, event: 'room:updated', payload: { ownerId: member.id } });
  });

  it('sends a rename and an archiving to the room as room:updated', async () => {
    const { owner, room } = await crew();
    await kit.rooms.update(room.id, owner, { name: 'New', topic: 'Fresh' });
    expect(sent.sent).toEqual([
      { to: `room:${room.id}`, event: 'room:updated', payload: expect.objectContaining({ name: 'New', topic: 'Fresh', memberCount: 3, ownerId: owner.id }) },
    ]);
    await kit.rooms.setArchived(room.id, owner, true);
    expect(sent.sent.at(-1)).toMatchObject({ event: 'room:updated', payload: { archivedAt: expect.any(String) } });
  });

  it('gives an invitee the invitation and takes it back from all their tabs when it ends', async () => {
    const { owner, room } = await crew();
    const stranger = await kit.makeUser();
    const { room: entity } = (await kit.rooms.membership(room.id, owner.id))!;
    const [invitation] = await kit.invitations.invite(entity, owner, [stranger.id]);
    expect(sent.sent).toEqual([{ to: `user:${stranger.id}`, event: 'invitation:new', payload: { invitation } }]);
    await kit.members.declineInvitation(invitation.id, stranger);
    expect(sent.sent.at(-1)).toEqual({ to: `user:${stranger.id}`, event: 'invitation:removed', payload: { invitationId: invitation.id, roomId: room.id } });
  });
});
