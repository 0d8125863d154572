import { Injectable, inject, signal } from '@angular/core';
import { HISTORY_PAGE_DEFAULT, HistoryQuery, Message, RoomSummary } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { formMessage, toApiError } from '../core/api-error';
import { MessagesApi } from '../core/messages-api';
import { upsertMessages } from './chat-message';
import { EMPTY_TIMELINE, RoomTimeline, aroundQuery, firstUnreadQuery, fitsTimeline, openingQuery, timelineFromPage, timelineWithNewer } from './room-timeline';

/** Where a room stands for the sync after a reconnect. */
export interface Cursor {
  seq: number;
  rev: number;
}

/**
 * The messages held for the rooms I opened, and the paging through their history: the page a room opens
 * at, older pages in front, newer pages behind (when it opened in the middle), and jumps that replace what
 * is held. The chat store tells it what the room list knows and hears of every page loaded.
 */
@Injectable({ providedIn: 'root' })
export class RoomTimelines {
  private readonly messagesApi = inject(MessagesApi);
  private readonly state = signal<Readonly<Record<string, RoomTimeline>>>({});
  readonly all = this.state.asReadonly();

  /** What the room list knows of a room's newest message (set by the chat store). */
  roomLastSeq: (roomId: string) => number = () => 0;
  /** Every loaded page, for the room list and the outbox (set by the chat store). */
  onPage: (messages: readonly Message[]) => void = () => undefined;

  get(roomId: string): RoomTimeline | null {
    return this.state()[roomId] ?? null;
  }

  held(roomId: string): Message[] | null {
    return this.state()[roomId]?.items ?? null;
  }

  reset(): void {
    this.state.set({});
  }

  /** Forgets the rooms that are not mine any more. */
  keepOnly(isMine: (roomId: string) => boolean): void {
    this.state.update((all) => Object.fromEntries(Object.entries(all).filter(([id]) => isMine(id))));
  }

  drop(roomId: string): void {
    this.state.update((all) => {
      if (!(roomId in all)) return all;
      const next = { ...all };
      delete next[roomId];
      return next;
    });
  }

  /** New and changed messages of one room into its held timeline (what fits without a gap); the held versions before. */
  apply(roomId: string, messages: readonly Message[]): ReadonlyMap<string, Message> | null {
    const timeline = this.state()[roomId];
    if (!timeline) return null;
    const previous = new Map(timeline.items.map((m) => [m.id, m]));
    const items = upsertMessages(timeline.items, messages.filter((m) => fitsTimeline(timeline, m)));
    if (items !== timeline.items) this.state.update((all) => ({ ...all, [roomId]: { ...timeline, items } }));
    return previous;
  }

  /** Starts the room afresh: the page the room opens at (the latest, or around my first unread message). */
  loadFirstPage(roomId: string, room: RoomSummary | null): Promise<void> {
    const start = { startSeq: room?.lastSeq ?? 0, startRev: room?.lastRev ?? 0 };
    this.set(roomId, () => ({ ...EMPTY_TIMELINE, ...start }));
    return this.loadPage(roomId, room ? openingQuery(room) : { limit: HISTORY_PAGE_DEFAULT });
  }

  /** The page around the message at `seq`, in place of what is held (opening a search result). */
  loadAround(roomId: string, room: RoomSummary | null, seq: number): Promise<void> {
    if (!this.state()[roomId]) this.set(roomId, () => ({ ...EMPTY_TIMELINE, startSeq: room?.lastSeq ?? 0, startRev: room?.lastRev ?? 0 }));
    return this.loadPage(roomId, aroundQuery(seq));
  }

  /** The latest page in place of what is held (the "jump down" when newer pages are missing). */
  loadLatest(roomId: string): Promise<void> {
    return this.loadPage(roomId, { limit: HISTORY_PAGE_DEFAULT });
  }

  /** The page around the first message after `readSeq`, in place of what is held ("Jump to first unread"). */
  loadFirstUnread(roomId: string, readSeq: number): Promise<void> {
    return this.loadPage(roomId, firstUnreadQuery(readSeq));
  }

  /** Scrolled to the top: the page before the oldest message held. */
  async loadOlder(roomId: string): Promise<void> {
    const timeline = this.state()[roomId];
    if (!timeline || timeline.status !== 'ready' || !timeline.hasOlder || timeline.loadingOlder) return;
    const before = timeline.items[0]?.seq;
    if (before === undefined) return;
    this.set(roomId, (t) => ({ ...t, loadingOlder: true }));
    try {
      const page = await firstValueFrom(this.messagesApi.history(roomId, { before, limit: HISTORY_PAGE_DEFAULT }));
      this.set(roomId, (t) => ({ ...t, items: upsertMessages(t.items, page.items), hasOlder: page.hasMore, loadingOlder: false }));
    } catch {
      this.set(roomId, (t) => ({ ...t, loadingOlder: false }));
    }
  }

  /** Scrolled to the end of what is held while newer messages are missing: the page after the newest one held. */
  async loadNewer(roomId: string): Promise<void> {
    const timeline = this.state()[roomId];
    if (!timeline || timeline.status !== 'ready' || !timeline.hasNewer || timeline.loadingNewer) return;
    const after = timeline.items.at(-1)?.seq;
    if (after === undefined) return;
    this.set(roomId, (t) => ({ ...t, loadingNewer: true }));
    try {
      const page = await firstValueFrom(this.messagesApi.history(roomId, { after, limit: HISTORY_PAGE_DEFAULT }));
      this.set(roomId, (t) => timelineWithNewer(t, page, this.roomLastSeq(roomId)));
      this.onPage(page.items);
    } catch {
      this.set(roomId, (t) => ({ ...t, loadingNewer: false }));
    }
  }

  /** Where each held room stands: the sync after a reconnect asks from here. */
  cursors(): Record<string, Cursor> {
    const cursors: Record<string, Cursor> = {};
    for (const [roomId, timeline] of Object.entries(this.state())) {
      const last = timeline.items.at(-1);
      if (last) {
        const rev = Math.max(timeline.startRev, ...timeline.items.map((m) => m.rev));
        // Newer messages that are not held were still counted by the room list: it goes on from its own seq.
        cursors[roomId] = { seq: timeline.hasNewer ? Math.max(this.roomLastSeq(roomId), last.seq) : last.seq, rev };
      } else if (timeline.status === 'loading') {
        cursors[roomId] = { seq: timeline.startSeq, rev: timeline.startRev };
      }
    }
    return cursors;
  }

  /** Loads a page in place of the held messages, which stay on screen until it is in. */
  private async loadPage(roomId: string, query: HistoryQuery): Promise<void> {
    try {
      const page = await firstValueFrom(this.messagesApi.history(roomId, query));
      this.set(roomId, (t) => timelineFromPage(t, page, query, this.roomLastSeq(roomId)));
      this.onPage(page.items);
    } catch (err) {
      this.set(roomId, (t) => (t.status === 'ready' ? t : { ...t, status: 'error', error: formMessage(toApiError(err)) }));
    }
  }

  private set(roomId: string, change: (t: RoomTimeline) => RoomTimeline): void {
    this.state.update((all) => ({ ...all, [roomId]: change(all[roomId] ?? EMPTY_TIMELINE) }));
  }
}
