import { describeRoomEvent, MESSAGE_PREVIEW_MAX_LENGTH, Message, MessagePreview, RoomSummary } from '@parley/contracts';

/** Most recent activity first; ties (rooms created together) by name so the order never jumps. */
export function compareRooms(a: RoomSummary, b: RoomSummary): number {
  const byTime = Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt);
  return byTime !== 0 ? byTime : a.name.localeCompare(b.name);
}

export function previewOf(message: Message, senderName: string, plainText: (body: string) => string): MessagePreview {
  const deleted = message.deletedAt !== null;
  const text = deleted ? '' : message.event ? describeRoomEvent(message.event) : plainText(message.body);
  return {
    id: message.id,
    seq: message.seq,
    senderId: message.senderId,
    senderName,
    text: text.length > MESSAGE_PREVIEW_MAX_LENGTH ? `${text.slice(0, MESSAGE_PREVIEW_MAX_LENGTH - 1)}…` : text,
    deleted,
    hidden: false,
    kind: message.kind,
    createdAt: message.createdAt,
  };
}

export interface MessageContext {
  /** The signed-in user. */
  me: string;
  senderName: string;
  plainText: (body: string) => string;
  /** What the message looked like before this change, if known (to tell whether a deletion lowers the unread count). */
  previous?: Message;
}

function isUnreadFor(room: RoomSummary, message: Message, me: string): boolean {
  return message.senderId !== me && message.seq > room.lastReadSeq;
}

/**
 * A message (new, edited or deleted) as the room list sees it: the preview, the ordering time, the cursors
 * and the unread count. Idempotent: applying the same message twice changes nothing the second time.
 */
export function applyMessage(room: RoomSummary, message: Message, ctx: MessageContext): RoomSummary {
  const deleted = message.deletedAt !== null;
  const lastRev = Math.max(room.lastRev, message.rev);
  if (message.seq > room.lastSeq) {
    // New to the list (however it arrived: an event, a sync, a send).
    return {
      ...room,
      lastSeq: message.seq,
      lastRev,
      lastMessage: previewOf(message, ctx.senderName, ctx.plainText),
      lastActivityAt: message.createdAt > room.lastActivityAt ? message.createdAt : room.lastActivityAt,
      unreadCount: room.unreadCount + (isUnreadFor(room, message, ctx.me) && !deleted ? 1 : 0),
    };
  }
  if (message.rev <= room.lastRev && room.lastMessage?.id !== message.id) return room;
  // A change to a message the list already counted.
  let unreadCount = room.unreadCount;
  const wasDeleted = ctx.previous ? ctx.previous.deletedAt !== null : room.lastMessage?.id === message.id ? room.lastMessage.deleted : null;
  if (deleted && wasDeleted === false && isUnreadFor(room, message, ctx.me)) unreadCount = Math.max(0, unreadCount - 1);
  const lastMessage =
    room.lastMessage?.id === message.id ? previewOf(message, ctx.senderName || room.lastMessage.senderName, ctx.plainText) : room.lastMessage;
  return { ...room, lastRev, lastMessage, unreadCount };
}

/**
 * My own read position moved (here or on another device). With the messages at hand the unread count is
 * recounted (all of them held up to the end) or lowered by the unread messages read now (those held); without
 * them it is only known to be zero when everything is read.
 */
export function applyMyRead(room: RoomSummary, seq: number, me: string, held: readonly Message[] | null): RoomSummary {
  if (seq <= room.lastReadSeq) return room;
  const unread = (m: Message) => m.senderId !== me && m.deletedAt === null;
  const first = held?.[0]?.seq ?? Infinity;
  const last = held?.at(-1)?.seq ?? 0;
  let unreadCount: number;
  if (seq >= room.lastSeq) unreadCount = 0;
  else if (held && first <= seq + 1 && last >= room.lastSeq) {
    unreadCount = held.filter((m) => m.seq > seq && unread(m)).length;
  } else if (held && first <= room.lastReadSeq + 1 && last >= seq) {
    const readNow = held.filter((m) => m.seq > room.lastReadSeq && m.seq <= seq && unread(m)).length;
    unreadCount = Math.max(0, room.unreadCount - readNow);
  } else unreadCount = room.unreadCount;
  return { ...room, lastReadSeq: seq, unreadCount };
}
