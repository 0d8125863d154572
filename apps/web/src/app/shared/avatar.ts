import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

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

/** A round badge with the user's initials: decorative, the name is always shown next to it. */
@Component({
  selector: 'app-avatar',
  template: `{{ initials() }}`,
  host: {
    'aria-hidden': 'true',
    '[class]': '"avatar avatar-" + size() + " tone-" + tone()',
  },
  styles: `
    :host {
      display: inline-grid;
      place-items: center;
      flex: none;
      border-radius: 50%;
      font-weight: 650;
      color: #fff;
      user-select: none;
    }
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
  readonly size = input<'sm' | 'md' | 'lg'>('md');

  protected readonly initials = computed(() => initialsOf(this.name()));
  protected readonly tone = computed(() => paletteIndex(this.seed() || this.name()));
}
