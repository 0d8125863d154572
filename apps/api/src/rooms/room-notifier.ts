import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { RoomInvitation, RoomKind, RoomRole, RoomSummary } from '@parley/contracts';
import { Repository } from 'typeorm';
import { RealtimeService } from '../realtime/realtime.service';
import { RoomMemberEntity } from './room-member.entity';
import { RoomSummaryQueries } from './room-summaries';
import { RoomEntity } from './room.entity';
import { toRoomMember, toRoomSummary, toRoomUpdatedEvent } from './rooms.mapper';

const withRole = (summary: RoomSummary, myRole: RoomRole): RoomSummary => ({ ...summary, myRole });

/**
 * Tells live clients about membership and room changes. Services call it after the change is committed and
 * before they answer, so a client that gets the HTTP response already has (or is about to get) the events.
 */
@Injectable()
export class RoomNotifier {
  constructor(
    private readonly realtime: RealtimeService,
    private readonly summaries: RoomSummaryQueries,
    @InjectRepository(RoomMemberEntity) private readonly members: Repository<RoomMemberEntity>,
  ) {}

  /**
   * A new room: each first member's sockets are subscribed and get the room as they see it. In a new group
   * or public room the views differ only in the role, so one is built and copied.
   */
  async roomCreated(room: RoomEntity, members: { userId: string; role: RoomRole }[]): Promise<void> {
    let first: RoomSummary | null = null;
    for (const { userId, role } of members) {
      await this.realtime.addUserToRoom(userId, room.id);
      const summary: RoomSummary | null = first !== null && room.kind !== RoomKind.Direct ? withRole(first, role) : await this.summaryFor(room.id, userId);
      first ??= summary;
      if (summary) this.realtime.toUser(userId, 'room:joined', { room: summary });
    }
  }

  /** Someone joined or was added: the others hear of them, they get the room, everyone the new count. */
  async memberJoined(room: RoomEntity, userId: string): Promise<void> {
    const member = await this.members.findOne({ where: { roomId: room.id, userId }, relations: { user: true } });
    if (!member) return;
    this.realtime.toRoom(room.id, 'member:joined', { roomId: room.id, member: toRoomMember(member) });
    await this.realtime.addUserToRoom(userId, room.id);
    const summary = await this.summaryFor(room.id, userId);
    if (summary) this.realtime.toUser(userId, 'room:joined', { room: summary });
    await this.roomUpdated(room);
  }

  /** Someone left or was removed: the room hears it while they are still subscribed, then they are unsubscribed. */
  async memberLeft(room: RoomEntity, userId: string): Promise<void> {
    const event = { roomId: room.id, userId };
    this.realtime.toRoom(room.id, 'room:left', event);
    await this.realtime.removeUserFromRoom(userId, room.id);
    this.realtime.toUser(userId, 'room:left', event);
    await this.roomUpdated(room);
  }

  /** Name, topic, archive state, owner or member count changed. */
  async roomUpdated(room: RoomEntity): Promise<void> {
    const count = await this.members.countBy({ roomId: room.id });
    this.realtime.toRoom(room.id, 'room:updated', toRoomUpdatedEvent(room, count));
  }

  /** Members whose role changed hear it in the room and get a copy of the room with their new role. */
  async rolesChanged(room: RoomEntity, changes: { userId: string; role: RoomRole }[]): Promise<void> {
    const count = await this.members.countBy({ roomId: room.id });
    for (const { userId, role } of changes) {
      this.realtime.toRoom(room.id, 'member:role', { roomId: room.id, userId, role });
      this.realtime.toUser(userId, 'room:updated', toRoomUpdatedEvent(room, count, role));
    }
  }

  /** A new invitation reaches the invitee's sockets. */
  invited(invitation: RoomInvitation): void {
    this.realtime.toUser(invitation.invitee.id, 'invitation:new', { invitation });
  }

  /** An invitation was accepted, declined or withdrawn: the invitee's other tabs drop it. */
  invitationEnded(invitation: { id: string; roomId: string; inviteeId: string }): void {
    this.realtime.toUser(invitation.inviteeId, 'invitation:removed', { invitationId: invitation.id, roomId: invitation.roomId });
  }

  private async summaryFor(roomId: string, userId: string): Promise<RoomSummary | null> {
    const [view] = await this.summaries.viewsFor(userId, roomId);
    return view ? toRoomSummary(view) : null;
  }
}
