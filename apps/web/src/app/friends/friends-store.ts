import { Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { Router } from '@angular/router';
import { BlockedUser, Friend, FriendRequest, PresenceStatus, PublicUser } from '@parley/contracts';
import { Observable, firstValueFrom } from 'rxjs';
import { ChatStore } from '../chat/chat-store';
import { formMessage, toApiError } from '../core/api-error';
import { AuthStore } from '../core/auth-store';
import { FriendsApi } from '../core/friends-api';
import { PresenceStore } from '../core/presence-store';
import { Realtime } from '../core/realtime';
import { RoomsApi } from '../core/rooms-api';
import {
  EMPTY_FRIENDS_STATE,
  FriendsState,
  Relation,
  relationTo,
  withBlock,
  withFriend,
  withRequest,
  withUser,
  withoutBlock,
  withoutFriend,
  withoutRequest,
} from './friends-state';


/**
 * The signed-in user's friends, pending requests and blocks, kept current by the `friend:*` events, plus the
 * actions on them. Presence is the app's one PresenceStore's (the friends list feeds it). One per app: the friends page, the profile cards and the chat (who is
 * blocked) all read the same state.
 */
@Injectable({ providedIn: 'root' })
export class FriendsStore {
  private readonly api = inject(FriendsApi);
  private readonly rooms = inject(RoomsApi);
  private readonly realtime = inject(Realtime);
  private readonly router = inject(Router);
  private readonly chat = inject(ChatStore);
  private readonly auth = inject(AuthStore);
  private readonly presence = inject(PresenceStore);
  private readonly me = computed(() => this.auth.user()?.id ?? null);

  private readonly state = signal<FriendsState>(EMPTY_FRIENDS_STATE);
  private readonly loadedState = signal(false);
  private readonly loadError = signal<string | null>(null);
  /** Bumped on every sign-in change, so an answer for the previous user is dropped. */
  private generation = 0;
  private refreshing: Promise<void> | null = null;
  private changedWhileLoading = false;

  readonly friends = computed(() => this.state().friends);
  readonly incoming = computed(() => this.state().incoming);
  readonly outgoing = computed(() => this.state().outgoing);
  readonly blocked = computed(() => this.state().blocked);
  /** The ids of the users you blocked (the chat collapses their messages). */
  readonly blockedIds = computed(() => new Set(this.state().blocked.map((b) => b.user.id)));
  /** True once the lists have been loaded for this user. */
  readonly loaded = this.loadedState.asReadonly();
  /** Why the last load failed, if it did. */
  readonly error = this.loadError.asReadonly();

  constructor() {
    let signedIn = this.me();
    effect(() => {
      const id = this.me();
      if (id === signedIn) return;
      signedIn = id;
      untracked(() => this.reset());
    });
    // Events missed while the connection was down are made up for by reloading once it is back.
    effect(() => {
      if (this.realtime.status() === 'online' && untracked(this.loadedState)) untracked(() => void this.refresh());
    });

    this.realtime.on('friend:request', ({ request }) => {
      const id = untracked(this.me);
      if (id) this.applyEvent((s) => withRequest(s, request, id));
    });
    this.realtime.on('friend:request-removed', ({ requestId }) => this.applyEvent((s) => withoutRequest(s, requestId)));
    this.realtime.on('friend:accepted', ({ requestId, friend }) => {
      this.presence.remember([friend.presence]);
      this.applyEvent((s) => withFriend(withoutRequest(s, requestId), friend));
    });
    this.realtime.on('friend:removed', ({ userId: other }) => this.applyEvent((s) => withoutFriend(s, other)));
    this.realtime.on('user:updated', ({ user }) => this.state.update((s) => withUser(s, user)));
    // The chat leaves the people I block out of its counts, previews and notifications.
    this.chat.connectBlocked(this.blockedIds);
  }

  /** Where `userId` stands with you (read in a computed: it follows every change). */
  relationTo(userId: string): Relation {
    return relationTo(this.state(), this.me(), userId);
  }

  /** Offline when not known. */
  presenceOf(userId: string): PresenceStatus {
    return this.presence.statusOf(userId);
  }

  /** Loads (or reloads) the three lists. Concurrent calls share one round of requests. */
  refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    const round: Promise<void> = this.load().finally(() => {
      if (this.refreshing === round) this.refreshing = null;
    });
    this.refreshing = round;
    return round;
  }

  /**
   * Asks the server for the presence of the people on screen. The server announces changes only to people who
   * share a private room, so pages ask again now and then for friends and search results.
   */
  lookUpPresence(userIds: Iterable<string>): Promise<void> {
    return this.presence.query([...userIds].filter((id) => id !== this.me()));
  }

  /** Asks them to be friends (or, if they had asked you already, becomes friends with them). */
  async sendRequest(user: PublicUser): Promise<void> {
    const generation = this.generation;
    try {
      const { friend, request } = await firstValueFrom(this.api.sendRequest(user.id));
      const me = this.me();
      if (generation !== this.generation || !me) return;
      if (friend) this.state.update((s) => withFriend(s, friend));
      else if (request) this.state.update((s) => withRequest(s, request, me));
    } catch (err) {
      // Already friends or already asked (from another device, say): show what is true now.
      void this.refresh();
      throw err;
    }
  }

  async accept(request: FriendRequest): Promise<Friend> {
    const friend = await firstValueFrom(this.api.accept(request.id));
    this.state.update((s) => withFriend(withoutRequest(s, request.id), friend));
    return friend;
  }

  async decline(request: FriendRequest): Promise<void> {
    await this.settle(this.api.decline(request.id), request.id);
  }

  /** Withdraws a request you sent. */
  async cancel(request: FriendRequest): Promise<void> {
    await this.settle(this.api.cancel(request.id), request.id);
  }

  async unfriend(userId: string): Promise<void> {
    await firstValueFrom(this.api.unfriend(userId));
    this.state.update((s) => withoutFriend(s, userId));
  }

  async block(userId: string): Promise<BlockedUser> {
    const blocked = await firstValueFrom(this.api.block(userId));
    this.state.update((s) => withBlock(s, blocked));
    this.recountRooms();
    return blocked;
  }

  async unblock(userId: string): Promise<void> {
    await firstValueFrom(this.api.unblock(userId));
    this.state.update((s) => withoutBlock(s, userId));
    this.recountRooms();
  }

  /** Opens (or reopens) the direct conversation with them and goes there. */
  async message(userId: string): Promise<void> {
    const room = await firstValueFrom(this.rooms.direct(userId));
    this.chat.upsertRoom(room);
    await this.router.navigate(['/r', room.id]);
  }

  /**
   * A block changes what the room list may show and count: their unread messages stop counting (and count again
   * after an unblock), and previews the server withheld come back. The server's list has it right.
   */
  private recountRooms(): void {
    this.chat.loadRooms().catch(() => undefined);
  }

  /** Declines or withdraws a request; one that was gone already (404: withdrawn, answered elsewhere) goes here too. */
  private async settle(call: Observable<void>, requestId: string): Promise<void> {
    try {
      await firstValueFrom(call);
    } catch (err) {
      if (toApiError(err).statusCode !== 404) throw err;
    }
    this.state.update((s) => withoutRequest(s, requestId));
  }

  /** A live change; one that arrives while the lists are loading may be missing from their answer: load again after. */
  private applyEvent(change: (state: FriendsState) => FriendsState): void {
    this.state.update(change);
    if (this.refreshing) this.changedWhileLoading = true;
  }

  private async load(): Promise<void> {
    const generation = this.generation;
    if (!this.me()) return;
    this.changedWhileLoading = false;
    try {
      const [friends, requests, blocked] = await Promise.all([
        firstValueFrom(this.api.list()),
        firstValueFrom(this.api.requests()),
        firstValueFrom(this.api.blocked()),
      ]);
      if (generation !== this.generation) return;
      this.presence.remember(friends.map((f) => f.presence));
      this.state.set({ friends, incoming: requests.incoming, outgoing: requests.outgoing, blocked });
      this.loadedState.set(true);
      this.loadError.set(null);
      if (this.changedWhileLoading) await this.load();
    } catch (err) {
      if (generation !== this.generation) return;
      this.loadError.set(formMessage(toApiError(err)));
    }
  }

  private reset(): void {
    this.generation++;
    this.refreshing = null;
    this.state.set(EMPTY_FRIENDS_STATE);
    this.presence.reset();
    this.loadedState.set(false);
    this.loadError.set(null);
  }
}
