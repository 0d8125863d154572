import { HISTORY_PAGE_DEFAULT, HistoryQuery, Message, MessagePage, RoomSummary } from '@parley/contracts';
import { upsertMessages } from './chat-message';

/**
 * The messages of one room this client holds: one unbroken run of seqs. Usually the latest page and
 * whatever came after it; when the room was opened at its first unread message of a long backlog, the page
 * around that message, with newer pages still to load (`hasNewer`).
 */
export interface RoomTimeline {
  status: 'loading' | 'ready' | 'error';
  /** Ascending seq, one per id, no gaps. */
  items: Message[];
  hasOlder: boolean;
  loadingOlder: boolean;
  /** Messages after the last one held exist and are not loaded: new messages are not appended (that would leave a gap). */
  hasNewer: boolean;
  loadingNewer: boolean;
  error: string | null;
  /** The room's last seq and rev when loading began: the page covers at least up to them. */
  startSeq: number;
  startRev: number;
}

export const EMPTY_TIMELINE: RoomTimeline = {
  status: 'loading',
  items: [],
  hasOlder: false,
  loadingOlder: false,
  hasNewer: false,
  loadingNewer: false,
  error: null,
  startSeq: 0,
  startRev: 0,
};

/** Read messages shown above the "New messages" line when a room opens at its first unread message. */
export const UNREAD_CONTEXT = 10;

/**
 * The messages a held timeline takes: nothing before its oldest message unless it reaches the room's
 * beginning, nothing after its newest while newer pages are missing (either would leave a hole).
 */
export function fitsTimeline(timeline: RoomTimeline, message: Message): boolean {
  const first = timeline.items[0];
  const last = timeline.items.at(-1);
  if (first && timeline.hasOlder && message.seq < first.seq) return false;
  if (last && timeline.hasNewer && message.seq > last.seq) return false;
  return true;
}

/**
 * The first page to load when a room opens: the latest page, unless my first unread message would not be in
 * it; then the page that starts a little before that message (so the "New messages" line has some of the
 * conversation above it).
 */
export function openingQuery(room: Pick<RoomSummary, 'lastSeq' | 'lastReadSeq' | 'unreadCount'>): HistoryQuery {
  const backlog = room.lastSeq - room.lastReadSeq;
  if (room.unreadCount === 0 || backlog <= HISTORY_PAGE_DEFAULT - UNREAD_CONTEXT) return { limit: HISTORY_PAGE_DEFAULT };
  return { after: Math.max(0, room.lastReadSeq - UNREAD_CONTEXT), limit: HISTORY_PAGE_DEFAULT };
}

/** The page around one message (opening a search result). */
export function aroundQuery(seq: number): HistoryQuery {
  return { around: seq, limit: HISTORY_PAGE_DEFAULT };
}

/** Whether the held messages include the one at `seq`. */
export function holdsSeq(timeline: RoomTimeline, seq: number): boolean {
  return timeline.status === 'ready' && timeline.items.some((m) => m.seq === seq);
}

/** The page that starts a little before the first message after my read position. */
export function firstUnreadQuery(readSeq: number): HistoryQuery {
  return { after: Math.max(0, readSeq - UNREAD_CONTEXT), limit: HISTORY_PAGE_DEFAULT };
}

/** Whether the held messages include the first one after `readSeq` (or show that there is none). */
export function holdsFirstUnread(timeline: RoomTimeline, readSeq: number): boolean {
  const first = timeline.items[0];
  const last = timeline.items.at(-1);
  if (!first || !last) return !timeline.hasOlder && !timeline.hasNewer;
  if (timeline.hasOlder && first.seq > readSeq + 1) return false;
  if (timeline.hasNewer && last.seq < readSeq + 1) return false;
  return true;
}

/**
 * A timeline made of a page asked for with no cursor (the latest), with `after` (a page forward) or with
 * `around` (the page around one message), in place of what was held. What arrived live meanwhile and follows the page is kept when the page reached
 * the end of the room. `roomLastSeq` is what the room list knows: anything beyond the page is still to load.
 */
export function timelineFromPage(current: RoomTimeline, page: MessagePage, query: HistoryQuery, roomLastSeq: number): RoomTimeline {
  const pageLast = page.items.at(-1)?.seq ?? query.after ?? 0;
  const forward = query.after !== undefined;
  // A page around one message (a search result) says itself whether newer ones follow.
  const reachesEnd = query.around !== undefined ? page.hasNewer !== true : !forward || !page.hasMore;
  const items = reachesEnd ? upsertMessages(page.items, current.items.filter((m) => m.seq > pageLast)) : page.items;
  const last = items.at(-1)?.seq ?? pageLast;
  const first = items[0]?.seq;
  return {
    ...current,
    status: 'ready',
    items,
    hasOlder: forward ? (first ?? (query.after ?? 0) + 1) > 1 : page.hasMore,
    hasNewer: !reachesEnd || roomLastSeq > last,
    loadingNewer: false,
    loadingOlder: false,
    error: null,
  };
}

/** The next page (after the newest held message) joined on. */
export function timelineWithNewer(current: RoomTimeline, page: MessagePage, roomLastSeq: number): RoomTimeline {
  const items = upsertMessages(current.items, page.items);
  const last = items.at(-1)?.seq ?? 0;
  return { ...current, items, hasNewer: page.hasMore || roomLastSeq > last, loadingNewer: false };
}
