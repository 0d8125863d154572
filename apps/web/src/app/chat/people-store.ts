import { Injectable, computed, inject, signal } from '@angular/core';
import { PresenceStatus, PublicUser, TypingEvent } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { PresenceStore } from '../core/presence-store';
import { Realtime } from '../core/realtime';
import { UsersApi } from '../core/users-api';


/** "Ana is typing…", "Ana and Bo are typing…", "Several people are typing…" (empty when nobody is). */
export function typingSentence(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

/**
 * What the chat knows about people: their names and, where seen, their whole public profile with the picture
 * (from rooms, members, the directory and `user:updated`), their presence (read from the app's one
 * PresenceStore) and who is typing where (until the indicator expires).
 */
@Injectable({ providedIn: 'root' })
export class PeopleStore {
  private readonly realtime = inject(Realtime);
  private readonly usersApi = inject(UsersApi);
  private readonly presence = inject(PresenceStore);

  private readonly names = signal<Readonly<Record<string, string>>>({});
  /** Whole profiles seen (room peers, members, directory look-ups): their pictures and profile cards. */
  private readonly users = signal<Readonly<Record<string, PublicUser>>>({});
  /** Per room: who is typing, until when (epoch ms). */
  private readonly typing = signal<Readonly<Record<string, Readonly<Record<string, number>>>>>({});
  private readonly lookups = new Set<string>();
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private me: string | null = null;

  constructor() {
    this.realtime.on('typing', (e) => this.typingStarted(e));
    // A new name or picture shows everywhere at once: senders, typing, avatars, cards.
    this.realtime.on('user:updated', ({ user }) => this.rememberUsers([user]));
  }

  /** A new session: forget everything about the previous one. */
  reset(me: string | null): void {
    this.me = me;
    this.names.set({});
    this.users.set({});
    this.presence.reset();
    this.typing.set({});
    this.lookups.clear();
  }

  /** Remembers names seen anywhere (room peers, members, message previews). */
  rememberNames(entries: Iterable<readonly [string, string]>): void {
    const known = this.names();
    let next: Record<string, string> | null = null;
    for (const [id, name] of entries) {
      if (!name || known[id] === name) continue;
      next ??= { ...known };
      next[id] = name;
    }
    if (next) this.names.set(next);
  }

  /** Remembers whole profiles (names and pictures), e.g. room members and direct-room peers. */
  rememberUsers(users: Iterable<PublicUser>): void {
    const list = [...users];
    const known = this.users();
    let next: Record<string, PublicUser> | null = null;
    for (const user of list) {
      const old = known[user.id];
      if (old && old.displayName === user.displayName && old.avatarUrl === user.avatarUrl && old.username === user.username && old.statusText === user.statusText) {
        continue;
      }
      next ??= { ...known };
      next[user.id] = user;
    }
    if (next) this.users.set(next);
    this.rememberNames(list.map((u) => [u.id, u.displayName] as const));
  }

  /** Their public profile if it has been seen (synchronous, no lookup). */
  /** Everyone whose name this client knows (room members, senders, friends), by name: the search's person filter. */
  readonly known = computed(() =>
    Object.entries(this.names())
      .map(([id, name]) => ({ id, name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  );

  userOf(userId: string): PublicUser | undefined {
    return this.users()[userId];
  }

  /** Their picture's URL if known; null shows the initials. */
  avatarOf(userId: string): string | null {
    return this.users()[userId]?.avatarUrl ?? null;
  }

  /** The person's display name, or the fallback while it is being looked up in the directory. */
  nameOf(userId: string, fallback = 'Someone'): string {
    const name = this.names()[userId];
    if (name !== undefined) return name;
    this.lookUp(userId);
    return fallback;
  }

  /** Synchronous: the name if known, no lookup. */
  knownName(userId: string): string | undefined {
    return this.names()[userId];
  }

  presenceOf(userId: string): PresenceStatus {
    return this.presence.statusOf(userId);
  }

  lastSeenOf(userId: string): string | null {
    return this.presence.lastSeenOf(userId);
  }

  /** Asks the server for the presence of the people on screen (presence events keep it fresh afterwards). */
  queryPresence(userIds: Iterable<string>): Promise<void> {
    return this.presence.query(userIds);
  }

  /** Names of the people typing in a room right now (read in a computed: it follows indicators as they come and expire). */
  typingNames(roomId: string): string[] {
    const now = Date.now();
    const entries = Object.entries(this.typing()[roomId] ?? {});
    return entries.filter(([userId, until]) => until > now && userId !== this.me).map(([userId]) => this.nameOf(userId));
  }

  /** Their message arrived: they are no longer typing it. */
  stoppedTyping(roomId: string, userId: string): void {
    const room = this.typing()[roomId];
    if (!room || !(userId in room)) return;
    const rest = { ...room };
    delete rest[userId];
    this.typing.update((all) => ({ ...all, [roomId]: rest }));
  }

  private typingStarted(event: TypingEvent): void {
    const until = Date.now() + event.expiresInMs;
    this.typing.update((all) => ({ ...all, [event.roomId]: { ...(all[event.roomId] ?? {}), [event.userId]: until } }));
    this.scheduleExpiry();
  }

  /** One timer for the earliest expiry; it prunes and re-arms itself. */
  private scheduleExpiry(): void {
    if (this.typingTimer) clearTimeout(this.typingTimer);
    const all = Object.values(this.typing()).flatMap((room) => Object.values(room));
    if (all.length === 0) {
      this.typingTimer = null;
      return;
    }
    const wait = Math.max(0, Math.min(...all) - Date.now()) + 20;
    this.typingTimer = setTimeout(() => {
      const now = Date.now();
      const next: Record<string, Record<string, number>> = {};
      for (const [roomId, room] of Object.entries(this.typing())) {
        const live = Object.entries(room).filter(([, until]) => until > now);
        if (live.length) next[roomId] = Object.fromEntries(live);
      }
      this.typing.set(next);
      this.scheduleExpiry();
    }, wait);
  }

  private lookUp(userId: string): void {
    if (this.lookups.has(userId)) return;
    this.lookups.add(userId);
    // A signal read inside a template must not write signals synchronously: look up after this turn.
    queueMicrotask(() => {
      firstValueFrom(this.usersApi.get(userId))
        .then((user) => this.rememberUsers([user]))
        .catch(() => undefined);
    });
  }
}
