import { Injectable, inject, signal } from '@angular/core';
import { Presence, PRESENCE_QUERY_MAX, PresenceStatus } from '@parley/contracts';
import { Realtime } from './realtime';

/**
 * The one place the web app keeps people's presence: from `presence` events, `presence:query` answers and the
 * friends list. The chat (room list, header, members) and the friends pages (lists, cards, search) all read
 * it, so a dot never disagrees with another dot for the same person.
 */
@Injectable({ providedIn: 'root' })
export class PresenceStore {
  private readonly realtime = inject(Realtime);
  private readonly known = signal<Readonly<Record<string, Presence>>>({});

  constructor() {
    this.realtime.on('presence', (p) => this.remember([p]));
  }

  /** Offline when not known (read in a computed: it follows every change). */
  statusOf(userId: string): PresenceStatus {
    return this.known()[userId]?.status ?? PresenceStatus.Offline;
  }

  lastSeenOf(userId: string): string | null {
    return this.known()[userId]?.lastSeenAt ?? null;
  }

  /** Presence learnt elsewhere (the friends list comes with each friend's). */
  remember(presence: Iterable<Presence>): void {
    const known = this.known();
    let next: Record<string, Presence> | null = null;
    for (const p of presence) {
      const old = known[p.userId];
      if (old && old.status === p.status && old.lastSeenAt === p.lastSeenAt) continue;
      next ??= { ...known };
      next[p.userId] = p;
    }
    if (next) this.known.set(next);
  }

  /**
   * Asks the server for the presence of the people on screen. The server announces changes only to people who
   * share a private room or are friends, so pages ask again now and then for others (search results, #general).
   */
  async query(userIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(userIds)];
    for (let i = 0; i < ids.length; i += PRESENCE_QUERY_MAX) {
      try {
        const { presence } = await this.realtime.request('presence:query', { userIds: ids.slice(i, i + PRESENCE_QUERY_MAX) });
        this.remember(presence);
      } catch {
        // Offline or refused: the dots stay as they were until the next query or event.
      }
    }
  }

  /** A new session: forget the previous one's. */
  reset(): void {
    this.known.set({});
  }
}
