import { GENERAL_ROOM_SLUG } from '@parley/contracts';
import { RoomEntity } from './room.entity';
import { openRoomsKit, RoomsKit } from './testing/rooms-test-kit';

describe('GeneralRoomService', () => {
  let kit: RoomsKit;

  beforeEach(async () => {
    kit = await openRoomsKit();
  });
  afterEach(() => kit.close());

  it('creates general at start-up with no owner and puts every active account in it, once', async () => {
    const a = await kit.makeUser();
    const b = await kit.makeUser();
    const gone = await kit.makeUser({ deactivatedAt: new Date() });
    await kit.general.onApplicationBootstrap();
    await kit.general.onApplicationBootstrap();

    const rooms = await kit.db.dataSource.getRepository(RoomEntity).findBy({ slug: GENERAL_ROOM_SLUG });
    expect(rooms).toHaveLength(1);
    expect(rooms[0]).toMatchObject({ kind: 'public', ownerId: null, name: 'general' });
    expect((await kit.rooms.memberIds(rooms[0].id)).sort()).toEqual([a.id, b.id].sort());
    expect(await kit.rooms.membership(rooms[0].id, gone.id)).toBeNull();
  });

  it('adds each new account when it registers, and tells the room', async () => {
    kit.general.onModuleInit();
    await kit.general.onApplicationBootstrap();
    const general = await kit.general.ensureRoom();
    const newcomer = await kit.makeUser();
    await kit.events.emit('user.registered', { userId: newcomer.id });

    const summary = await kit.rooms.summaryFor(general.id, newcomer.id);
    expect(summary).toMatchObject({ slug: 'general', myRole: 'member', memberCount: 1 });
    expect(kit.events.raised.slice(-1)).toEqual([{ event: 'room.member-joined', payload: { roomId: general.id, userId: newcomer.id } }]);
    await expect(kit.members.leave(general.id, newcomer)).rejects.toMatchObject({ status: 400 });
  });
});
