import { UserEntity } from '../users/user.entity';
import { RoomEntity } from './room.entity';
import { openRoomsKit, RoomsKit } from './testing/rooms-test-kit';

describe('RoomMembersService', () => {
  let kit: RoomsKit;
  let owner: UserEntity;
  let admin: UserEntity;
  let member: UserEntity;
  let room: RoomEntity;

  beforeEach(async () => {
    kit = await openRoomsKit();
    owner = await kit.makeUser({ displayName: 'Olive Owner' });
    admin = await kit.makeUser({ displayName: 'Adam Admin' });
    member = await kit.makeUser({ displayName: 'Mia Member' });
    room = (await kit.rooms.create(owner, { kind: 'group', name: 'Crew', memberIds: [admin.id, member.id] })).room;
    await kit.members.changeRole(room.id, owner, admin.id, 'admin');
    kit.events.clear();
  });
  afterEach(() => kit.close());

  const roleOf = async (user: UserEntity, roomId = room.id) => (await kit.rooms.membership(roomId, user.id))?.member.role ?? null;

  describe('adding and removing', () => {
    it('lets owners and admins add active users, announcing them, and is a no-op for a member', async () => {
      const newbie = await kit.makeUser();
      const result = await kit.members.add(room.id, admin, newbie.id);
      expect(result.outcome).toBe('added');
      const added = result.outcome === 'added' ? result.member : null;
      expect(added).toMatchObject({ userId: newbie.id, role: 'member', user: { id: newbie.id } });
      expect(kit.events.names()).toEqual(['room.member-joined', 'room.changed']);
      expect(kit.events.payloads('room.member-joined')).toEqual([{ roomId: room.id, userId: newbie.id }]);
      expect(kit.events.payloads('room.changed')[0].event).toMatchObject({ type: 'member_added', actor: { id: admin.id }, user: { id: newbie.id } });

      kit.events.clear();
      expect((await kit.members.add(room.id, owner, newbie.id)).outcome).toBe('already_member');
      expect(kit.events.raised).toEqual([]);
    });

    it('refuses plain members (403), unknown (404) and deactivated (400) users', async () => {
      const other = await kit.makeUser();
      await expect(kit.members.add(room.id, member, other.id)).rejects.toMatchObject({ status: 403 });
      await expect(kit.members.add(room.id, owner, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404, message: 'User not found' });
      const gone = await kit.makeUser({ deactivatedAt: new Date() });
      await expect(kit.members.add(room.id, owner, gone.id)).rejects.toMatchObject({ status: 400 });
    });

    it('keeps admins from removing the owner or other admins; the owner may remove an admin', async () => {
      const second = await kit.makeUser();
      await kit.members.add(room.id, owner, second.id);
      await kit.members.changeRole(room.id, owner, second.id, 'admin');
      await expect(kit.members.remove(room.id, admin, owner.id)).rejects.toMatchObject({ status: 403 });
      await expect(kit.members.remove(room.id, admin, second.id)).rejects.toMatchObject({ status: 403, message: 'Only the owner can remove an admin' });
      await expect(kit.members.remove(room.id, member, second.id)).rejects.toMatchObject({ status: 403 });
      await kit.members.remove(room.id, owner, second.id);
      expect(await roleOf(second)).toBeNull();
    });

    it('raises the removal once it is committed, then records it in the timeline', async () => {
      await kit.members.remove(room.id, admin, member.id);
      expect(await roleOf(member)).toBeNull();
      expect(kit.events.names()).toEqual(['room.member-left', 'room.changed']);
      expect(kit.events.payloads('room.member-left')).toEqual([{ roomId: room.id, userId: member.id }]);
      await expect(kit.rooms.requireMembership(room.id, member.id)).rejects.toMatchObject({ status: 404 });
      await expect(kit.members.remove(room.id, admin, member.id)).rejects.toMatchObject({ status: 404 });
    });

    it('treats removing yourself as leaving', async () => {
      await kit.members.remove(room.id, member, member.id);
      expect(await roleOf(member)).toBeNull();
      await expect(kit.members.remove(room.id, owner, owner.id)).rejects.toMatchObject({ status: 409 });
    });
  });

  describe('joining and leaving', () => {
    it('joins public rooms idempotently; private rooms look missing; archived ones take nobody', async () => {
      const stranger = await kit.makeUser();
      const pub = (await kit.rooms.create(owner, { kind: 'public', name: 'Lobby' })).room;
      const first = await kit.members.join(pub.id, stranger);
      expect(first.member.role).toBe('member');
      kit.events.clear();
      await kit.members.join(pub.id, stranger);
      expect(kit.events.raised).toEqual([]);

      await expect(kit.members.join(room.id, stranger)).rejects.toMatchObject({ status: 404, message: 'Room not found' });
      expect((await kit.members.join(room.id, member)).room.id).toBe(room.id);

      await kit.rooms.setArchived(pub.id, owner, true);
      await expect(kit.members.join(pub.id, await kit.makeUser())).rejects.toMatchObject({ status: 409 });
    });

    it('makes the owner hand over before leaving, unless they are the last one: then the room is archived', async () => {
      await expect(kit.members.leave(room.id, owner)).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/Hand ownership/) });
      await kit.members.leave(room.id, member);
      await kit.members.leave(room.id, admin);
      await kit.members.leave(room.id, owner);
      const left = await kit.db.dataSource.getRepository(RoomEntity).findOneByOrFail({ id: room.id });
      expect(left.archivedAt).toBeInstanceOf(Date);
      expect(left.ownerId).toBeNull();
      expect(await kit.rooms.memberIds(room.id)).toEqual([]);
    });

    it('never lets anyone leave a direct room or general', async () => {
      const { view } = await kit.direct.open(owner, member.id);
      await expect(kit.members.leave(view.room.id, member)).rejects.toMatchObject({ status: 400, message: 'Direct conversations cannot be left' });
      const general = await kit.general.ensureRoom();
      await kit.general.welcome(member.id);
      await expect(kit.members.leave(general.id, member)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/general/) });
    });
  });

  describe('roles and ownership', () => {
    it('lets only the owner change roles, and tells the room and the member', async () => {
      await expect(kit.members.changeRole(room.id, admin, member.id, 'admin')).rejects.toMatchObject({ status: 403 });
      await expect(kit.members.changeRole(room.id, owner, owner.id, 'member')).rejects.toMatchObject({ status: 400 });
      const promoted = await kit.members.changeRole(room.id, owner, member.id, 'admin');
      expect(promoted.role).toBe('admin');
      expect(kit.events.raised).toEqual([{ event: 'room.roles-changed', payload: { roomId: room.id, changes: [{ userId: member.id, role: 'admin' }] } }]);
      await kit.members.changeRole(room.id, owner, member.id, 'member');
      expect(await roleOf(member)).toBe('member');
    });

    it('hands ownership to a member; the old owner becomes an admin', async () => {
      await expect(kit.members.transferOwnership(room.id, admin, member.id)).rejects.toMatchObject({ status: 403 });
      const view = await kit.members.transferOwnership(room.id, owner, member.id);
      expect(view.room.ownerId).toBe(member.id);
      expect(view.member.role).toBe('admin');
      expect(await roleOf(member)).toBe('owner');
      expect(kit.events.names()).toEqual(['room.roles-changed', 'room.updated', 'room.changed']);
      expect(kit.events.payloads('room.roles-changed')).toEqual([
        {
          roomId: room.id,
          changes: [
            { userId: member.id, role: 'owner' },
            { userId: owner.id, role: 'admin' },
          ],
        },
      ]);
      // The old owner can now leave like anyone else.
      await kit.members.leave(room.id, owner);
      const outsider = await kit.makeUser();
      await expect(kit.members.transferOwnership(room.id, member, outsider.id)).rejects.toMatchObject({ status: 404 });
    });

    it('lets instance admins moderate public rooms like a room admin, but not private ones', async () => {
      const root = await kit.makeUser({ role: 'admin' });
      const pub = (await kit.rooms.create(owner, { kind: 'public', name: 'Lobby', memberIds: [member.id] })).room;
      await kit.members.join(pub.id, root);
      const renamed = await kit.rooms.update(pub.id, root, { topic: 'Moderated' });
      expect(renamed.room.topic).toBe('Moderated');
      await kit.members.remove(pub.id, root, member.id);
      await expect(kit.members.remove(pub.id, root, owner.id)).rejects.toMatchObject({ status: 403 });
      await expect(kit.members.changeRole(pub.id, root, owner.id, 'member')).rejects.toMatchObject({ status: 403 });

      await kit.members.add(room.id, owner, root.id);
      await expect(kit.rooms.update(room.id, root, { name: 'Mine' })).rejects.toMatchObject({ status: 403 });
    });
  });

  describe('direct rooms', () => {
    it('gives a pair one room whoever opens it, and tells both when it is new', async () => {
      const first = await kit.direct.open(owner, member.id);
      expect(first.created).toBe(true);
      expect(first.view.room.directKey).toBe([owner.id, member.id].sort().join(':'));
      expect(kit.events.payloads('room.created')).toEqual([
        {
          roomId: first.view.room.id,
          members: [
            { userId: owner.id, role: 'member' },
            { userId: member.id, role: 'member' },
          ],
        },
      ]);

      kit.events.clear();
      const again = await kit.direct.open(member, owner.id);
      expect(again).toMatchObject({ created: false, view: { room: { id: first.view.room.id } } });
      expect(kit.events.raised).toEqual([]);
      expect((await kit.direct.open(owner, member.id)).created).toBe(false);
    });

    it('refuses yourself, unknown users and deactivated ones', async () => {
      await expect(kit.direct.open(owner, owner.id)).rejects.toMatchObject({ status: 400 });
      await expect(kit.direct.open(owner, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404 });
      const gone = await kit.makeUser({ deactivatedAt: new Date() });
      await expect(kit.direct.open(owner, gone.id)).rejects.toMatchObject({ status: 400, message: 'That account is deactivated' });
    });

    it('has no members to add or remove and no roles to hand out', async () => {
      const { view } = await kit.direct.open(owner, member.id);
      await expect(kit.members.add(view.room.id, owner, admin.id)).rejects.toMatchObject({ status: 400 });
      await expect(kit.members.remove(view.room.id, owner, member.id)).rejects.toMatchObject({ status: 400 });
      await expect(kit.rooms.setArchived(view.room.id, owner, true)).rejects.toMatchObject({ status: 400 });
    });
  });
});
