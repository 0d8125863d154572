import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { CalendarNotice } from '@parley/contracts';
import { CalendarNotices } from './calendar-notices';
import { noticeWords } from './notice-wording';

/** The calendar's notices as cards over the page (bottom right; across the top on a phone), newest first. */
@Component({
  selector: 'app-calendar-notice-toasts',
  template: `
    <section class="toasts" aria-label="Calendar reminders" aria-live="polite">
      @for (item of items(); track item.notice.id) {
        <article class="toast" [class.cancelled]="item.notice.kind === 'cancelled'" [attr.aria-labelledby]="'notice-' + item.notice.id">
          <svg class="toast-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            @if (item.notice.kind === 'cancelled') {
              <path d="M4 7h16v13H4zM4 11h16M8 4v5M16 4v5M10 14l4 4M14 14l-4 4" />
            } @else {
              <path d="M6 16V11a6 6 0 1 1 12 0v5l1.5 2h-15L6 16zM10 20a2 2 0 0 0 4 0" />
            }
          </svg>
          <div class="toast-text">
            <h2 class="toast-title" [id]="'notice-' + item.notice.id">{{ item.words.title }}</h2>
            <p class="toast-body">{{ item.words.body }}</p>
          </div>
          <div class="toast-actions">
            <button type="button" class="btn btn-secondary btn-sm" (click)="notices.open(item.notice)">Open room</button>
            <button type="button" class="dismiss" [attr.aria-label]="'Dismiss ' + item.words.title" (click)="notices.dismiss(item.notice)">
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" /></svg>
            </button>
          </div>
        </article>
      }
    </section>
  `,
  styles: `
    :host {
      position: fixed;
      right: 1rem;
      bottom: 1rem;
      z-index: 900;
      width: min(24rem, calc(100vw - 2rem));
      pointer-events: none;
    }
    .toasts {
      display: flex;
      flex-direction: column;
      gap: 0.5rem;
    }
    .toast {
      pointer-events: auto;
      display: grid;
      grid-template-columns: auto 1fr;
      gap: 0.25rem 0.75rem;
      padding: 0.75rem 0.75rem 0.75rem 1rem;
      background: var(--surface);
      color: var(--text);
      border: 1px solid var(--border-strong);
      border-left: 4px solid var(--color-blue);
      border-radius: var(--radius);
      box-shadow: var(--shadow-lg);
    }
    .toast.cancelled {
      border-left-color: var(--danger);
    }
    .toast-icon {
      width: 1.5rem;
      height: 1.5rem;
      fill: none;
      stroke: currentColor;
      stroke-width: 1.8;
      stroke-linecap: round;
      stroke-linejoin: round;
      margin-top: 0.1rem;
    }
    .toast-title {
      margin: 0;
      font-size: 0.95rem;
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .toast-body {
      margin: 0.15rem 0 0;
      font-size: 0.875rem;
      color: var(--text-muted);
    }
    .toast-actions {
      grid-column: 2;
      display: flex;
      justify-content: space-between;
      align-items: center;
      gap: 0.5rem;
      margin-top: 0.35rem;
    }
    .dismiss {
      display: inline-grid;
      place-items: center;
      width: 2rem;
      height: 2rem;
      padding: 0;
      border: 0;
      border-radius: var(--radius-sm);
      background: transparent;
      color: var(--text-muted);
      cursor: pointer;
    }
    .dismiss:hover {
      background: var(--surface-muted);
      color: var(--text);
    }
    .dismiss:focus-visible {
      outline: 2px solid var(--focus-ring);
      outline-offset: 1px;
    }
    .dismiss svg {
      width: 1.1rem;
      height: 1.1rem;
      fill: none;
      stroke: currentColor;
      stroke-width: 2;
      stroke-linecap: round;
    }
    @media (max-width: 640px) {
      :host {
        top: 0.5rem;
        bottom: auto;
        left: 0.5rem;
        right: 0.5rem;
        width: auto;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CalendarNoticeToasts {
  protected readonly notices = inject(CalendarNotices);
  /** Moves every 15 s so the wording counts down ("Starts in 5 minutes"). */
  private readonly tick = signal(0);

  protected readonly items = computed(() => {
    this.tick();
    // The time now, not the last tick's: a notice that arrives between ticks must not count from up to 15 s ago
    // (it would say a minute more than is left).
    const now = new Date();
    return this.notices.shown().map((notice: CalendarNotice) => ({ notice, words: noticeWords(notice, now, this.notices.title(notice)) }));
  });

  constructor() {
    this.notices.start();
    const timer = setInterval(() => this.tick.update((n) => n + 1), 15_000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }
}
