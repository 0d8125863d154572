import { Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { PAGE_SIZE_MAX, Person, PublicUser } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { AuthStore } from '../core/auth-store';
import { PeopleApi } from '../core/people-api';
import { FriendsStore } from './friends-store';
import { RelationKind, SeenStanding, canMessageNow, relationKindOf } from './messaging';

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

  private readonly seen = signal<Readonly<Record<string, SeenStanding>>>({});
  /** Look-ups made (per user and relation), so a person the search cannot single out is not asked for again and again. */
  private readonly asked = new Set<string>();
  private generation = 0;

  constructor() {
    let signedIn = untracked(this.me);
    effect(() => {
      const id = this.me();
      if (id === signedIn) return;
      signedIn = id;
      this.generation++;
      this.asked.clear();
      untracked(() => this.seen.set({}));
    });
  }

  /** What a search answered: how each person stands to you and whether you may message them. */
  remember(people: readonly Person[]): void {
    if (people.length === 0) return;
    this.seen.update((all) => {
      const next = { ...all };
      for (const p of people) next[p.user.id] = { relation: relationKindOf(p.relation), canMessage: p.canMessage };
      return next;
    });
  }

  /** How they stand to you now: the friends store's (live) once loaded, otherwise what a search said. */
  relationTo(userId: string): RelationKind | null {
    if (userId === this.me()) return 'self';
    if (this.friends.loaded()) return this.friends.relationTo(userId).kind;
    return this.seen()[userId]?.relation ?? null;
  }

  /** Whether a direct conversation with them may be opened now; null when not known (see `lookUp()`). */
  canMessage(userId: string): boolean | null {
    const relation = this.relationTo(userId);
    return relation === null ? null : canMessageNow(relation, this.seen()[userId]);
  }

  /** Asks the server where it is not known (finding them by username); once per relation. */
  async lookUp(user: PublicUser): Promise<void> {
    const key = `${user.id}:${this.relationTo(user.id)}`;
    if (this.canMessage(user.id) !== null || this.asked.has(key)) return;
    this.asked.add(key);
    const generation = this.generation;
    try {
      const page = await firstValueFrom(this.api.search({ q: user.username, pageSize: PAGE_SIZE_MAX }));
      if (generation === this.generation) this.remember(page.items);
    } catch {
      // Not known then: a later look-up (after the relation changes) asks again.
      this.asked.delete(key);
    }
  }
}
