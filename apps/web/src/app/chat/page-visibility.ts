import { Injectable, computed, signal } from '@angular/core';

/**
 * Whether the tab is on screen, and whether its window has the focus. Messages count as read only while
 * both hold (someone looking at another window has not read them); notifications show when the tab is hidden.
 */
@Injectable({ providedIn: 'root' })
export class PageVisibility {
  private readonly state = signal(typeof document === 'undefined' || document.visibilityState === 'visible');
  private readonly focusState = signal(typeof document === 'undefined' || document.hasFocus());
  readonly visible = this.state.asReadonly();
  readonly focused = this.focusState.asReadonly();
  /** The reader can see the conversation: messages on screen now count as read. */
  readonly reading = computed(() => this.state() && this.focusState());

  constructor() {
    if (typeof document === 'undefined') return;
    document.addEventListener('visibilitychange', () => this.state.set(document.visibilityState === 'visible'));
    window.addEventListener('focus', () => this.focusState.set(true));
    window.addEventListener('blur', () => this.focusState.set(false));
  }
}
