import { RoomSummary } from '@parley/contracts';
import { UserEntity } from '../users/user.entity';
import { RoomMemberEntity } from './room-member.entity';
import { RoomEntity } from './room.entity';
import { toRoomSummary } from './rooms.mapper';
import { openRoomsKit, RoomsKit } from './testing/rooms-test-kit';

const minutes = (m: number) => new Date(Date.UTC(2030, 0, 1, 12, m));

describe('RoomsService', () => {
  let kit: RoomsKit;
  let ada: UserEntity;
  let bob: UserEntity;

  beforeEach(async () => {
    kit = await openRoomsKit();
    ada = await kit.makeUser({ displayName: 'Ada' });
    bob = await kit.makeUser({ displayName: 'Bob' });
  });
  afterEach(() => kit.close());

  const list = async (user: UserEntity): Promise<RoomSummary[]> => (await kit.rooms.listFor(user.id)).map(toRoomSummary);
  const group = (owner: UserEntity, name: string, memberIds: string[] = []) =>
    kit.rooms.create(owner, { kind: 'group', name, memberIds }).then((v) => v.room);

  describe('room summaries', () => {
    it('counts unread messages from others after my read marker, leaving out deleted ones and my own', async () => {
      const room = await group(ada, 'Plans', [bob.id]);
      await kit.postMessage(room.id, ada, 'mine'); // sending reads the room up to it: Ada's marker is at 1
      await kit.postMessage(room.id, bob, 'one');
      await kit.postMessage(room.id, bob, 'two');
      await kit.postMessage(room.id, bob, 'gone', { deleted: true });
      await kit.postMessage(room.id, bob, 'three');

      const [forAda] = await list(ada);
      expect(forAda).toMatchObject({ lastSeq: 5, lastReadSeq: 1, unreadCount: 3 });

      expect(await kit.rooms.setLastRead(room.id, ada.id, 3)).toEqual({ lastReadSeq: 3, moved: true });
      expect((await list(ada))[0].unreadCount).toBe(1);
      // Bob's own messages never count for him, even behind his marker (another device of his reading nothing).
      await kit.db.dataSource.getRepository(RoomMemberEntity).update({ roomId: room.id, userId: bob.id }, { lastReadSeq: 0 });
      expect((await list(bob))[0].unreadCount).toBe(1);
    });

    it('previews the last message as plain text with its sender, and a deleted one as empty', async () => {
      const room = await group(ada, 'Notes', [bob.id]);
      await kit.postMessage(room.id, bob, '**Ship it** on [Friday](https://example.com) <b>please</b> `now`');
      let [summary] = await list(ada);
      expect(summary.lastMessage).toMatchObject({ seq: 1, senderId: bob.id, senderName: 'Bob', text: 'Ship it on Friday please now', deleted: false });

      await kit.postMessage(room.id, bob, 'x'.repeat(500));
      [summary] = await list(ada);
      expect(summary.lastMessage!.text).toHaveLength(140);
      expect(summary.lastMessage!.text.endsWith('…')).toBe(true);

      await kit.postMessage(room.id, ada, 'secret', { deleted: true });
      [summary] = await list(ada);
      expect(summary.lastMessage).toMatchObject({ seq: 3, text: '', deleted: true, senderName: 'Ada' });
    });

    it('sorts by last activity, newest first, using the creation time for rooms without messages', async () => {
      const quiet = await group(ada, 'Quiet');
      await kit.db.dataSource.getRepository(RoomEntity).update({ id: quiet.id }, { createdAt: minutes(30) });
      const early = await group(ada, 'Early');
      const late = await group(ada, 'Late');
      await kit.postMessage(early.id, ada, 'hi', { at: minutes(10) });
      await kit.postMessage(late.id, ada, 'hi', { at: minutes(50) });

      const names = (await list(ada)).map((r) => r.name);
      expect(names).toEqual(['Late', 'Quiet', 'Early']);
      const [first] = await list(ada);
      expect(first.lastActivityAt).toBe(minutes(50).toISOString());
    });

    it('shows a direct room under the other person, with member counts and roles', async () => {
      const { view } = await kit.direct.open(ada, bob.id);
      const plans = await group(ada, 'Plans', [bob.id]);
      const forBob = await list(bob);
      const direct = forBob.find((r) => r.id === view.room.id)!;
      expect(direct).toMatchObject({ kind: 'direct', name: 'Ada', peer: { id: ada.id, displayName: 'Ada' }, memberCount: 2, myRole: 'member' });
      expect(forBob.find((r) => r.id === plans.id)).toMatchObject({ name: 'Plans', peer: null, memberCount: 2, myRole: 'member' });
      expect((await list(ada)).find((r) => r.id === plans.id)!.myRole).toBe('owner');
    });

    it('builds the whole list with the same few queries however many rooms there are', async () => {
      for (let i = 0; i < 12; i++) {
        const room = await group(ada, `Room ${i}`, [bob.id]);
        await kit.postMessage(room.id, bob, `hello ${i}`);
      }
      await kit.direct.open(ada, bob.id);
      const logger = kit.db.dataSource.logger;
      const spy = jest.spyOn(logger, 'logQuery');
      const rooms = await list(ada);
      expect(rooms).toHaveLength(13);
      expect(rooms.every((r) => r.unreadCount === (r.kind === 'direct' ? 0 : 1))).toBe(true);
      expect(spy.mock.calls.length).toBeGreaterThan(0);
      expect(spy.mock.calls.length).toBeLessThanOrEqual(6);
      spy.mockRestore();
    });
  });

  describe('membership', () => {
    it('answers membership, room ids and member ids, and the same 404 for a stranger as for no room', async () => {
      const room = await group(ada, 'Private', [bob.id]);
      const carol = await kit.makeUser();
      expect((await kit.rooms.membership(room.id, bob.id))?.member.role).toBe('member');
      expect(await kit.rooms.membership(room.id, carol.id)).toBeNull();
      expect(await kit.rooms.membership('not-a-uuid', carol.id)).toBeNull();
      expect((await kit.rooms.memberIds(room.id)).sort()).toEqual([ada.id, bob.id].sort());
      expect(await kit.rooms.roomIdsForUser(bob.id)).toEqual([room.id]);

      const stranger = await kit.rooms.requireMembership(room.id, carol.id).catch((e: unknown) => e);
      const missing = await kit.rooms.requireMembership('00000000-0000-4000-8000-000000000000', carol.id).catch((e: unknown) => e);
      expect(stranger).toMatchObject({ status: 404, message: 'Room not found' });
      expect(missing).toMatchObject({ status: 404, message: 'Room not found' });
      await expect(kit.rooms.summaryFor(room.id, carol.id)).rejects.toMatchObject({ status: 404 });
    });

    it('moves the read marker forward only, and never past the last message', async () => {
      const room = await group(ada, 'Reads', [bob.id]);
      for (let i = 0; i < 3; i++) await kit.postMessage(room.id, ada, `m${i}`);
      expect(await kit.rooms.setLastRead(room.id, bob.id, 99)).toEqual({ lastReadSeq: 3, moved: true });
      expect(await kit.rooms.setLastRead(room.id, bob.id, 1)).toEqual({ lastReadSeq: 3, moved: false });
      expect(await kit.rooms.setLastRead(room.id, bob.id, 3)).toEqual({ lastReadSeq: 3, moved: false });
      expect((await kit.rooms.summaryFor(room.id, bob.id)).lastReadSeq).toBe(3);
      await expect(kit.rooms.setLastRead(room.id, (await kit.makeUser()).id, 1)).rejects.toMatchObject({ status: 404 });
    });

    it('treats owners, admins and, in public rooms only, instance admins as room admins', async () => {
      const root = await kit.makeUser({ role: 'admin' });
      const pub = (await kit.rooms.create(ada, { kind: 'public', name: 'Town hall', memberIds: [bob.id, root.id] })).room;
      const priv = await group(ada, 'Back room', [bob.id, root.id]);
      const m = async (roomId: string, user: UserEntity) => (await kit.rooms.requireMembership(roomId, user.id)).member;
      expect(kit.rooms.isRoomAdmin(pub, await m(pub.id, ada), ada)).toBe(true);
      expect(kit.rooms.isRoomAdmin(pub, await m(pub.id, bob), bob)).toBe(false);
      expect(kit.rooms.isRoomAdmin(pub, await m(pub.id, root), root)).toBe(true);
      expect(kit.rooms.isRoomAdmin(priv, await m(priv.id, root), root)).toBe(false);
    });
  });

  describe('creating and changing rooms', () => {
    it('makes the creator owner, dedupes members, and raises the new room with its members', async () => {
      const carol = await kit.makeUser();
      const view = await kit.rooms.create(ada, { kind: 'group', name: 'Crew', topic: 'Boats', memberIds: [bob.id, bob.id, ada.id, carol.id] });
      expect(toRoomSummary(view)).toMatchObject({ name: 'Crew', topic: 'Boats', myRole: 'owner', memberCount: 3 });
      expect(kit.events.payloads('room.created')).toEqual([
        {
          roomId: view.room.id,
          members: [
            { userId: ada.id, role: 'owner' },
            { userId: bob.id, role: 'member' },
            { userId: carol.id, role: 'member' },
          ],
        },
      ]);
    });

    it('refuses unknown or deactivated initial members', async () => {
      const gone = await kit.makeUser({ deactivatedAt: new Date() });
      await expect(kit.rooms.create(ada, { kind: 'group', name: 'X', memberIds: [gone.id] })).rejects.toMatchObject({
        status: 400,
        details: [{ field: 'memberIds' }],
      });
      await expect(kit.rooms.create(ada, { kind: 'group', name: 'X', memberIds: ['00000000-0000-4000-8000-000000000000'] })).rejects.toMatchObject({
        status: 400,
      });
    });

    it('lets owners and admins rename, not members, nor anyone in a direct or archived room', async () => {
      const room = await group(ada, 'Old', [bob.id]);
      await expect(kit.rooms.update(room.id, bob, { name: 'Mine' })).rejects.toMatchObject({ status: 403 });
      kit.events.clear();
      const renamed = await kit.rooms.update(room.id, ada, { name: 'New', topic: 'Fresh' });
      expect(toRoomSummary(renamed)).toMatchObject({ name: 'New', topic: 'Fresh' });
      expect(kit.events.names()).toEqual(['room.updated', 'room.changed', 'room.changed']);
      expect(kit.events.payloads('room.updated')).toEqual([{ roomId: room.id }]);

      const { view } = await kit.direct.open(ada, bob.id);
      await expect(kit.rooms.update(view.room.id, ada, { name: 'Us' })).rejects.toMatchObject({ status: 400 });
      await kit.rooms.setArchived(room.id, ada, true);
      await expect(kit.rooms.update(room.id, ada, { name: 'Again' })).rejects.toMatchObject({ status: 409 });
    });

    it('archives and unarchives for the owner only', async () => {
      const room = await group(ada, 'Project', [bob.id]);
      await expect(kit.rooms.setArchived(room.id, bob, true)).rejects.toMatchObject({ status: 403 });
      const archived = await kit.rooms.setArchived(room.id, ada, true);
      expect(archived.room.archivedAt).toBeInstanceOf(Date);
      expect(kit.events.names().slice(-2)).toEqual(['room.updated', 'room.changed']);
      expect((await kit.rooms.setArchived(room.id, ada, false)).room.archivedAt).toBeNull();
    });
  });

  describe('public directory', () => {
    it('lists public rooms that are not archived, searching name and topic, wildcards taken literally', async () => {
      const carol = await kit.makeUser();
      const pub = (await kit.rooms.create(ada, { kind: 'public', name: 'Rust fans', topic: '100% safe', memberIds: [bob.id] })).room;
      await kit.rooms.create(ada, { kind: 'public', name: 'Gardening', topic: 'Tomatoes' });
      await group(ada, 'Rust secret');
      const old = (await kit.rooms.create(ada, { kind: 'public', name: 'Rust old' })).room;
      await kit.rooms.setArchived(old.id, ada, true);

      const found = await kit.rooms.directory(carol.id, 'RUST', 1, 10);
      expect(found.items).toEqual([expect.objectContaining({ id: pub.id, name: 'Rust fans', memberCount: 2, joined: false })]);
      expect((await kit.rooms.directory(bob.id, 'rust', 1, 10)).items[0].joined).toBe(true);
      expect((await kit.rooms.directory(carol.id, 'tomato', 1, 10)).total).toBe(1);
      expect((await kit.rooms.directory(carol.id, '100%', 1, 10)).total).toBe(1);
      expect((await kit.rooms.directory(carol.id, '%', 1, 10)).total).toBe(1);
      expect((await kit.rooms.directory(carol.id, '_', 1, 10)).total).toBe(0);
      const page = await kit.rooms.directory(carol.id, undefined, 2, 1);
      expect(page).toMatchObject({ total: 2, page: 2, pageSize: 1 });
      expect(page.items).toHaveLength(1);
    });
  });
});
