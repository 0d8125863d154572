import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { FileCategory, fileCategory } from '@parley/contracts';

/** The paths of each kind's icon (24×24, stroked). */
const PATHS: Record<FileCategory, string[]> = {
  image: ['M4 5h16v14H4z', 'M4 16l4.5-4.5 3.5 3.5 2.5-2.5L20 17', 'M15.5 9.2h.01'],
  video: ['M4 6h11v12H4z', 'M15 10l5-3v10l-5-3'],
  audio: ['M9 18V6l10-2v12', 'M9 18a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0z', 'M19 16a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0z'],
  document: ['M6 3h8l4 4v14H6z', 'M14 3v4h4', 'M9 12h6M9 15h6M9 18h4'],
  other: ['M6 3h8l4 4v14H6z', 'M14 3v4h4'],
};

/** A file's kind as an icon on a tinted tile (decorative: the file's name and type are said next to it). */
@Component({
  selector: 'app-file-icon',
  template: `
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      @for (d of paths(); track $index) {
        <path [attr.d]="d" />
      }
    </svg>
  `,
  styles: `
    :host {
      display: inline-grid;
      place-items: center;
      flex: none;
      width: 40px;
      height: 40px;
      border-radius: 8px;
      background: color-mix(in srgb, var(--tint) 14%, var(--surface));
      color: var(--tint);
      --tint: var(--brand-500);
    }
    :host([data-kind='image']) { --tint: #2f855a; }
    :host([data-kind='video']) { --tint: #b7472a; }
    :host([data-kind='audio']) { --tint: #8a4fbf; }
    :host([data-kind='document']) { --tint: #2b6cb0; }
    :host([data-kind='other']) { --tint: #5f6376; }
    @media (prefers-color-scheme: dark) {
      :host { --tint: #a5a4ff; }
      :host([data-kind='image']) { --tint: #6fcf97; }
      :host([data-kind='video']) { --tint: #ff9a7a; }
      :host([data-kind='audio']) { --tint: #d3a4f5; }
      :host([data-kind='document']) { --tint: #7cb8ff; }
      :host([data-kind='other']) { --tint: #a9abbd; }
    }
    svg {
      width: 22px;
      height: 22px;
      fill: none;
      stroke: currentColor;
      stroke-width: 1.8;
      stroke-linecap: round;
      stroke-linejoin: round;
    }
  `,
  host: { '[attr.data-kind]': 'kind()' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FileIcon {
  /** The file's (sniffed or declared) type. */
  readonly mime = input.required<string>();
  protected readonly kind = computed(() => fileCategory(this.mime()));
  protected readonly paths = computed(() => PATHS[this.kind()]);
}
