import type { EncryptedContent } from './e2ee';
import type { Attachment } from './files';

/** The longest message body, in characters (UTF-16 code units, as JavaScript counts `length`). */
export const MESSAGE_MAX_LENGTH = 8000;
/** `clientMsgId`: chosen by the client (a UUID is a good choice), unique per sender. */
export const CLIENT_MSG_ID_MAX_LENGTH = 64;
export const CLIENT_MSG_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const HISTORY_PAGE_DEFAULT = 50;
export const HISTORY_PAGE_MAX = 100;
/** The most messages `sync` returns per room in one answer; `hasMore` tells the client to ask again. */
export const SYNC_ROOM_LIMIT = 500;
/**
 * The most messages one `sync` answer holds, all rooms together. Rooms it had no room left for come back in
 * `pending`, to be asked again (with the same cursors); a room it cut short says `hasMore`.
 */
export const SYNC_ANSWER_MESSAGES_MAX = 1000;
/** …and at most this many characters of message bodies (but always at least one message). */
export const SYNC_ANSWER_TEXT_MAX = 1_000_000;
/** Rooms one `sync` may ask about. */
export const SYNC_ROOMS_MAX = 500;

/** `user`: written by someone. `system`: a line the server writes when the room changes ("Ada added Bob"). */
export const MessageKind = {
  User: 'user',
  System: 'system',
} as const;
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

/** What a system message records. */
export const RoomEventType = {
  /** `actor` added `user`. */
  MemberAdded: 'member_added',
  /** `actor` joined (a public room, an invite link, or an accepted invitation). */
  MemberJoined: 'member_joined',
  /** `actor` left. */
  MemberLeft: 'member_left',
  /** `actor` removed `user`. */
  MemberRemoved: 'member_removed',
  /** `actor` renamed the room to `name`. */
  RoomRenamed: 'room_renamed',
  /** `actor` changed the topic to `topic` (empty: cleared it). */
  TopicChanged: 'topic_changed',
  RoomArchived: 'room_archived',
  RoomUnarchived: 'room_unarchived',
  /** `actor` handed the room to `user`. */
  OwnerChanged: 'owner_changed',
  /** `actor` scheduled the calendar event `calendarEventId` (`name`: its title; empty in an encrypted room). */
  EventScheduled: 'event_scheduled',
} as const;
export type RoomEventType = (typeof RoomEventType)[keyof typeof RoomEventType];

/** A person in a system message, with their display name as it was at the time. */
export interface RoomEventUser {
  id: string;
  name: string;
}

export interface RoomEvent {
  type: RoomEventType;
  /** Who did it. */
  actor: RoomEventUser;
  /** Whom it concerns: the member added or removed, the new owner. */
  user?: RoomEventUser;
  /** The room's new name (renamed). */
  name?: string;
  /** The new topic (topic_changed). */
  topic?: string;
  /** The calendar event scheduled (event_scheduled); the web app shows its card, kept up to date. */
  calendarEventId?: string;
}

/**
 * A system message in words: "Ada added Bob", or from the viewer's side ("You added Bob", "Ada added you")
 * when `viewerId` is given.
 */
export function describeRoomEvent(event: RoomEvent, viewerId?: string): string {
  const who = (u: RoomEventUser | undefined, subject: boolean) => (u && u.id === viewerId ? (subject ? 'You' : 'you') : (u?.name ?? 'someone'));
  const actor = who(event.actor, true);
  const user = who(event.user, false);
  switch (event.type) {
    case RoomEventType.MemberAdded:
      return `${actor} added ${user}`;
    case RoomEventType.MemberJoined:
      return `${actor} joined`;
    case RoomEventType.MemberLeft:
      return `${actor} left`;
    case RoomEventType.MemberRemoved:
      return `${actor} removed ${user}`;
    case RoomEventType.RoomRenamed:
      return `${actor} renamed the room to “${event.name ?? ''}”`;
    case RoomEventType.TopicChanged:
      return event.topic ? `${actor} changed the topic to “${event.topic}”` : `${actor} cleared the topic`;
    case RoomEventType.RoomArchived:
      return `${actor} archived the room`;
    case RoomEventType.RoomUnarchived:
      return `${actor} unarchived the room`;
    case RoomEventType.OwnerChanged:
      return `${actor} made ${user} the owner`;
    case RoomEventType.EventScheduled:
      return event.name ? `${actor} scheduled “${event.name}”` : `${actor} scheduled an event`;
  }
}

/**
 * A message. `seq` goes up by one per room with no gaps; `rev` is the room's change revision at the
 * message's last change (creation, edit or deletion), so a client that remembers the highest `rev` it has
 * seen can ask for every change after it. A deleted message keeps its id and seq (a tombstone) with an
 * empty body and `deletedAt` set.
 */
export interface Message {
  id: string;
  roomId: string;
  seq: number;
  rev: number;
  senderId: string;
  body: string;
  clientMsgId: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  replyToId: string | null;
  kind: MessageKind;
  /** Set on system messages: what happened (their body is empty). */
  event: RoomEvent | null;
  /**
   * Files the message carries, in the order they were attached (empty for most messages; a message may be
   * files with no text). Emptied when the message is deleted: its files are deleted with it.
   */
  attachments: Attachment[];
  /**
   * Set in end-to-end encrypted rooms (null elsewhere, and on tombstones and system lines): the Megolm
   * ciphertext of the message's {@link EncryptedMessageContent}. The server stores an empty `body` and
   * attachments reduced to `{id, size}` (name `''`, mime `application/octet-stream`, no thumbnail): the
   * names, types and keys travel only inside the ciphertext, and the client that decrypts it computes the
   * preview with {@link contentPreview}. See docs/e2ee.md.
   */
  encrypted: EncryptedContent | null;
}

/** What a reader sees once a message is readable: its text and its files. */
export interface MessageContent {
  body: string;
  attachments: Attachment[];
}

export interface SendMessageRequest {
  /** The text (Markdown); may be empty when `attachmentIds` is not. Must be empty in an encrypted room. */
  body: string;
  /** Required in an end-to-end encrypted room (with an empty `body`), refused in any other. */
  encrypted?: EncryptedContent;
  clientMsgId: string;
  replyToId?: string;
  /**
   * Files uploaded into this room by the sender and not yet attached (at most `MESSAGE_ATTACHMENTS_MAX`).
   * Each may be attached once; a file still uploading, in another room or someone else's is refused.
   */
  attachmentIds?: string[];
}

export interface EditMessageRequest {
  /** Must be empty in an encrypted room. */
  body: string;
  /** Required in an end-to-end encrypted room (the new content, encrypted), refused in any other. */
  encrypted?: EncryptedContent;
}

export interface HistoryQuery {
  /** Messages with seq below this, newest first in the page but returned in ascending seq order. */
  before?: number;
  /** Messages with seq above this, in ascending order. */
  after?: number;
  /**
   * Messages around this seq: the message itself with up to `limit / 2` older and newer ones, in ascending
   * order (for opening a search result in context). Use alone, without `before` or `after`.
   */
  around?: number;
  limit?: number;
}

export interface MessagePage {
  items: Message[];
  /** True when older (for `before` or no cursor) or newer (for `after`) messages remain. */
  hasMore: boolean;
  /** With `around`: whether newer messages remain after the page (`hasMore` then says whether older ones do). */
  hasNewer?: boolean;
}

/** Read receipt state: who has read up to which seq. */
export interface ReadState {
  userId: string;
  lastReadSeq: number;
}
