import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { GENERAL_ROOM_SLUG, RoomInvitation, RoomKind, RoomRole } from '@parley/contracts';
import { Not, Repository } from 'typeorm';
import { AppEvents } from '../events/app-events';
import { UserEntity } from '../users/user.entity';
import { errors } from '../common/errors';
import { memberNotFound, roomArchived, roomNotFound, userNotFound } from './room-errors';
import { RoomMemberEntity } from './room-member.entity';
import { RoomView } from './room-summaries';
import { RoomEntity } from './room.entity';
import { RoomsService } from './rooms.service';
import { RoomAdmission } from './room-admission';
import { RoomHistory } from './room-history';
import { RoomInvitationsService } from './room-invitations.service';

export type AddMemberOutcome =
  | { outcome: 'added' | 'already_member'; member: RoomMemberEntity }
  | { outcome: 'invited'; invitation: RoomInvitation };


/**
 * Who is in a room and with which role: joining, leaving, adding and removing members, roles and ownership.
 * Every change is committed first, then announced to live clients, then answered.
 */
@Injectable()
export class RoomMembersService {
  constructor(
    @InjectRepository(RoomEntity) private readonly rooms: Repository<RoomEntity>,
    @InjectRepository(RoomMemberEntity) private readonly members: Repository<RoomMemberEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly roomsService: RoomsService,
    private readonly events: AppEvents,
    private readonly history: RoomHistory,
    private readonly admission: RoomAdmission,
    private readonly invitations: RoomInvitationsService,
  ) {}

  /**
   * Makes the user a member (role `member` unless given) and announces it. Returns false, and announces
   * nothing, when they already were one. Concurrent calls insert once.
   */
  async admit(room: RoomEntity, userId: string, role: RoomRole = RoomRole.Member): Promise<boolean> {
    if (await this.members.existsBy({ roomId: room.id, userId })) return false;
    await this.members.createQueryBuilder().insert().into(RoomMemberEntity).values({ roomId: room.id, userId, role }).orIgnore().execute();
    await this.events.emit('room.member-joined', { roomId: room.id, userId });
    return true;
  }

  /** Joins a public room; a member (of any room) just gets the room back. */
  async join(roomId: string, user: UserEntity): Promise<RoomView> {
    if (await this.roomsService.membership(roomId, user.id)) return this.roomsService.viewFor(roomId, user.id);
    const room = await this.rooms.findOneBy({ id: roomId });
    if (!room || room.kind !== RoomKind.Public) throw roomNotFound();
    if (room.archivedAt) throw roomArchived();
    if (await this.admit(room, user.id)) await this.history.joined(room, user.id);
    return this.roomsService.viewFor(roomId, user.id);
  }

  /**
   * Leaves a room. Direct rooms and `general` cannot be left; the owner hands over first unless they are the
   * last member, in which case the room is left empty and archived.
   */
  async leave(roomId: string, user: UserEntity): Promise<void> {
    const { room, member } = await this.roomsService.requireMembership(roomId, user.id);
    this.assertCanLose(room, 'leave');
    if (member.role === RoomRole.Owner && (await this.members.existsBy({ roomId, userId: Not(user.id) }))) {
      throw errors.conflict('Hand ownership to another member before leaving (POST /api/rooms/{id}/transfer)');
    }
    await this.drop(room, user.id);
    await this.history.left(room, user.id);
  }

  /**
   * Brings an active user into a group or public room (owner or admins): adds them when the rules allow
   * (RoomAdmission), or invites them, and says which. A block either way is a 403.
   */
  async add(roomId: string, actor: UserEntity, userId: string): Promise<AddMemberOutcome> {
    const found = await this.roomsService.requireMembership(roomId, actor.id);
    const { room } = found;
    if (room.kind === RoomKind.Direct) throw errors.badRequest('Direct rooms always have exactly two members');
    this.roomsService.assertRoomAdmin(found, actor);
    if (room.archivedAt) throw roomArchived();
    const target = await this.users.findOneBy({ id: userId });
    if (!target) throw userNotFound();
    if (!target.active) throw errors.badRequest('That account is deactivated');
    if (await this.members.existsBy({ roomId, userId })) return { outcome: 'already_member', member: await this.memberWithUser(roomId, userId) };
    const { invite } = await this.admission.decide(actor.id, [userId]);
    if (invite.length) {
      const [invitation] = await this.invitations.invite(room, actor, invite);
      return { outcome: 'invited', invitation: invitation! };
    }
    if (await this.admit(room, userId)) await this.history.added(room, actor, userId);
    return { outcome: 'added', member: await this.memberWithUser(roomId, userId) };
  }

  /** Accepts an invitation: the invitee joins (409 if the room was archived meanwhile; the invitation stays). */
  async acceptInvitation(invitationId: string, user: UserEntity): Promise<RoomView> {
    const invitation = await this.invitations.get(invitationId, user.id);
    if (invitation.room.archivedAt) throw roomArchived();
    await this.invitations.end(invitation);
    if (await this.admit(invitation.room, user.id)) await this.history.joined(invitation.room, user.id);
    return this.roomsService.viewFor(invitation.roomId, user.id);
  }

  async declineInvitation(invitationId: string, user: UserEntity): Promise<void> {
    await this.invitations.end(await this.invitations.get(invitationId, user.id));
  }

  /** Withdraws an invitation into the room: its inviter, or the room's owner and admins. */
  async withdrawInvitation(roomId: string, actor: UserEntity, invitationId: string): Promise<void> {
    const found = await this.roomsService.requireMembership(roomId, actor.id);
    await this.invitations.withdraw(roomId, invitationId, actor, this.roomsService.isRoomAdmin(found.room, found.member, actor));
  }

  /**
   * Removes a member (owner or admins). Admins cannot remove the owner or other admins. Removing yourself
   * is leaving.
   */
  async remove(roomId: string, actor: UserEntity, userId: string): Promise<void> {
    if (userId === actor.id) return this.leave(roomId, actor);
    const found = await this.roomsService.requireMembership(roomId, actor.id);
    const { room, member } = found;
    this.assertCanLose(room, 'remove');
    this.roomsService.assertRoomAdmin(found, actor);
    const target = await this.members.findOneBy({ roomId, userId });
    if (!target) throw memberNotFound();
    if (target.role === RoomRole.Owner) throw errors.forbidden('The owner cannot be removed; they can hand over ownership and leave');
    if (target.role === RoomRole.Admin && member.role !== RoomRole.Owner) throw errors.forbidden('Only the owner can remove an admin');
    await this.drop(room, userId);
    await this.history.removed(room, actor, userId);
  }

  /** Makes a member an admin or a plain member again (the owner only). */
  async changeRole(roomId: string, actor: UserEntity, userId: string, role: 'admin' | 'member'): Promise<RoomMemberEntity> {
    const found = await this.roomsService.requireMembership(roomId, actor.id);
    this.roomsService.assertOwner(found, 'change roles');
    if (userId === actor.id) throw errors.badRequest('To stop being the owner, hand over ownership (POST /api/rooms/{id}/transfer)');
    const target = await this.members.findOneBy({ roomId, userId });
    if (!target) throw memberNotFound();
    if (target.role !== role) {
      await this.members.update({ roomId, userId }, { role });
      await this.events.emit('room.roles-changed', { roomId, changes: [{ userId, role }] });
    }
    return this.memberWithUser(roomId, userId);
  }

  /** Hands the room to another member; the old owner stays on as an admin. */
  async transferOwnership(roomId: string, actor: UserEntity, userId: string): Promise<RoomView> {
    const found = await this.roomsService.requireMembership(roomId, actor.id);
    const { room } = found;
    this.roomsService.assertOwner(found, 'hand over ownership');
    if (userId === actor.id) throw errors.badRequest('You already own this room');
    const target = await this.members.findOne({ where: { roomId, userId }, relations: { user: true } });
    if (!target) throw memberNotFound();
    if (!target.user?.active) throw errors.badRequest('That account is deactivated');
    await this.rooms.manager.transaction(async (em) => {
      await em.update(RoomMemberEntity, { roomId, userId }, { role: RoomRole.Owner });
      await em.update(RoomMemberEntity, { roomId, userId: actor.id }, { role: RoomRole.Admin });
      await em.update(RoomEntity, { id: roomId }, { ownerId: userId });
    });
    room.ownerId = userId;
    await this.events.emit('room.roles-changed', {
      roomId,
      changes: [
        { userId, role: RoomRole.Owner },
        { userId: actor.id, role: RoomRole.Admin },
      ],
    });
    await this.events.emit('room.updated', { roomId });
    await this.history.ownerChanged(room, actor, userId);
    return this.roomsService.viewFor(roomId, actor.id);
  }

  /** Direct rooms keep their two members and everyone stays in `general`. */
  private assertCanLose(room: RoomEntity, action: 'leave' | 'remove'): void {
    if (room.kind === RoomKind.Direct) {
      throw errors.badRequest(action === 'leave' ? 'Direct conversations cannot be left' : 'Direct rooms always have exactly two members');
    }
    if (room.slug === GENERAL_ROOM_SLUG) {
      throw errors.badRequest(
        action === 'leave' ? 'Everyone stays in #general: it cannot be left' : 'Everyone is a member of #general; deactivate the account instead',
      );
    }
  }

  /** Ends a membership; a room left with nobody in it is archived and loses its owner. */
  private async drop(room: RoomEntity, userId: string): Promise<void> {
    await this.rooms.manager.transaction(async (em) => {
      await em.delete(RoomMemberEntity, { roomId: room.id, userId });
      if ((await em.countBy(RoomMemberEntity, { roomId: room.id })) === 0) {
        room.ownerId = null;
        room.archivedAt ??= new Date();
        await em.update(RoomEntity, { id: room.id }, { ownerId: null, archivedAt: room.archivedAt });
      } else if (room.ownerId === userId) {
        room.ownerId = null;
        await em.update(RoomEntity, { id: room.id }, { ownerId: null });
      }
    });
    await this.events.emit('room.member-left', { roomId: room.id, userId });
  }

  private async memberWithUser(roomId: string, userId: string): Promise<RoomMemberEntity> {
    return this.members.findOneOrFail({ where: { roomId, userId }, relations: { user: true } });
  }
}
