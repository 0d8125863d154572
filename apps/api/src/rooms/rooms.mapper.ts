import {
  InvitedRoom,
  PublicRoom,
  RoomDetail,
  RoomInvitation,
  RoomInvite,
  RoomMember,
  RoomRole,
  RoomSummary,
  RoomUpdatedEvent,
} from '@parley/contracts';
import { toPublicUser } from '../users/users.mapper';
import { RoomInvitationEntity } from './room-invitation.entity';
import { RoomInviteEntity } from './room-invite.entity';
import { RoomMemberEntity } from './room-member.entity';
import { lastActivityAt, RoomView } from './room-summaries';
import { RoomEntity } from './room.entity';

export function toRoomSummary(v: RoomView): RoomSummary {
  const { room, member, peer } = v;
  return {
    id: room.id,
    kind: room.kind,
    name: room.kind === 'direct' ? (peer?.displayName ?? '') : room.name,
    topic: room.topic,
    slug: room.slug,
    myRole: member.role,
    memberCount: v.memberCount,
    lastSeq: room.lastSeq,
    lastRev: room.lastRev,
    lastReadSeq: member.lastReadSeq,
    unreadCount: v.unreadCount,
    lastMessage: v.lastMessage,
    lastActivityAt: lastActivityAt(room).toISOString(),
    archivedAt: room.archivedAt?.toISOString() ?? null,
    peer: peer ? toPublicUser(peer) : null,
    encrypted: room.encrypted,
    createdAt: room.createdAt.toISOString(),
  };
}

export function toRoomDetail(v: RoomView): RoomDetail {
  return { ...toRoomSummary(v), ownerId: v.room.ownerId };
}

export function toPublicRoom(room: RoomEntity, memberCount: number, joined: boolean): PublicRoom {
  return {
    id: room.id,
    name: room.name,
    topic: room.topic,
    slug: room.slug,
    memberCount,
    joined,
    lastActivityAt: lastActivityAt(room).toISOString(),
  };
}

/** A membership with its user loaded. */
export function toRoomMember(m: RoomMemberEntity): RoomMember {
  if (!m.user) throw new Error(`room member ${m.userId} mapped without its user`);
  return { user: toPublicUser(m.user), role: m.role, joinedAt: m.joinedAt.toISOString(), lastReadSeq: m.lastReadSeq };
}

/** A room as someone who is not a member (an invitee, a visitor with an invite link) may see it. */
export function toInvitedRoom(room: RoomEntity, memberCount: number): InvitedRoom {
  return { id: room.id, kind: room.kind, name: room.name, topic: room.topic, memberCount, encrypted: room.encrypted };
}

/** An invitation with its room, inviter and invitee loaded. */
export function toRoomInvitation(i: RoomInvitationEntity, memberCount: number): RoomInvitation {
  if (!i.room || !i.inviter || !i.invitee) throw new Error(`invitation ${i.id} mapped without its room and people`);
  return {
    id: i.id,
    room: toInvitedRoom(i.room, memberCount),
    inviter: toPublicUser(i.inviter),
    invitee: toPublicUser(i.invitee),
    createdAt: i.createdAt.toISOString(),
  };
}

/** The code exists only in the response that created the invite (the database keeps its hash). */
export function toRoomInvite(invite: RoomInviteEntity, code: string): RoomInvite {
  return {
    code,
    roomId: invite.roomId,
    expiresAt: invite.expiresAt.toISOString(),
    maxUses: invite.maxUses,
    uses: invite.uses,
    createdAt: invite.createdAt.toISOString(),
  };
}

export function toRoomUpdatedEvent(room: RoomEntity, memberCount: number, myRole?: RoomRole): RoomUpdatedEvent {
  return {
    roomId: room.id,
    name: room.name,
    topic: room.topic,
    archivedAt: room.archivedAt?.toISOString() ?? null,
    ownerId: room.ownerId,
    memberCount,
    ...(myRole ? { myRole } : {}),
  };
}
