import { Injectable, signal } from '@angular/core';

/** The width below which the app is laid out for phones (the same breakpoint as the CSS). */
export const PHONE_QUERY = '(max-width: 767px)';

/** Phone or wider: the layout differs (one screen at a time on phones), not just the styling. */
@Injectable({ providedIn: 'root' })
export class Viewport {
  private readonly query = typeof matchMedia === 'undefined' ? null : matchMedia(PHONE_QUERY);
  private readonly isPhone = signal(this.query?.matches ?? false);
  readonly phone = this.isPhone.asReadonly();

  constructor() {
    this.query?.addEventListener('change', (e) => this.isPhone.set(e.matches));
  }
}
