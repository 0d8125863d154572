import { Injectable, signal } from '@angular/core';

/** Whether the tab is on screen (messages count as read only then; notifications only show when it is not). */
@Injectable({ providedIn: 'root' })
export class PageVisibility {
  private readonly state = signal(typeof document === 'undefined' || document.visibilityState === 'visible');
  readonly visible = this.state.asReadonly();

  constructor() {
    if (typeof document === 'undefined') return;
    document.addEventListener('visibilitychange', () => this.state.set(document.visibilityState === 'visible'));
  }
}
