import { ChangeDetectionStrategy, Component, ElementRef, OnDestroy, ViewEncapsulation, afterNextRender, inject, input, output, signal } from '@angular/core';

/** Where the build puts emoji-picker-element-data's English emojibase file (see the assets in project.json). */
export const EMOJI_DATA_PATH = 'assets/emoji/data.json';

type PickerModule = typeof import('emoji-picker-element');

let pickerModule: Promise<PickerModule> | null = null;

/**
 * emoji-picker-element renders some of its inline styles with `setAttribute('style', …)`, which the page's CSP
 * (no 'unsafe-inline' for styles) blocks and reports. Applying the same declarations through the CSSOM is allowed
 * and means the same, so for the picker's own elements — those in its shadow root, or still in the inert template
 * document it clones them from — `setAttribute('style')` is routed to `style.cssText`. Markup from anywhere else
 * is untouched, and parsed HTML never goes through setAttribute, so the CSP still stops injected style attributes.
 */
function routePickerStylesThroughCssom(): void {
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (this: Element, name: string, value: string): void {
    if (name === 'style' && (this instanceof HTMLElement || this instanceof SVGElement) && belongsToPicker(this)) {
      this.style.cssText = String(value);
      return;
    }
    setAttribute.call(this, name, value);
  };
}

function belongsToPicker(el: Element): boolean {
  if (el.ownerDocument !== document) return true;
  const root = el.getRootNode();
  return root instanceof ShadowRoot && root.host.localName === 'emoji-picker';
}

function loadPicker(): Promise<PickerModule> {
  pickerModule ??= import('emoji-picker-element').then((module) => {
    routePickerStylesThroughCssom();
    return module;
  });
  return pickerModule;
}

/**
 * The emoji picker (emoji-picker-element, data served from this origin). It is created in code rather than in
 * the template so that its stylesheet can be moved into a constructed stylesheet before it is attached: the
 * `<style>` element it makes for its shadow root would otherwise be blocked by the CSP.
 */
@Component({
  selector: 'app-emoji-picker',
  template: `
    @if (failed()) {
      <p class="emoji-picker-error" role="alert">The emoji picker could not load.</p>
    }
  `,
  styleUrl: './emoji-picker.css',
  encapsulation: ViewEncapsulation.None,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EmojiPicker implements OnDestroy {
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  private picker: HTMLElement | null = null;
  private destroyed = false;

  /**
   * Whether the search field takes the focus when the picker opens. Not on a touch screen: the keyboard would
   * come up and cover the emoji.
   */
  readonly focusOnOpen = input(true);
  /** The chosen emoji, as Unicode text (the picker stays open for more). */
  readonly picked = output<string>();
  protected readonly failed = signal(false);

  constructor() {
    afterNextRender(() => void this.create());
  }

  ngOnDestroy(): void {
    this.destroyed = true;
    this.picker?.remove();
  }

  /** Moves keyboard focus into the picker's search field. */
  focusSearch(): void {
    const search = this.picker?.shadowRoot?.querySelector<HTMLInputElement>('input.search');
    search?.focus();
  }

  private async create(): Promise<void> {
    let module: PickerModule;
    try {
      module = await loadPicker();
    } catch {
      this.failed.set(true);
      return;
    }
    if (this.destroyed) return;
    const picker = new module.Picker({ dataSource: new URL(EMOJI_DATA_PATH, document.baseURI).href, locale: 'en' });
    adoptShadowStyles(picker);
    picker.addEventListener('emoji-click', (event) => {
      const unicode = event.detail.unicode;
      if (unicode) this.picked.emit(unicode);
    });
    this.picker = picker;
    this.host.appendChild(picker);
    if (this.focusOnOpen()) requestAnimationFrame(() => this.focusSearch());
  }
}

/** Replaces the picker's `<style>` with an equivalent constructed stylesheet (not subject to style-src). */
function adoptShadowStyles(picker: HTMLElement): void {
  const root = picker.shadowRoot;
  const style = root?.querySelector('style');
  if (!root || !style) return;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(style.textContent ?? '');
  style.remove();
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}
