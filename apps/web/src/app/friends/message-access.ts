import { Injectable, computed, inject, signal } from '@angular/core';
import { PAGE_SIZE_MAX, Person, PublicUser } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { AuthStore } from '../core/auth-store';
import { PeopleApi } from '../core/people-api';
import { FriendsStore } from './friends-store';
import { RelationKind, SeenStanding, canMessageNow, relationKindOf } from './messaging';

/** What searches said, for one signed-in user (another user's answers are never read). */
interface Seen {
  me: string | null;
  people: Readonly<Record<string, SeenStanding>>;
}

/**
 * Whom the signed-in user may message, so that no button offers a conversation the server would refuse. The
 * friends store knows friends, requests and blocks as they change; whether anyone else may be messaged (the
 * server's DM_POLICY, a block on their side) comes from `GET /api/people`, remembered from searches or asked
 * for one person at a time.
 */
@Injectable({ providedIn: 'root' })
export class MessageAccess {
  private readonly api = inject(PeopleApi);
  private readonly friends = inject(FriendsStore);
  private readonly auth = inject(AuthStore);
  private readonly me = computed(() => this.auth.user()?.id ?? null);

  private readonly seen = signal<Seen>({ me: null, people: {} });
  /** Look-ups made (per user, relation and signed-in user), so a person the search cannot single out is not asked for again and again. */
  private readonly asked = new Set<string>();

  /** What a search answered: how each person stands to you and whether you may message them. */
  remember(people: readonly Person[]): void {
    if (people.length === 0) return;
    const me = this.me();
    this.seen.update((seen) => {
      const next = { ...(seen.me === me ? seen.people : {}) };
      for (const p of people) next[p.user.id] = { relation: relationKindOf(p.relation), canMessage: p.canMessage };
      return { me, people: next };
    });
  }

  /** How they stand to you now: the friends store's (live) once loaded, otherwise what a search said. */
  relationTo(userId: string): RelationKind | null {
    if (userId === this.me()) return 'self';
    if (this.friends.loaded()) return this.friends.relationTo(userId).kind;
    return this.seenOf(userId)?.relation ?? null;
  }

  /** Whether a direct conversation with them may be opened now; null when not known (see `lookUp()`). */
  canMessage(userId: string): boolean | null {
    const relation = this.relationTo(userId);
    return relation === null ? null : canMessageNow(relation, this.seenOf(userId));
  }

  /** Asks the server where it is not known (finding them by username); once per relation. */
  async lookUp(user: PublicUser): Promise<void> {
    const key = `${this.me()}:${user.id}:${this.relationTo(user.id)}`;
    if (this.canMessage(user.id) !== null || this.asked.has(key)) return;
    this.asked.add(key);
    try {
      const page = await firstValueFrom(this.api.search({ q: user.username, pageSize: PAGE_SIZE_MAX }));
      if (key.startsWith(`${this.me()}:`)) this.remember(page.items);
    } catch {
      // Not known then: a later look-up asks again.
      this.asked.delete(key);
    }
  }

  private seenOf(userId: string): SeenStanding | undefined {
    const seen = this.seen();
    return seen.me === this.me() ? seen.people[userId] : undefined;
  }
}
