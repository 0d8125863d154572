import { Injectable } from '@nestjs/common';
import { RoomKind, RoomSummary } from '@parley/contracts';
import { AppEvents, RoomMemberRole } from '../../events/app-events';
import { RoomsService } from '../../rooms/rooms.service';
import { RealtimeService } from '../realtime.service';

/**
 * Membership and room changes to live sockets. The rooms module raises its events after the change is
 * committed and awaits them before it answers, so a client that gets the HTTP response already has (or is
 * about to get) these events, and a new member's sockets are in the room before they get `room:joined`.
 */
@Injectable()
export class RoomDeliveries {
  constructor(
    private readonly realtime: RealtimeService,
    private readonly rooms: RoomsService,
    events: AppEvents,
  ) {
    events.on('room.created', ({ roomId, members }) => this.roomCreated(roomId, members));
    events.on('room.member-joined', ({ roomId, userId }) => this.memberJoined(roomId, userId));
    events.on('room.member-left', ({ roomId, userId }) => this.memberLeft(roomId, userId));
    events.on('room.roles-changed', ({ roomId, changes }) => this.rolesChanged(roomId, changes));
    events.on('room.updated', ({ roomId }) => this.roomUpdated(roomId));
    events.on('invitation.created', ({ invitation }) => this.realtime.toUser(invitation.invitee.id, 'invitation:new', { invitation }));
    events.on('invitation.ended', ({ invitationId, roomId, inviteeId }) => this.realtime.toUser(inviteeId, 'invitation:removed', { invitationId, roomId }));
  }

  /**
   * A new room: each first member's sockets are subscribed and get the room as they see it. In a new group
   * or public room the views differ only in the role, so one is built and copied.
   */
  private async roomCreated(roomId: string, members: RoomMemberRole[]): Promise<void> {
    let first: RoomSummary | null = null;
    for (const { userId, role } of members) {
      await this.realtime.addUserToRoom(userId, roomId);
      const summary = await this.summaryOf(first, roomId, userId, role);
      first ??= summary;
      if (summary) this.realtime.toUser(userId, 'room:joined', { room: summary });
    }
  }

  /** `first` copied with this member's role when only the role differs (a new group or public room); else built. */
  private summaryOf(first: RoomSummary | null, roomId: string, userId: string, role: RoomMemberRole['role']): Promise<RoomSummary | null> | RoomSummary {
    if (first && first.kind !== RoomKind.Direct) return { ...first, myRole: role };
    return this.rooms.findSummary(roomId, userId);
  }

  /** Someone joined or was added: the others hear of them, they get the room, everyone the new count. */
  private async memberJoined(roomId: string, userId: string): Promise<void> {
    const member = await this.rooms.findMember(roomId, userId);
    if (!member) return;
    this.realtime.toRoom(roomId, 'member:joined', { roomId, member });
    await this.realtime.addUserToRoom(userId, roomId);
    const summary = await this.rooms.findSummary(roomId, userId);
    if (summary) this.realtime.toUser(userId, 'room:joined', { room: summary });
    await this.roomUpdated(roomId);
  }

  /** Someone left or was removed: the room hears it while they are still subscribed, then they are unsubscribed. */
  private async memberLeft(roomId: string, userId: string): Promise<void> {
    const event = { roomId, userId };
    this.realtime.toRoom(roomId, 'room:left', event);
    await this.realtime.removeUserFromRoom(userId, roomId);
    this.realtime.toUser(userId, 'room:left', event);
    await this.roomUpdated(roomId);
  }

  /** Name, topic, archive state, owner or member count changed. */
  private async roomUpdated(roomId: string): Promise<void> {
    const update = await this.rooms.updatedEvent(roomId);
    if (update) this.realtime.toRoom(roomId, 'room:updated', update);
  }

  /** Members whose role changed: the room hears it, and they get a copy of the room with their new role. */
  private async rolesChanged(roomId: string, changes: RoomMemberRole[]): Promise<void> {
    const update = await this.rooms.updatedEvent(roomId);
    for (const { userId, role } of changes) {
      this.realtime.toRoom(roomId, 'member:role', { roomId, userId, role });
      if (update) this.realtime.toUser(userId, 'room:updated', { ...update, myRole: role });
    }
  }
}
