import { attachmentsPreview, describeRoomEvent, MESSAGE_PREVIEW_MAX_LENGTH, Message, MessageDeletedEvent, MessagePreview, PublicUser, RoomKind, RoomSummary } from '@parley/contracts';
import { BlockedIds, countsAsUnread } from './unread';

/** Most recent activity first; ties (rooms created together) by name so the order never jumps. */
export function compareRooms(a: RoomSummary, b: RoomSummary): number {
  const byTime = Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt);
  return byTime !== 0 ? byTime : a.name.localeCompare(b.name);
}

export interface MessageContext {
  /** The signed-in user. */
  me: string;
  senderName: string;
  plainText: (body: string) => string;
  /** The people I blocked: their text stays out of the preview and their messages out of the count. */
  blocked: BlockedIds;
  /** What the message looked like before this change, if known (to tell whether a deletion lowers the unread count). */
  previous?: Message;
}

/**
 * The room list's line for a message, as the server writes it: plain text cut to length, what the files are
 * when there are no words ("📷 Photo"), a system line in words ("Ada added you", from my side), nothing for a
 * deleted message, one from someone I blocked or one this client cannot read (end-to-end encrypted, reserved).
 */
export function previewOf(message: Message, ctx: Omit<MessageContext, 'previous'>): MessagePreview {
  const deleted = message.deletedAt !== null;
  const hidden = message.senderId !== ctx.me && ctx.blocked.has(message.senderId);
  const encrypted = message.encrypted !== null;
  const text =
    deleted || hidden || encrypted
      ? ''
      : message.event
        ? describeRoomEvent(message.event, ctx.me)
        : ctx.plainText(message.body) || attachmentsPreview(message.attachments);
  return {
    id: message.id,
    seq: message.seq,
    senderId: message.senderId,
    senderName: ctx.senderName,
    text: text.length > MESSAGE_PREVIEW_MAX_LENGTH ? `${text.slice(0, MESSAGE_PREVIEW_MAX_LENGTH - 1)}…` : text,
    deleted,
    hidden,
    attachmentCount: message.attachments.length,
    encrypted,
    kind: message.kind,
    createdAt: message.createdAt,
  };
}

function isUnreadFor(room: RoomSummary, message: Message, ctx: MessageContext): boolean {
  return message.seq > room.lastReadSeq && countsAsUnread(message, ctx.me, ctx.blocked);
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
      lastMessage: previewOf(message, ctx),
      lastActivityAt: message.createdAt > room.lastActivityAt ? message.createdAt : room.lastActivityAt,
      unreadCount: room.unreadCount + (isUnreadFor(room, message, ctx) ? 1 : 0),
    };
  }
  if (message.rev <= room.lastRev && room.lastMessage?.id !== message.id) return room;
  // A change to a message the list already counted.
  let unreadCount = room.unreadCount;
  const wasDeleted = ctx.previous ? ctx.previous.deletedAt !== null : room.lastMessage?.id === message.id ? room.lastMessage.deleted : null;
  if (deleted && wasDeleted === false && isUnreadFor(room, { ...message, deletedAt: null }, ctx)) unreadCount = Math.max(0, unreadCount - 1);
  const lastMessage =
    room.lastMessage?.id === message.id ? previewOf(message, { ...ctx, senderName: ctx.senderName || room.lastMessage.senderName }) : room.lastMessage;
  return { ...room, lastRev, lastMessage, unreadCount };
}

/**
 * A deletion of a message this client does not hold: only the preview (if it is that message), the cursor and,
 * if it was an unread message, the count change.
 */
export function applyDeletion(room: RoomSummary, event: MessageDeletedEvent, me: string, blocked: BlockedIds): RoomSummary {
  const last = room.lastMessage;
  const isLast = last?.id === event.messageId;
  const wasUnread = isLast && !last.deleted && event.seq > room.lastReadSeq && countsAsUnread({ ...last, deletedAt: null }, me, blocked);
  return {
    ...room,
    lastMessage: isLast ? { ...last, text: '', deleted: true } : last,
    lastRev: Math.max(room.lastRev, event.rev),
    unreadCount: Math.max(0, room.unreadCount - (wasUnread ? 1 : 0)),
  };
}

/**
 * My own read position moved (here or on another device). With the messages at hand the unread count is
 * recounted (all of them held up to the end) or lowered by the unread messages read now (those held); without
 * them it is only known to be zero when everything is read.
 */
export function applyMyRead(room: RoomSummary, seq: number, me: string, held: readonly Message[] | null, blocked: BlockedIds): RoomSummary {
  if (seq <= room.lastReadSeq) return room;
  const unread = (m: Message) => countsAsUnread(m, me, blocked);
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

/**
 * Someone's new profile (`user:updated`) in a room of the list: a direct room is named after its peer and shows
 * their picture; the preview of their last message carries their name.
 */
export function applyProfile(room: RoomSummary, user: PublicUser): RoomSummary {
  const peer = room.peer?.id === user.id;
  const sender = room.lastMessage?.senderId === user.id && room.lastMessage.senderName !== user.displayName;
  if (!peer && !sender) return room;
  return {
    ...room,
    ...(peer ? { peer: user, name: room.kind === RoomKind.Direct ? user.displayName : room.name } : {}),
    lastMessage: sender && room.lastMessage ? { ...room.lastMessage, senderName: user.displayName } : room.lastMessage,
  };
}
