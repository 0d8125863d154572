import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ROOM_INVITATIONS_PENDING_MAX, RoomInvitation } from '@parley/contracts';
import { In, Repository } from 'typeorm';
import { AppEvents } from '../events/app-events';
import { UserEntity } from '../users/user.entity';
import { errors } from '../common/errors';
import { roomNotFound } from './room-errors';
import { RoomInvitationEntity } from './room-invitation.entity';
import { RoomMemberEntity } from './room-member.entity';
import { RoomEntity } from './room.entity';
import { toRoomInvitation } from './rooms.mapper';

const invitationNotFound = () => errors.notFound('Invitation');

/**
 * Pending invitations of people into rooms: made when a member may not simply add someone (RoomAdmission),
 * listed for the invitee and for the room, and ended by accepting, declining, withdrawing or a block
 * between inviter and invitee. Joining on acceptance is RoomMembersService's.
 */
@Injectable()
export class RoomInvitationsService {
  constructor(
    @InjectRepository(RoomInvitationEntity) private readonly invitations: Repository<RoomInvitationEntity>,
    @InjectRepository(RoomMemberEntity) private readonly members: Repository<RoomMemberEntity>,
    private readonly events: AppEvents,
  ) {
    events.on('user.blocked', ({ blockerId, blockedId }) => this.endBetween(blockerId, blockedId));
  }

  /**
   * Invites people into the room (existing invitations stand: inviting twice is not an error) and tells
   * each invitee. Members are skipped. 429 past ROOM_INVITATIONS_PENDING_MAX pending from one inviter.
   */
  async invite(room: RoomEntity, inviter: UserEntity, userIds: string[]): Promise<RoomInvitation[]> {
    if (userIds.length === 0) return [];
    const pending = await this.invitations.countBy({ inviterId: inviter.id });
    if (pending + userIds.length > ROOM_INVITATIONS_PENDING_MAX) {
      throw errors.rateLimited(`You have ${pending} invitations waiting for an answer; at most ${ROOM_INVITATIONS_PENDING_MAX} may wait`);
    }
    const already = new Set((await this.members.find({ where: { roomId: room.id, userId: In(userIds) }, select: { userId: true } })).map((m) => m.userId));
    const wanted = userIds.filter((id) => !already.has(id));
    if (wanted.length === 0) return [];
    await this.invitations
      .createQueryBuilder()
      .insert()
      .into(RoomInvitationEntity)
      .values(wanted.map((inviteeId) => ({ roomId: room.id, inviterId: inviter.id, inviteeId })))
      .orIgnore()
      .execute();
    const out = await this.load({ roomId: room.id, inviteeId: In(wanted) });
    for (const invitation of out) await this.events.emit('invitation.created', { invitation });
    return out;
  }

  /** Invitations waiting for this user's answer, newest first. */
  listMine(userId: string): Promise<RoomInvitation[]> {
    return this.load({ inviteeId: userId });
  }

  /** Invitations into a room that are waiting for an answer (any member may see them). */
  async listForRoom(roomId: string, userId: string): Promise<RoomInvitation[]> {
    if (!(await this.members.existsBy({ roomId, userId }))) throw roomNotFound();
    return this.load({ roomId });
  }

  /** An invitation to `userId`, with its room; 404 for anyone else's (and for one that is gone). */
  async get(invitationId: string, userId: string): Promise<RoomInvitationEntity & { room: RoomEntity }> {
    const found = await this.invitations.findOne({ where: { id: invitationId, inviteeId: userId }, relations: { room: true } });
    if (!found?.room) throw invitationNotFound();
    return found as RoomInvitationEntity & { room: RoomEntity };
  }

  /** Ends an invitation (accepted, declined, withdrawn) and tells the invitee's other tabs. */
  async end(invitation: RoomInvitationEntity): Promise<void> {
    await this.invitations.delete({ id: invitation.id });
    await this.events.emit('invitation.ended', { invitationId: invitation.id, roomId: invitation.roomId, inviteeId: invitation.inviteeId });
  }

  /** Withdraws an invitation: its inviter, or the room's owner and admins. */
  async withdraw(roomId: string, invitationId: string, actor: UserEntity, isRoomAdmin: boolean): Promise<void> {
    const found = await this.invitations.findOneBy({ id: invitationId, roomId });
    if (!found) throw invitationNotFound();
    if (found.inviterId !== actor.id && !isRoomAdmin) throw errors.forbidden("Only the person who invited them or the room's owner and admins can withdraw an invitation");
    await this.end(found);
  }

  /** A block ends the invitations between the two, either way. */
  private async endBetween(a: string, b: string): Promise<void> {
    const rows = await this.invitations.find({
      where: [
        { inviterId: a, inviteeId: b },
        { inviterId: b, inviteeId: a },
      ],
    });
    for (const r of rows) await this.end(r);
  }

  private async load(where: Record<string, unknown>): Promise<RoomInvitation[]> {
    const rows = await this.invitations.find({ where, relations: { room: true, inviter: true, invitee: true }, order: { createdAt: 'DESC' } });
    if (rows.length === 0) return [];
    const roomIds = [...new Set(rows.map((r) => r.roomId))];
    const counts = await this.members
      .createQueryBuilder('m')
      .select('m.roomId', 'roomId')
      .addSelect('COUNT(*)', 'n')
      .where('m.roomId IN (:...roomIds)', { roomIds })
      .groupBy('m.roomId')
      .getRawMany<{ roomId: string; n: number | string }>();
    const count = new Map(counts.map((c) => [c.roomId, Number(c.n)]));
    return rows.map((r) => toRoomInvitation(r, count.get(r.roomId) ?? 0));
  }
}
