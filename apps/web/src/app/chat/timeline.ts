import { MessageKind } from '@parley/contracts';
import { ChatMessage } from './chat-message';
import { BlockedIds, NO_ONE_BLOCKED, countsAsUnread } from './unread';

/** Consecutive messages of one sender closer than this share one name and avatar. */
export const GROUP_WINDOW_MS = 5 * 60_000;

export interface DayRow {
  kind: 'day';
  key: string;
  label: string;
}

export interface MessageRow {
  kind: 'message';
  key: string;
  message: ChatMessage;
  mine: boolean;
  /** First of a group: shows the sender's name and avatar. */
  first: boolean;
  /** Last of a group: the bubble gets its tail and the avatar sits here. */
  last: boolean;
}

/** The "New messages" line above the first message that was unread when the room was opened. */
export interface UnreadRow {
  kind: 'unread';
  key: 'unread';
}

/** A system message: a quiet line across the conversation ("Ada added Bob"), never part of a group. */
export interface SystemRow {
  kind: 'system';
  key: string;
  message: ChatMessage;
}

export type TimelineRow = DayRow | UnreadRow | MessageRow | SystemRow;

export interface TimelineOptions {
  now?: Date;
  /** False while older messages may exist: the first day then gets no separator. */
  fromBeginning?: boolean;
  /** My read position when the room was opened: the "New messages" line goes above the first message after it. */
  unreadAfter?: number | null;
  /** People I blocked: their messages are not unread, so the line is not put above one of them. */
  blocked?: BlockedIds;
}

/**
 * Whether a message counts as unread after a read position: delivered, and counted by the room's badge
 * (someone else's, not a system line, not deleted, not from someone I blocked).
 */
export function isUnreadAfter(message: ChatMessage, readSeq: number, me: string | null, blocked: BlockedIds = NO_ONE_BLOCKED): boolean {
  return message.state === 'sent' && message.seq > readSeq && countsAsUnread(message, me, blocked);
}

function dayKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

/** "Today", "Yesterday", a weekday within the week, else the date (with the year when it is not this year). */
export function dayLabel(date: Date, now: Date, locale?: string): string {
  const startOf = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((startOf(now) - startOf(date)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return new Intl.DateTimeFormat(locale, { weekday: 'long' }).format(date);
  const sameYear = date.getFullYear() === now.getFullYear();
  return new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }) }).format(date);
}

/**
 * The conversation as rows: a separator at each new day, messages grouped by sender within GROUP_WINDOW_MS,
 * system lines on their own (a group ends at one), and the "New messages" line above the first unread
 * message (which then starts a new group). System lines are never unread, so the line goes below them.
 * Until the history is loaded from its beginning, the first day gets no separator (that day may have begun
 * earlier); this also keeps the first row a message, which stays in place when older pages come in.
 */
export function buildTimeline(messages: readonly ChatMessage[], me: string | null, options: TimelineOptions = {}): TimelineRow[] {
  const { now = new Date(), fromBeginning = true, unreadAfter = null, blocked = NO_ONE_BLOCKED } = options;
  const rows: TimelineRow[] = [];
  let unreadPlaced = false;
  let previous: ChatMessage | null = null;
  let previousDay = fromBeginning || messages.length === 0 ? '' : dayKey(new Date(messages[0]!.createdAt));
  let lastRow: MessageRow | null = null;
  for (const message of messages) {
    const at = new Date(message.createdAt);
    const day = dayKey(at);
    if (day !== previousDay) {
      rows.push({ kind: 'day', key: `day:${day}`, label: dayLabel(at, now) });
      previousDay = day;
      previous = null;
    }
    if (unreadAfter !== null && !unreadPlaced && isUnreadAfter(message, unreadAfter, me, blocked)) {
      rows.push({ kind: 'unread', key: 'unread' });
      unreadPlaced = true;
      previous = null;
    }
    if (message.kind === MessageKind.System) {
      rows.push({ kind: 'system', key: message.key, message });
      previous = null;
      lastRow = null;
      continue;
    }
    const continues =
      previous !== null &&
      previous.senderId === message.senderId &&
      at.getTime() - new Date(previous.createdAt).getTime() < GROUP_WINDOW_MS;
    if (lastRow && continues) lastRow.last = false;
    lastRow = { kind: 'message', key: message.key, message, mine: message.senderId === me, first: !continues, last: true };
    rows.push(lastRow);
    previous = message;
  }
  return rows;
}
