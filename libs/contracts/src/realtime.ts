/**
 * The Socket.IO contract, used by the gateway and the web app alike. Connect to the API's origin at path
 * `/socket.io` with the session cookie (browsers) or `auth: { token }` (a personal access token or a session
 * token; never in the query string). Every client event takes an acknowledgement callback that receives
 * either the result or `{ error }`.
 */
import type { FriendAcceptedEvent, FriendRemovedEvent, FriendRequestEvent, FriendRequestRemovedEvent } from './friends';
import type { CalendarEventChange, CalendarNotice, CalendarOccurrenceChange, CalendarRsvpChange } from './calendar';
import type { EncryptedContent } from './e2ee';
import type { Message } from './messages';
import type { RoomInvitation, RoomMember, RoomRole, RoomSummary } from './rooms';
import type { PublicUser } from './users';

export const SOCKET_PATH = '/socket.io';
/** Frames larger than this are refused by the server (the connection is closed). */
export const SOCKET_MAX_FRAME_BYTES = 64 * 1024;
/** Typing indicators expire after this long without a fresh `typing` event. */
export const TYPING_TTL_MS = 5000;
/** Clients should send `typing` at most this often while the user keeps typing. */
export const TYPING_THROTTLE_MS = 2000;
/** Clients report `presence:activity` at most this often; the server marks a user away after AWAY_AFTER_MS. */
export const PRESENCE_ACTIVITY_THROTTLE_MS = 30_000;
export const AWAY_AFTER_MS = 5 * 60_000;

export const SocketErrorCode = {
  ValidationFailed: 'validation_failed',
  NotFound: 'not_found',
  Forbidden: 'forbidden',
  RateLimited: 'rate_limited',
  Conflict: 'conflict',
  Internal: 'internal_error',
  Unavailable: 'unavailable',
} as const;
export type SocketErrorCode = (typeof SocketErrorCode)[keyof typeof SocketErrorCode];

export interface SocketError {
  code: SocketErrorCode;
  message: string;
  /** With `rate_limited`: milliseconds until a retry may succeed. */
  retryAfterMs?: number;
  details?: { field: string; message: string }[];
}

/** Every acknowledgement is either a result or an error. */
export type Ack<T> = (response: T | { error: SocketError }) => void;

export const PresenceStatus = {
  Online: 'online',
  Away: 'away',
  Offline: 'offline',
} as const;
export type PresenceStatus = (typeof PresenceStatus)[keyof typeof PresenceStatus];

export interface Presence {
  userId: string;
  status: PresenceStatus;
  /** When the user's last socket closed (offline) — null while connected or never seen. */
  lastSeenAt: string | null;
}

// ---- client → server payloads ----
export interface SendPayload {
  roomId: string;
  clientMsgId: string;
  body: string;
  replyToId?: string;
  /** As in `SendMessageRequest`. */
  attachmentIds?: string[];
  /** As in `SendMessageRequest`: required in an encrypted room, refused elsewhere. */
  encrypted?: EncryptedContent;
}
export interface EditPayload {
  messageId: string;
  body: string;
  /** As in `EditMessageRequest`. */
  encrypted?: EncryptedContent;
}
export interface DeletePayload {
  messageId: string;
}
export interface ReadPayload {
  roomId: string;
  seq: number;
}
export interface TypingPayload {
  roomId: string;
}
export interface SyncPayload {
  /**
   * Per room: the highest seq the client holds (0 for none). Only the rooms listed are synced; rooms the user
   * is no longer in come back in `removed`. Load rooms you have never seen with GET /api/rooms/:id/messages.
   */
  since: Record<string, number>;
  /** Per room: the highest `rev` the client holds; with it, edits and deletions of older messages come too. */
  revs?: Record<string, number>;
}
/** The most users one `presence:query` may ask about. */
export const PRESENCE_QUERY_MAX = 100;
export interface PresenceQueryPayload {
  /** At most PRESENCE_QUERY_MAX ids. */
  userIds: string[];
}
export interface PresenceActivityPayload {
  /** `active` when the user interacts with the page, `idle` when the tab is hidden or untouched. */
  state: 'active' | 'idle';
}

// ---- server → client payloads ----
export interface SyncRoom {
  roomId: string;
  /** New messages, and (with `revs`) edited and deleted ones, in ascending seq order, each once. */
  messages: Message[];
  lastSeq: number;
  lastRev: number;
  /** More than SYNC_ROOM_LIMIT changes are waiting: ask again with the new cursors. */
  hasMore: boolean;
}
export interface SyncResult {
  rooms: SyncRoom[];
  /** Rooms in `since` the user is no longer a member of (or that never existed). */
  removed: string[];
  /**
   * Rooms in `since` this answer did not reach (it holds at most SYNC_ANSWER_MESSAGES_MAX messages): ask
   * again for them, with the cursors you sent. Rooms answered with `hasMore` continue from their new cursors.
   */
  pending: string[];
  /**
   * Rooms the user is a member of that are not in `since`: joined while this client was not listening (between
   * loading its room list and its socket connecting). Reload the room list. Only the first answer after a
   * connect means this: later rounds send only the rooms still catching up.
   */
  joined?: string[];
}
export interface TypingEvent {
  roomId: string;
  userId: string;
  /** Hide the indicator after this long unless a new one arrives. */
  expiresInMs: number;
}
export interface ReceiptEvent {
  roomId: string;
  userId: string;
  seq: number;
}
export interface MessageDeletedEvent {
  roomId: string;
  messageId: string;
  seq: number;
  rev: number;
  deletedAt: string;
}
export interface RoomLeftEvent {
  roomId: string;
  /** The member who left or was removed. When it is you, the room is gone from your list. */
  userId: string;
}
/** Shared room fields changed (name, topic, archive state, owner, member count). */
export interface RoomUpdatedEvent {
  roomId: string;
  name: string;
  topic: string;
  archivedAt: string | null;
  ownerId: string | null;
  memberCount: number;
  /** Present only in the copy sent to a member whose own role changed. */
  myRole?: RoomRole;
}
export interface MemberJoinedEvent {
  roomId: string;
  member: RoomMember;
}
export interface MemberRoleEvent {
  roomId: string;
  userId: string;
  role: RoomRole;
}

export interface ServerToClientEvents {
  'message:new': (message: Message) => void;
  'message:updated': (message: Message) => void;
  'message:deleted': (event: MessageDeletedEvent) => void;
  typing: (event: TypingEvent) => void;
  presence: (presence: Presence) => void;
  receipt: (event: ReceiptEvent) => void;
  /** You joined, were added to, or were invited into a room (sent to all of your sockets). */
  'room:joined': (event: { room: RoomSummary }) => void;
  /** Someone left or was removed (sent to the room and to that user). */
  'room:left': (event: RoomLeftEvent) => void;
  'room:updated': (event: RoomUpdatedEvent) => void;
  /** Someone joined a room you are in. */
  'member:joined': (event: MemberJoinedEvent) => void;
  /** A member's role changed (including a new owner). */
  'member:role': (event: MemberRoleEvent) => void;
  /** Sent just before the server closes the socket because the session ended. */
  'session:ended': (event: { reason: 'logout' | 'revoked' | 'password_changed' | 'deactivated' | 'expired' }) => void;
  /** You were invited into a room (sent to the invitee). */
  'invitation:new': (event: { invitation: RoomInvitation }) => void;
  /** An invitation to you is gone: accepted, declined or withdrawn (sent to the invitee). */
  'invitation:removed': (event: { invitationId: string; roomId: string }) => void;
  /** Someone you share a room with or are friends with changed their profile or picture. */
  'user:updated': (event: { user: PublicUser }) => void;
  /** A friend request was sent (to its recipient and to the sender's other devices). */
  'friend:request': (event: FriendRequestEvent) => void;
  /** A pending friend request is gone (withdrawn, declined or ended by a block), to both sides. */
  'friend:request-removed': (event: FriendRequestRemovedEvent) => void;
  /** A friend request was accepted (to both sides, each seeing the other as the friend). */
  'friend:accepted': (event: FriendAcceptedEvent) => void;
  /** A friendship ended (unfriend or block), to both sides. */
  'friend:removed': (event: FriendRemovedEvent) => void;
  /**
   * Live events may have been missed while this socket stayed connected (the processes' shared Redis was
   * unreachable and came back): run `sync` from your cursors, as after a reconnect.
   */
  'sync:needed': (event: { reason: 'redis_restored' }) => void;
  /**
   * Something waits for one of your devices (a to-device message, a device list or key change of someone
   * you share a room with): devices run `GET /api/e2ee/sync` from their token. Sent to all of the user's sockets.
   */
  'e2ee:sync': (event: { reason: 'to_device' | 'device_lists' }) => void;
  /** A calendar event was created in one of your rooms (sent to the room's members). */
  'calendar:created': (event: CalendarEventChange) => void;
  /** An event's fields, times or rule changed. */
  'calendar:updated': (event: CalendarEventChange) => void;
  /** An event was cancelled (every occurrence). */
  'calendar:cancelled': (event: CalendarEventChange) => void;
  /** One occurrence was moved, cancelled, or put back as the rule says. */
  'calendar:occurrence': (event: CalendarOccurrenceChange) => void;
  /** Someone answered (or took back their answer) for one occurrence. */
  'calendar:rsvp': (event: CalendarRsvpChange) => void;
  /** A reminder, "starting now" or cancellation notice for you (sent to your sockets only, once). */
  'calendar:notice': (notice: CalendarNotice) => void;
  /** You dismissed a notice on one of your devices: the others take it down too. */
  'calendar:notice-dismissed': (event: { id: string }) => void;
}

export interface ClientToServerEvents {
  'message:send': (payload: SendPayload, ack: Ack<{ message: Message }>) => void;
  'message:edit': (payload: EditPayload, ack: Ack<{ message: Message }>) => void;
  'message:delete': (payload: DeletePayload, ack: Ack<{ message: Message }>) => void;
  'room:read': (payload: ReadPayload, ack: Ack<{ roomId: string; lastReadSeq: number }>) => void;
  typing: (payload: TypingPayload, ack: Ack<{ ok: true }>) => void;
  sync: (payload: SyncPayload, ack: Ack<SyncResult>) => void;
  'presence:query': (payload: PresenceQueryPayload, ack: Ack<{ presence: Presence[] }>) => void;
  'presence:activity': (payload: PresenceActivityPayload, ack: Ack<{ ok: true }>) => void;
}
