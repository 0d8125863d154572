import type { Message } from '@parley/contracts';

/** Changes kept for one room: every rev in (base, top] was seen here; `byRev` holds the ones still current. */
interface RoomChanges {
  base: number;
  top: number;
  byRev: Map<number, Message>;
  revOf: Map<string, number>;
}

/** Kept changes in all rooms together: past this, the rooms least recently changed are forgotten. */
export const RECENT_CHANGES_MAX = 20_000;

/**
 * The messages this process has just committed (from its own message events), so the indexer can index them
 * without reading them back from the database and decrypting them again. Only an exact answer is given: a
 * room's changes are known from a rev `base` up to `top` when every rev between was seen here in order (each
 * message event carries the rev its change took). A gap (another process's change, a rev taken without an
 * event) starts the room's record again after it; a read from below `base`, or with nothing known past the
 * cursor, is answered by the database. Bounded: at most RECENT_CHANGES_MAX messages in all, the least recently
 * changed rooms dropped first, and a room's changes up to the cursor the indexer read them from are let go.
 */
export class RecentChanges {
  private readonly rooms = new Map<string, RoomChanges>();
  private size = 0;

  constructor(private readonly max = RECENT_CHANGES_MAX) {}

  /** A message took rev `message.rev` in its room (created, edited or deleted), in commit order. */
  record(message: Message): void {
    const { roomId, rev } = message;
    let room = this.rooms.get(roomId);
    if (room && rev <= room.base) return; // older than anything this record speaks for: the database has it
    if (room && rev !== room.top + 1) {
      // A gap (a change this process did not see) or a repeat: start again after the newest rev known.
      const base = rev > room.top ? rev - 1 : room.top;
      this.forget(roomId);
      if (rev <= base) {
        this.rooms.set(roomId, { base, top: base, byRev: new Map(), revOf: new Map() });
        return;
      }
      room = undefined;
    }
    if (!room) {
      room = { base: rev - 1, top: rev - 1, byRev: new Map(), revOf: new Map() };
    } else {
      // Least recently changed first: a room moves to the end of the map's order when it changes.
      this.rooms.delete(roomId);
    }
    this.rooms.set(roomId, room);
    const older = room.revOf.get(message.id);
    if (older !== undefined) {
      room.byRev.delete(older);
      this.size -= 1;
    }
    room.byRev.set(rev, message);
    room.revOf.set(message.id, rev);
    room.top = rev;
    this.size += 1;
    while (this.size > this.max) {
      const oldest = this.rooms.keys().next().value as string;
      this.forget(oldest);
    }
  }

  /**
   * The room's messages whose last change is after `rev`, oldest change first, at most `limit`, and the rev
   * read up to (every change up to it is in the answer or was replaced by a later one); null when this process
   * does not know them all (read the database instead). Changes up to `rev` are let go.
   */
  since(roomId: string, rev: number, limit: number): { messages: Message[]; lastRev: number } | null {
    const room = this.rooms.get(roomId);
    if (!room || rev < room.base || rev >= room.top) return null;
    const messages: Message[] = [];
    let lastRev = room.top;
    for (const [r, m] of room.byRev) {
      if (r <= rev) {
        room.byRev.delete(r);
        room.revOf.delete(m.id);
        this.size -= 1;
        continue;
      }
      if (messages.length === limit) {
        lastRev = messages[messages.length - 1].rev;
        break;
      }
      messages.push(m);
    }
    room.base = rev;
    return { messages, lastRev };
  }

  private forget(roomId: string): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    this.size -= room.byRev.size;
    this.rooms.delete(roomId);
  }

  /** Messages kept (for tests). */
  get kept(): number {
    return this.size;
  }
}
