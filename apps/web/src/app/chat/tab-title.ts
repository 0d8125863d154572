import { DestroyRef, Injectable, effect, inject, signal, untracked } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { NavigationEnd, Router, TitleStrategy } from '@angular/router';
import { filter } from 'rxjs';
import { ChatStore } from './chat-store';

const COUNT_PREFIX = /^\(\d+\+?\)\s+/;
/**
 * The count is written at most this often, as it stands then: a message read as it arrives (the room is open
 * at its end) does not flash "(1)" in the tab, and a busy room does not rewrite the title with every message.
 */
export const TITLE_WRITE_MS = 250;

/** The tab title with the unread count in front: "(3) Parley". */
export function titleWithUnread(base: string, unread: number): string {
  const plain = base.replace(COUNT_PREFIX, '');
  if (unread <= 0) return plain;
  return `(${unread > 99 ? '99+' : unread}) ${plain}`;
}

/** Keeps the total unread count in the tab title, in front of the title of whatever page is open. */
@Injectable({ providedIn: 'root' })
export class TabTitle {
  private readonly title = inject(Title);
  private readonly store = inject(ChatStore);
  private readonly base = signal(this.title.getTitle().replace(COUNT_PREFIX, ''));
  private countTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    const router = inject(Router);
    const strategy = inject(TitleStrategy);
    const sub = router.events.pipe(filter((e) => e instanceof NavigationEnd)).subscribe(() => {
      this.base.set(strategy.buildTitle(router.routerState.snapshot) ?? this.title.getTitle().replace(COUNT_PREFIX, ''));
      // The router writes the page's own title right after NavigationEnd: put the count back in front of it.
      setTimeout(() => this.apply());
    });
    const show = effect(() => {
      this.base();
      this.store.totalUnread();
      untracked(() => this.applySoon());
    });
    inject(DestroyRef).onDestroy(() => {
      sub.unsubscribe();
      show.destroy();
      if (this.countTimer) clearTimeout(this.countTimer);
    });
  }

  private applySoon(): void {
    this.countTimer ??= setTimeout(() => {
      this.countTimer = null;
      this.apply();
    }, TITLE_WRITE_MS);
  }

  private apply(): void {
    const next = titleWithUnread(this.base(), this.store.totalUnread());
    if (this.title.getTitle() !== next) this.title.setTitle(next);
  }
}
