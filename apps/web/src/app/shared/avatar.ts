import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import { PresenceStatus } from '@parley/contracts';

const PALETTE_SIZE = 8;

/** Up to two initials from a display name ("Ada Lovelace" -> "AL", "ada" -> "A"); words starting with a letter first. */
export function initialsOf(name: string): string {
  const all = name.trim().split(/\s+/).filter(Boolean);
  const lettered = all.filter((w) => /^\p{L}/u.test(w));
  const words = lettered.length > 0 ? lettered : all;
  if (words.length === 0) return '?';
  const letters = words.length === 1 ? [words[0]] : [words[0], words[words.length - 1]];
  return letters.map((w) => Array.from(w)[0]!.toUpperCase()).join('');
}

/** The same person always gets the same colour. */
export function paletteIndex(seed: string): number {
  let hash = 0;
  for (const ch of seed) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  return hash % PALETTE_SIZE;
}

/**
 * A round badge with the user's picture (`src`, their avatarUrl) or, without one or while it cannot be loaded,
 * their initials. Decorative: the name is always shown next to it, and so is the presence where it matters
 * (the optional `presence` dot repeats it for the eye).
 */
@Component({
  selector: 'app-avatar',
  template: `
    @if (showImage()) {
      <img class="avatar-image" [src]="src()" alt="" loading="lazy" decoding="async" draggable="false" (error)="imageFailed()" />
    } @else {
      {{ initials() }}
    }
    @if (dot(); as status) {
      <span [class]="'presence-dot presence-' + status"></span>
    }
  `,
  host: {
    'aria-hidden': 'true',
    '[class]': '"avatar avatar-" + size() + " tone-" + tone()',
  },
  styles: `
    :host {
      position: relative;
      display: inline-grid;
      place-items: center;
      flex: none;
      border-radius: 50%;
      font-weight: 650;
      color: #fff;
      user-select: none;
    }
    .avatar-image {
      width: 100%;
      height: 100%;
      border-radius: 50%;
      object-fit: cover;
      background: var(--surface-muted);
    }
    .presence-dot {
      position: absolute;
      right: -1px;
      bottom: -1px;
      width: 30%;
      height: 30%;
      min-width: 9px;
      min-height: 9px;
      border: 2px solid var(--avatar-ring, var(--surface));
      border-radius: 50%;
    }
    .presence-online { background: #22a05b; }
    .presence-away { background: #e0a100; }
    :host(.avatar-sm) {
      width: 32px;
      height: 32px;
      font-size: 0.8rem;
    }
    :host(.avatar-md) {
      width: 40px;
      height: 40px;
      font-size: 0.95rem;
    }
    :host(.avatar-lg) {
      width: 64px;
      height: 64px;
      font-size: 1.4rem;
    }
    :host(.avatar-xl) {
      width: 112px;
      height: 112px;
      font-size: 2.4rem;
    }
    :host(.tone-0) { background: #5b5bd6; }
    :host(.tone-1) { background: #0e7c86; }
    :host(.tone-2) { background: #c2410c; }
    :host(.tone-3) { background: #be185d; }
    :host(.tone-4) { background: #4d7c0f; }
    :host(.tone-5) { background: #7c3aed; }
    :host(.tone-6) { background: #0369a1; }
    :host(.tone-7) { background: #a16207; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Avatar {
  readonly name = input.required<string>();
  /** Something stable (the user id) so a rename keeps the colour. */
  readonly seed = input<string>('');
  readonly size = input<'sm' | 'md' | 'lg' | 'xl'>('md');
  /** The user's picture (their `avatarUrl`); the initials stand in without one or when it fails to load. */
  readonly src = input<string | null | undefined>(null);
  /** Draws a small dot: green online, amber away, nothing offline. */
  readonly presence = input<PresenceStatus | null | undefined>(null);

  /** The picture that failed to load; a new `src` is tried afresh. */
  private readonly failedSrc = signal<string | null>(null);

  protected readonly initials = computed(() => initialsOf(this.name()));
  protected readonly tone = computed(() => paletteIndex(this.seed() || this.name()));
  protected readonly showImage = computed(() => {
    const src = this.src();
    return !!src && src !== this.failedSrc();
  });
  protected readonly dot = computed(() => {
    const status = this.presence();
    return status === PresenceStatus.Online || status === PresenceStatus.Away ? status : null;
  });

  protected imageFailed(): void {
    this.failedSrc.set(this.src() ?? null);
  }
}
