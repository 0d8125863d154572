import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** The Parley mark (two speech bubbles), optionally with the word mark. */
@Component({
  selector: 'app-logo',
  template: `
    <svg class="mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="9" class="mark-bg" />
      <path class="mark-back" d="M12 7h11a4 4 0 0 1 4 4v6a4 4 0 0 1-4 4h-1v3.2L18.6 21H12a4 4 0 0 1-4-4v-6a4 4 0 0 1 4-4z" />
      <path class="mark-front" d="M9 12h10a4 4 0 0 1 4 4v5a4 4 0 0 1-4 4h-6l-4 3v-3a4 4 0 0 1-4-4v-5a4 4 0 0 1 4-4z" />
    </svg>
    @if (withName()) {
      <span class="name">Parley</span>
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      align-items: center;
      gap: 0.6rem;
    }
    .mark {
      width: var(--logo-size, 32px);
      height: var(--logo-size, 32px);
      flex: none;
    }
    .mark-bg {
      fill: var(--brand-500);
    }
    .mark-back {
      fill: #fff;
      opacity: 0.45;
    }
    .mark-front {
      fill: #fff;
    }
    .name {
      font-weight: 750;
      font-size: 1.15rem;
      letter-spacing: -0.01em;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Logo {
  readonly withName = input(true);
}
