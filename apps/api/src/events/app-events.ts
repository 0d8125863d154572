import { Global, Injectable, Logger, Module } from '@nestjs/common';
import type { CalendarEvent, CalendarException, CalendarNotice, Friend, FriendRequest, Message, Presence, RoomEvent, RoomInvitation, RoomRole, RsvpStatus } from '@parley/contracts';

export type SessionEndReason = 'logout' | 'revoked' | 'password_changed' | 'deactivated' | 'expired';

/**
 * Domain events: what one module raises after its change has committed, and others (the delivery layer in
 * `realtime/`, the timeline's system messages, …) react to without the raiser knowing them. Payloads carry
 * ids and committed data (contract DTOs where the wire has one), never sockets or Socket.IO rooms.
 */
export interface AppEventMap {
  // Accounts and sessions.
  /** A new account exists (rooms puts it in `general`). */
  'user.registered': { userId: string };
  /** A user was deactivated by an admin: everything live of theirs ends. */
  'user.deactivated': { userId: string };
  /** Profile fields others see changed (display name, status, avatar). */
  'user.updated': { userId: string };
  /**
   * Sessions ended. `sessionIds` lists them; when absent, every session of the user ended except
   * `exceptSessionId`. Live sockets opened with those sessions must close.
   */
  'auth.sessions-ended': { userId: string; sessionIds?: string[]; exceptSessionId?: string; reason: SessionEndReason };
  /** A personal access token was revoked: sockets opened with it must close. */
  'auth.token-revoked': { userId: string; tokenId: string };

  // Messages.
  /** A message was stored (a person's, or a system line); raised once, never for a resend of the same clientMsgId. */
  'message.created': { message: Message };
  /** A message's body was replaced (it took the room's next rev). */
  'message.edited': { message: Message };
  /** A message became a tombstone (empty body, deletedAt; the room's next rev). */
  'message.deleted': { message: Message };
  /**
   * A member's read marker moved forward to `seq`. `receipt` says whether the room's other members may be
   * told (not across a block in a direct room).
   */
  'message.read': { roomId: string; userId: string; seq: number; receipt: boolean };

  // Files.
  /**
   * A file was deleted (by its uploader, a room admin or an app admin; its bytes are gone). When a message
   * carried it (`messageId`), the messages module takes it off the message, which is then edited (or, with no
   * words and no files left, deleted).
   */
  'file.deleted': { fileId: string; roomId: string; messageId: string | null };

  // Rooms and memberships.
  /** A room was created with these first members (a direct room: both people). */
  'room.created': { roomId: string; members: RoomMemberRole[] };
  /** Someone became a member (joined, was added, accepted an invitation, a new account in `general`). */
  'room.member-joined': { roomId: string; userId: string };
  /** Someone stopped being a member (left or was removed); the room may have been archived with it. */
  'room.member-left': { roomId: string; userId: string };
  /** Members' roles changed (a new admin, a new owner and the old one now an admin). */
  'room.roles-changed': { roomId: string; changes: RoomMemberRole[] };
  /** The room's own fields changed: name, topic, archive state or owner. */
  'room.updated': { roomId: string };
  /** Something happened in a group or public room that its timeline records (messages writes the line). */
  'room.changed': { roomId: string; event: RoomEvent };
  /** Someone was invited into a room. */
  'invitation.created': { invitation: RoomInvitation };
  /** An invitation ended: accepted, declined, withdrawn or ended by a block. */
  'invitation.ended': { invitationId: string; roomId: string; inviteeId: string };

  // Friends and blocks.
  /** A friend request was sent. */
  'friend.requested': { request: FriendRequest };
  /** A pending friend request is gone (withdrawn, declined or ended by a block); the two people it was between. */
  'friend.request-removed': { requestId: string; userIds: [string, string] };
  /** Two people became friends; each sees the other as `friend`. */
  'friend.accepted': { requestId: string; sides: [FriendSide, FriendSide] };
  /** A friendship ended (unfriend or block). */
  'friend.removed': { userIds: [string, string] };
  /** `blockerId` blocked `blockedId` (pending invitations between them end). */
  'user.blocked': { blockerId: string; blockedId: string };

  // End-to-end encryption.
  /** To-device messages were stored for devices of these users: their devices should sync. */
  'e2ee.inbox': { userIds: string[] };
  /** A user's devices or cross-signing keys changed: whoever shares a room with them should sync. */
  'e2ee.devices-changed': { userId: string };

  // The room calendar.
  /** An event was created in a room. */
  'calendar.event-created': { event: CalendarEvent };
  /** An event's text, times or rule changed. */
  'calendar.event-updated': { event: CalendarEvent };
  /** An event was cancelled (all its occurrences). */
  'calendar.event-cancelled': { event: CalendarEvent };
  /** One occurrence was moved or cancelled (`exception`), or put back as the rule says (null). */
  'calendar.occurrence-changed': { roomId: string; eventId: string; occurrence: string; exception: CalendarException | null };
  /** A member answered for one occurrence, or took the answer back (null). */
  /** Reminders, "starting now" and cancellation notices, each written once (for the person in `userId`). */
  'calendar.notices': { notices: (CalendarNotice & { userId: string })[] };
  /** A person dismissed one of their notices. */
  'calendar.notice-dismissed': { userId: string; id: string };
  'calendar.rsvp-changed': { roomId: string; eventId: string; occurrence: string; userId: string; name: string; status: RsvpStatus | null };

  // Presence.
  /** A user's presence changed (online, away, or offline with last seen), decided once across processes. */
  'presence.changed': { presence: Presence };
}

/** A member and their role in a room. */
export interface RoomMemberRole {
  userId: string;
  role: RoomRole;
}

/** One side of a new friendship: the user, and the friend as that user sees them. */
export interface FriendSide {
  userId: string;
  friend: Friend;
}

type Handler<K extends keyof AppEventMap> = (payload: AppEventMap[K]) => unknown;

/**
 * A small in-process event bus. `emit` runs the handlers one after another and waits for them, so a
 * request that raises an event answers after its effects (a new account is already in `general` when the
 * register call returns). A failing handler is logged and does not fail the others or the caller.
 */
@Injectable()
export class AppEvents {
  private readonly logger = new Logger(AppEvents.name);
  private readonly handlers = new Map<keyof AppEventMap, Handler<never>[]>();

  on<K extends keyof AppEventMap>(event: K, handler: Handler<K>): void {
    const list = this.handlers.get(event) ?? [];
    list.push(handler as Handler<never>);
    this.handlers.set(event, list);
  }

  async emit<K extends keyof AppEventMap>(event: K, payload: AppEventMap[K]): Promise<void> {
    for (const handler of this.handlers.get(event) ?? []) {
      try {
        await (handler as Handler<K>)(payload);
      } catch (err) {
        this.logger.error(`Handler for ${event} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }
  }
}

@Global()
@Module({ providers: [AppEvents], exports: [AppEvents] })
export class EventsModule {}
