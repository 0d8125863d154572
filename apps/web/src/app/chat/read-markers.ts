import { Injectable, inject } from '@angular/core';
import { Realtime } from '../core/realtime';

/** Reading down a long backlog moves the marker often: the server hears of it at most this often per room. */
export const READ_SEND_INTERVAL_MS = 500;

/**
 * My read positions on their way to the server (`room:read`): the newest per room, at most one request per
 * room every READ_SEND_INTERVAL_MS (the last position always goes), kept until the server confirms it and
 * sent again after a reconnect.
 */
@Injectable({ providedIn: 'root' })
export class ReadMarkers {
  private readonly realtime = inject(Realtime);
  /** Not confirmed by the server yet. */
  private readonly unconfirmed = new Map<string, number>();
  /** The last position sent per room (a repeat waits for a reconnect). */
  private readonly sent = new Map<string, number>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  /** The server's answer: my marker there. */
  onConfirmed: (roomId: string, lastReadSeq: number) => void = () => undefined;

  /** Positions not confirmed yet, per room (they still count when a stale room list comes in). */
  pending(): ReadonlyMap<string, number> {
    return this.unconfirmed;
  }

  /** Read up to `seq`: tell the server now, or at the end of the current interval. */
  moveTo(roomId: string, seq: number): void {
    if (seq <= (this.unconfirmed.get(roomId) ?? 0)) return;
    this.unconfirmed.set(roomId, seq);
    if (!this.timers.has(roomId)) this.flush(roomId);
  }

  /** After a reconnect: everything not confirmed goes again. */
  resend(): void {
    this.sent.clear();
    for (const roomId of this.unconfirmed.keys()) if (!this.timers.has(roomId)) this.flush(roomId);
  }

  forget(roomId: string): void {
    this.unconfirmed.delete(roomId);
    this.sent.delete(roomId);
    const timer = this.timers.get(roomId);
    if (timer) clearTimeout(timer);
    this.timers.delete(roomId);
  }

  reset(): void {
    for (const roomId of [...this.unconfirmed.keys(), ...this.timers.keys()]) this.forget(roomId);
  }

  private flush(roomId: string): void {
    const seq = this.unconfirmed.get(roomId);
    if (seq === undefined || seq <= (this.sent.get(roomId) ?? 0) || !this.realtime.online()) return;
    this.sent.set(roomId, seq);
    this.realtime
      .request('room:read', { roomId, seq })
      .then(({ lastReadSeq }) => {
        if (this.unconfirmed.get(roomId) === seq) this.unconfirmed.delete(roomId);
        this.onConfirmed(roomId, lastReadSeq);
      })
      .catch(() => this.sent.delete(roomId));
    this.timers.set(
      roomId,
      setTimeout(() => {
        this.timers.delete(roomId);
        this.flush(roomId);
      }, READ_SEND_INTERVAL_MS),
    );
  }
}
