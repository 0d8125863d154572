import { Injectable, inject, signal } from '@angular/core';
import { PublicUser, RoomMember } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { Realtime } from '../core/realtime';
import { RoomsApi } from '../core/rooms-api';
import { PeopleStore } from './people-store';

/**
 * Read receipts arriving within this long are applied together: in a busy room every reader's receipt for
 * each message would otherwise rebuild the conversation ("Seen by") once per reader.
 */
export const RECEIPT_BATCH_MS = 100;

/**
 * The members of the rooms I opened, with their roles and read positions ("Seen by"), kept fresh by
 * `member:joined`, `member:role`, `room:left`, `receipt` and `user:updated`.
 */
@Injectable({ providedIn: 'root' })
export class MembersStore {
  private readonly realtime = inject(Realtime);
  private readonly roomsApi = inject(RoomsApi);
  private readonly people = inject(PeopleStore);

  private readonly byRoom = signal<Readonly<Record<string, RoomMember[]>>>({});
  private me: string | null = null;
  /** Read positions received and not applied yet, by room and reader (see RECEIPT_BATCH_MS). */
  private readonly pendingReads = new Map<string, Map<string, number>>();
  private readsTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    const r = this.realtime;
    r.on('receipt', ({ roomId, userId, seq }) => this.readUpTo(roomId, userId, seq));
    r.on('member:joined', ({ roomId, member }) => {
      this.people.rememberUsers([member.user]);
      this.patch(roomId, (list) => [...list.filter((m) => m.user.id !== member.user.id), member]);
    });
    r.on('member:role', ({ roomId, userId, role }) => this.patch(roomId, (list) => list.map((m) => (m.user.id === userId ? { ...m, role } : m))));
    r.on('user:updated', ({ user }) => this.profileChanged(user));
    r.on('room:left', ({ roomId, userId }) => {
      if (userId === this.me) this.drop(roomId);
      else this.patch(roomId, (list) => list.filter((m) => m.user.id !== userId));
    });
  }

  reset(me: string | null): void {
    this.me = me;
    this.byRoom.set({});
    this.pendingReads.clear();
    if (this.readsTimer) clearTimeout(this.readsTimer);
    this.readsTimer = null;
  }

  of(roomId: string): RoomMember[] | null {
    return this.byRoom()[roomId] ?? null;
  }

  /** Everyone but me who has read up to the seq (for "Seen by"). */
  seenBy(roomId: string, seq: number): RoomMember[] {
    return (this.byRoom()[roomId] ?? []).filter((m) => m.user.id !== this.me && m.lastReadSeq >= seq);
  }

  /** Everyone in the rooms loaded so far (whose presence is worth asking for). */
  userIds(): string[] {
    return Object.values(this.byRoom()).flatMap((list) => list.map((m) => m.user.id));
  }

  async load(roomId: string): Promise<void> {
    try {
      const members = await firstValueFrom(this.roomsApi.members(roomId));
      this.byRoom.update((all) => ({ ...all, [roomId]: members }));
      this.people.rememberUsers(members.map((m) => m.user));
      if (this.realtime.online()) void this.people.queryPresence(members.map((m) => m.user.id).filter((id) => id !== this.me));
    } catch {
      // Without members the conversation still works; names are looked up one by one instead.
    }
  }

  drop(roomId: string): void {
    if (!(roomId in this.byRoom())) return;
    this.byRoom.update((all) => {
      const next = { ...all };
      delete next[roomId];
      return next;
    });
  }

  /** Someone's new name or picture, in every room they are a member of. */
  private profileChanged(user: PublicUser): void {
    const all = this.byRoom();
    const rooms = Object.keys(all).filter((roomId) => all[roomId]!.some((m) => m.user.id === user.id));
    if (rooms.length === 0) return;
    const next = { ...all };
    for (const roomId of rooms) next[roomId] = all[roomId]!.map((m) => (m.user.id === user.id ? { ...m, user } : m));
    this.byRoom.set(next);
  }

  private readUpTo(roomId: string, userId: string, seq: number): void {
    const reads = this.pendingReads.get(roomId) ?? new Map<string, number>();
    reads.set(userId, Math.max(reads.get(userId) ?? 0, seq));
    this.pendingReads.set(roomId, reads);
    this.readsTimer ??= setTimeout(() => this.applyReads(), RECEIPT_BATCH_MS);
  }

  /** The read positions received meanwhile, in one change (none when nobody read further). */
  private applyReads(): void {
    this.readsTimer = null;
    const all = this.byRoom();
    let next: Record<string, RoomMember[]> | null = null;
    for (const [roomId, reads] of this.pendingReads) {
      const list = all[roomId];
      if (!list) continue;
      let moved = false;
      const updated = list.map((m) => {
        const seq = reads.get(m.user.id);
        if (seq === undefined || m.lastReadSeq >= seq) return m;
        moved = true;
        return { ...m, lastReadSeq: seq };
      });
      if (moved) (next ??= { ...all })[roomId] = updated;
    }
    this.pendingReads.clear();
    if (next) this.byRoom.set(next);
  }

  private patch(roomId: string, change: (list: RoomMember[]) => RoomMember[]): void {
    const list = this.byRoom()[roomId];
    if (list) this.byRoom.update((all) => ({ ...all, [roomId]: change(list) }));
  }
}
