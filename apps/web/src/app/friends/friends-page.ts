import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, computed, inject, input } from '@angular/core';
import { Router } from '@angular/router';
import { localTime } from '../shared/local-time';
import { FindPeople } from './find-people/find-people';
import { FriendsStore } from './friends-store';
import { FRIENDS_TABS, FriendsTab, tabAfterKey, tabFrom } from './friends-tabs';
import { PersonRow } from './person-row/person-row';

/** How often the open page asks for the friends' presence. */
const PRESENCE_REFRESH_MS = 30_000;

/** Friends, friend requests, blocked users and the directory, in tabs; everything follows the live events. */
@Component({
  selector: 'app-friends-page',
  imports: [PersonRow, FindPeople],
  templateUrl: './friends-page.html',
  styleUrl: './friends-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FriendsPage {
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  protected readonly store = inject(FriendsStore);

  /** The `tab` query parameter. */
  readonly tab = input<string | undefined>();

  protected readonly tabs = FRIENDS_TABS;
  protected readonly activeTab = computed(() => tabFrom(this.tab()));
  protected readonly counts = computed<Record<FriendsTab, number | null>>(() => ({
    friends: this.store.loaded() ? this.store.friends().length : null,
    requests: this.store.loaded() ? this.store.incoming().length : null,
    blocked: this.store.loaded() ? this.store.blocked().length : null,
    find: null,
  }));

  constructor() {
    // Fresh lists each visit (names, pictures and presence may have changed); the events keep them current afterwards.
    void this.store.refresh();
    // Presence changes reach only people who share a private room with the user: ask for the friends' now and then.
    const timer = setInterval(() => {
      if (this.store.loaded()) void this.store.lookUpPresence(this.store.friends().map((f) => f.user.id));
    }, PRESENCE_REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  protected selectTab(tab: FriendsTab): void {
    void this.router.navigate([], { queryParams: { tab: tab === 'friends' ? null : tab }, queryParamsHandling: 'merge', replaceUrl: true });
  }

  /** Arrow keys, Home and End move along the tabs (and select them), as in any tab list. */
  protected moveAlongTabs(event: KeyboardEvent): void {
    const next = tabAfterKey(this.activeTab(), event.key);
    if (!next) return;
    event.preventDefault();
    this.selectTab(next);
    this.host.querySelector<HTMLElement>(`#friends-tab-${next}`)?.focus();
  }

  protected retry(): void {
    void this.store.refresh();
  }

  protected since(iso: string, what: string): string {
    return `${what} ${localTime(iso, 'date')}`;
  }
}
