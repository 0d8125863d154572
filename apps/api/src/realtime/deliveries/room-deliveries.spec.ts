import { MessageKind } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { openRoomsKit, RoomsKit } from '../../rooms/testing/rooms-test-kit';
import { SendOrigins } from '../send-origins';
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
      message: { id: randomUUID(), roomId, seq: 1, rev: 1, senderId, body, clientMsgId: randomUUID(), createdAt: new Date().toISOString(), editedAt: null, deletedAt: null, replyToId: null, kind: MessageKind.User, event: null },
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
