import { hashToken } from '../auth/tokens';
import { UserEntity } from '../users/user.entity';
import { RoomInviteEntity } from './room-invite.entity';
import { RoomEntity } from './room.entity';
import { openRoomsKit, RoomsKit } from './testing/rooms-test-kit';

const HOUR = 3600_000;

describe('RoomInvitesService', () => {
  let kit: RoomsKit;
  let owner: UserEntity;
  let member: UserEntity;
  let room: RoomEntity;

  beforeEach(async () => {
    kit = await openRoomsKit();
    owner = await kit.makeUser();
    member = await kit.makeUser();
    room = (await kit.rooms.create(owner, { kind: 'group', name: 'Invitees', memberIds: [member.id] })).room;
  });
  afterEach(() => kit.close());

  const later = (ms: number) => (kit.clock.now = new Date(kit.clock.now.getTime() + ms));

  it('issues a random URL-safe code, stores only its hash, and expires after 7 days by default', async () => {
    const { invite, code } = await kit.invites.create(room.id, owner, {});
    expect(code).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const row = await kit.db.dataSource.getRepository(RoomInviteEntity).findOneByOrFail({ id: invite.id });
    expect(row.codeHash).toBe(hashToken(code));
    expect(JSON.stringify(row)).not.toContain(code);
    expect(row.expiresAt.getTime() - kit.clock.now.getTime()).toBe(7 * 24 * HOUR);
    expect((await kit.invites.create(room.id, owner, {})).code).not.toBe(code);
  });

  it('lets a newcomer join until the code expires, then answers 404', async () => {
    const { code } = await kit.invites.create(room.id, owner, { ttlHours: 2 });
    const first = await kit.makeUser();
    const view = await kit.invites.join(code, first);
    expect(view).toMatchObject({ room: { id: room.id }, member: { role: 'member' } });
    expect(kit.events.payloads('room.member-joined')).toContainEqual({ roomId: room.id, userId: first.id });

    later(2 * HOUR);
    await expect(kit.invites.join(code, await kit.makeUser())).rejects.toMatchObject({
      status: 404,
      message: 'This invite link is invalid or has expired',
    });
  });

  it('stops at maxUses, and a member coming back uses nothing', async () => {
    const { code, invite } = await kit.invites.create(room.id, owner, { maxUses: 2 });
    await kit.invites.join(code, member);
    await kit.invites.join(code, await kit.makeUser());
    await kit.invites.join(code, await kit.makeUser());
    expect((await kit.db.dataSource.getRepository(RoomInviteEntity).findOneByOrFail({ id: invite.id })).uses).toBe(2);
    await expect(kit.invites.join(code, await kit.makeUser())).rejects.toMatchObject({ status: 404 });
    // Someone already in the room following the used-up link is just taken there.
    expect((await kit.invites.join(code, member)).room.id).toBe(room.id);
  });

  it('gives unknown, malformed and revoked codes the same 404', async () => {
    const { code } = await kit.invites.create(room.id, owner, {});
    const someone = await kit.makeUser();
    const unknown = await kit.invites.join('A'.repeat(24), someone).catch((e: unknown) => e);
    const malformed = await kit.invites.join('../../etc', someone).catch((e: unknown) => e);
    await kit.invites.revoke(room.id, owner, code);
    const revoked = await kit.invites.join(code, someone).catch((e: unknown) => e);
    for (const err of [unknown, malformed, revoked]) expect(err).toMatchObject({ status: 404, message: 'This invite link is invalid or has expired' });
    await expect(kit.invites.revoke(room.id, owner, code)).rejects.toMatchObject({ status: 404, message: 'Invite not found' });
  });

  it('refuses an archived room with 409', async () => {
    const { code } = await kit.invites.create(room.id, owner, {});
    await kit.rooms.setArchived(room.id, owner, true);
    await expect(kit.invites.join(code, await kit.makeUser())).rejects.toMatchObject({ status: 409 });
    await expect(kit.invites.create(room.id, owner, {})).rejects.toMatchObject({ status: 409 });
  });

  it('lets only owners and admins make and revoke codes, and never for direct rooms', async () => {
    await expect(kit.invites.create(room.id, member, {})).rejects.toMatchObject({ status: 403 });
    const { code } = await kit.invites.create(room.id, owner, {});
    await expect(kit.invites.revoke(room.id, member, code)).rejects.toMatchObject({ status: 403 });
    await kit.members.changeRole(room.id, owner, member.id, 'admin');
    await kit.invites.revoke(room.id, member, code);
    const stranger = await kit.makeUser();
    await expect(kit.invites.create(room.id, stranger, {})).rejects.toMatchObject({ status: 404, message: 'Room not found' });
    const { view } = await kit.direct.open(owner, stranger.id);
    await expect(kit.invites.create(view.room.id, owner, {})).rejects.toMatchObject({ status: 400 });
  });
});
