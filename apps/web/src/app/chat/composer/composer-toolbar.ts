import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, Injector, afterNextRender, computed, inject, input, output, signal, viewChild } from '@angular/core';
import { TEXT_COLORS, TextColor } from '../message-body/render-markdown';
import type { FormatState } from './editor/message-editor';
import { FORMAT_TOOLS, FormatCommand, FormatTool } from './format-tools';
import { linkAddress } from './link-address';
import { popoverLeft } from './popover-position';

const COLOR_LABELS: Record<TextColor, string> = {
  red: 'Red',
  orange: 'Orange',
  green: 'Green',
  blue: 'Blue',
  purple: 'Purple',
  gray: 'Gray',
};

const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent);
/**
 * The composer's formatting toolbar: one tab stop (arrow keys move inside), buttons pressed while the format is
 * on at the cursor, a colour palette and a link field that open next to their buttons. On a narrow screen it
 * scrolls sideways, with a fade on the side where there is more.
 */
@Component({
  selector: 'app-composer-toolbar',
  templateUrl: './composer-toolbar.html',
  styleUrl: './composer-toolbar.css',
  host: { '(document:pointerdown)': 'closeOnOutsidePress($event)' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ComposerToolbar {
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  private readonly injector = inject(Injector);
  private readonly destroyRef = inject(DestroyRef);

  readonly state = input.required<FormatState>();
  readonly disabled = input(false);
  /** The id of the text field the toolbar formats (and the prefix of the toolbar's own ids). */
  readonly controls = input.required<string>();
  /** The text field is there (its code loads a moment after the page): only then may the toolbar point at it. */
  readonly fieldReady = input(false);

  readonly format = output<Exclude<FormatCommand, 'link'>>();
  readonly color = output<TextColor | null>();
  /** An address for the selection, or null to take its link away. */
  readonly link = output<string | null>();
  /** A popover closed: the text field gets the focus back. */
  readonly done = output<void>();

  protected readonly tools = FORMAT_TOOLS;
  protected readonly colors = TEXT_COLORS.map((value) => ({ value, label: COLOR_LABELS[value] }));
  protected readonly popover = signal<'color' | 'link' | null>(null);
  protected readonly linkError = signal(false);
  /** The toolbar button that is in the tab order (arrows move within the toolbar). */
  protected readonly activeTool = signal(0);
  protected readonly moreBefore = signal(false);
  protected readonly moreAfter = signal(false);
  protected readonly toolCount = FORMAT_TOOLS.length + 1;
  protected readonly colorIndex = FORMAT_TOOLS.length;
  protected readonly colorLabel = computed(() => {
    const current = this.state().color;
    return current ? `Text colour: ${COLOR_LABELS[current]}` : 'Text colour';
  });

  private readonly strip = viewChild.required<ElementRef<HTMLElement>>('strip');

  constructor() {
    afterNextRender(() => {
      const strip = this.strip().nativeElement;
      this.updateFades();
      const observer = new ResizeObserver(() => this.updateFades());
      observer.observe(strip);
      this.destroyRef.onDestroy(() => observer.disconnect());
    });
  }

  protected isPressed(tool: FormatTool): boolean {
    return this.state().active.has(tool.command);
  }

  protected titleFor(tool: FormatTool): string {
    if (!tool.keys) return tool.label;
    const keys = IS_MAC ? tool.keys.replace('Shift+', '⇧').replace('Alt+', '⌥') : tool.keys;
    return `${tool.label} (${IS_MAC ? '⌘' : 'Ctrl+'}${keys})`;
  }

  protected shortcutsFor(tool: FormatTool): string | null {
    return tool.keys ? `Control+${tool.keys} Meta+${tool.keys}` : null;
  }

  protected use(tool: FormatTool): void {
    if (tool.command === 'link') this.togglePopover('link');
    else this.format.emit(tool.command);
  }

  /** Opens the link field (Ctrl/Cmd+K). */
  openLink(): void {
    if (this.popover() !== 'link') this.togglePopover('link');
  }

  protected togglePopover(which: 'color' | 'link'): void {
    const open = this.popover() === which ? null : which;
    this.popover.set(open);
    this.linkError.set(false);
    if (!open) return;
    afterNextRender(
      {
        write: () => {
          this.placePopover(open);
          const first = this.host.querySelector<HTMLElement>(open === 'color' ? '.swatch' : '.link-field');
          first?.focus();
          if (first instanceof HTMLInputElement) first.select();
        },
      },
      { injector: this.injector },
    );
  }

  protected pickColor(color: TextColor | null): void {
    this.popover.set(null);
    this.color.emit(color);
  }

  protected applyLink(event: Event, field: HTMLInputElement): void {
    event.preventDefault();
    const href = linkAddress(field.value);
    if (!href) {
      this.linkError.set(true);
      return;
    }
    this.popover.set(null);
    this.link.emit(href);
  }

  protected removeLink(): void {
    this.popover.set(null);
    this.link.emit(null);
  }

  protected close(): void {
    if (!this.popover()) return;
    this.popover.set(null);
    this.done.emit();
  }

  protected closeOnOutsidePress(event: Event): void {
    if (!this.popover()) return;
    const target = event.target as Node | null;
    const inside = this.host.querySelector('.popover')?.contains(target) || (target instanceof Element && target.closest('[data-popover-toggle]') && this.host.contains(target));
    if (!inside) this.popover.set(null);
  }

  /** Arrow keys, Home and End move between toolbar buttons. */
  protected moveInToolbar(event: KeyboardEvent): void {
    const count = this.toolCount;
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, Home: -Infinity, End: Infinity };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    const current = this.activeTool();
    const next = move === -Infinity ? 0 : move === Infinity ? count - 1 : (current + move + count) % count;
    this.activeTool.set(next);
    const button = this.host.querySelectorAll<HTMLButtonElement>('[data-tool]')[next];
    button?.focus();
    button?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  protected updateFades(): void {
    const strip = this.strip().nativeElement;
    this.moreBefore.set(strip.scrollLeft > 1);
    this.moreAfter.set(strip.scrollLeft + strip.clientWidth < strip.scrollWidth - 1);
    // A popover stays next to its button while the strip scrolls.
    const open = this.popover();
    if (open) this.placePopover(open);
  }

  private placePopover(which: 'color' | 'link'): void {
    const popover = this.host.querySelector<HTMLElement>('.popover');
    const anchor = this.host.querySelector<HTMLElement>(which === 'color' ? '.tool-color' : '.tool-link');
    if (!popover || !anchor) return;
    const left = popoverLeft(anchor.getBoundingClientRect(), this.host.getBoundingClientRect(), popover.offsetWidth, document.documentElement.clientWidth);
    popover.style.left = `${left}px`;
  }
}
