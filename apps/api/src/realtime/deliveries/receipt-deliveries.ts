import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppEvents } from '../../events/app-events';
import { RealtimeService } from '../realtime.service';

/** A member's receipts in one room are announced at most this often; the latest seq wins. */
export const RECEIPT_COALESCE_MS = 500;

interface Window {
  roomId: string;
  userId: string;
  /** The newest seq read during the window, to announce when it closes; null when there is none. */
  latest: number | null;
  timer: NodeJS.Timeout;
}

/**
 * Read receipts, coalesced: the first move of a member's read marker in a room (`message.read` with
 * `receipt`) is announced to the room at once, and any further moves within RECEIPT_COALESCE_MS are folded
 * into one announcement of the latest seq when that time is up. A client scrolling through a backlog (or a
 * script marking read in a loop) costs the room's members at most two receipts a second.
 */
@Injectable()
export class ReceiptDeliveries implements OnApplicationShutdown {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly realtime: RealtimeService,
    events: AppEvents,
  ) {
    events.on('message.read', ({ roomId, userId, seq, receipt }) => receipt && this.announce(roomId, userId, seq));
  }

  announce(roomId: string, userId: string, seq: number): void {
    const key = `${roomId}:${userId}`;
    const open = this.windows.get(key);
    if (open) {
      open.latest = Math.max(open.latest ?? 0, seq);
      return;
    }
    this.realtime.toRoom(roomId, 'receipt', { roomId, userId, seq });
    const timer = setTimeout(() => this.close(key), RECEIPT_COALESCE_MS);
    timer.unref();
    this.windows.set(key, { roomId, userId, latest: null, timer });
  }

  private close(key: string): void {
    const w = this.windows.get(key);
    if (!w) return;
    this.windows.delete(key);
    if (w.latest !== null) this.announce(w.roomId, w.userId, w.latest);
  }

  onApplicationShutdown(): void {
    for (const w of this.windows.values()) clearTimeout(w.timer);
    this.windows.clear();
  }
}
