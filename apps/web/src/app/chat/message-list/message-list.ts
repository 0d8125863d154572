import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterNextRender,
  afterRenderEffect,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
  viewChildren,
} from '@angular/core';
import { injectVirtualizer } from '@tanstack/angular-virtual';
import { ListRow, MessageAction, MessageItem } from '../message-item/message-item';
import { TimelineRow } from '../timeline';

/** Within this many pixels of the end counts as "at the bottom" (new messages keep it there). */
const BOTTOM_THRESHOLD_PX = 48;
/** Closer than this to the top loads the previous page. */
const LOAD_OLDER_THRESHOLD_PX = 400;
const HIGHLIGHT_MS = 1600;

/**
 * Room above the first row for "Loading earlier messages…" or "This is the beginning…". It is padding, not a
 * row, so that the first message (not this banner) is what stays in place when older messages come in.
 */
const EDGE_PX = 44;

/** A first guess at a row's height (every row is measured once it renders). */
function estimateRowHeight(row: ListRow | undefined): number {
  if (row?.kind !== 'message') return 40;
  return row.message.body.length > 80 ? 84 : 52;
}

/** New rows at the end since the row with this key (messages only, mine excluded). */
export function arrivedAfter(rows: readonly TimelineRow[], previousLastKey: string | null): number {
  if (previousLastKey === null) return 0;
  const at = rows.findIndex((r) => r.key === previousLastKey);
  if (at < 0) return 0;
  return rows.slice(at + 1).filter((r) => r.kind === 'message' && !r.mine).length;
}

/**
 * The conversation, virtually scrolled (only the rows on screen exist in the DOM; heights are measured as
 * they render). It opens at the bottom, stays there while new messages arrive, keeps its place when older
 * pages are put in front, and offers a jump back down when scrolled up.
 */
@Component({
  selector: 'app-message-list',
  imports: [MessageItem],
  templateUrl: './message-list.html',
  styleUrl: './message-list.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MessageList {
  readonly rows = input.required<ListRow[]>();
  readonly hasOlder = input(false);
  readonly loadingOlder = input(false);
  readonly direct = input(false);
  readonly moderator = input(false);
  readonly offline = input(false);
  readonly archived = input(false);

  readonly loadOlder = output<void>();
  readonly atBottomChange = output<boolean>();
  readonly action = output<MessageAction>();

  private readonly scroller = viewChild<ElementRef<HTMLDivElement>>('scroller');
  private readonly rowElements = viewChildren<ElementRef<HTMLElement>>('rowEl');

  protected readonly atBottom = signal(true);
  /** Messages from others that arrived while scrolled up. */
  protected readonly unseen = signal(0);
  protected readonly highlighted = signal<string | null>(null);

  protected readonly virtualizer = injectVirtualizer<HTMLDivElement, HTMLElement>(() => {
    const rows = this.rows();
    return {
      scrollElement: this.scroller(),
      count: rows.length,
      estimateSize: (i) => estimateRowHeight(rows[i]),
      getItemKey: (i) => rows[i]?.key ?? i,
      overscan: 8,
      paddingStart: EDGE_PX,
      paddingEnd: 8,
      anchorTo: 'end',
      followOnAppend: true,
      scrollEndThreshold: BOTTOM_THRESHOLD_PX,
      // Measure in the next frame: resizing rows inside the ResizeObserver callback makes the browser report a loop.
      useAnimationFrameWithResizeObserver: true,
    };
  });

  private lastKey: string | null = null;
  private opened = false;
  private highlightTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    // Every rendered row is measured (and re-measured by a ResizeObserver when it changes size).
    afterRenderEffect(() => {
      for (const el of this.rowElements()) this.virtualizer.measureElement(el.nativeElement);
    });

    // Opens at the newest message.
    afterRenderEffect(() => {
      const count = this.rows().length;
      if (this.opened || count === 0) return;
      this.opened = true;
      this.virtualizer.scrollToIndex(count - 1, { align: 'end' });
    });

    // While scrolled up, count what arrives for the "New messages" button.
    effect(() => {
      const rows = this.rows();
      const previous = this.lastKey;
      this.lastKey = rows.at(-1)?.key ?? null;
      if (untracked(this.atBottom)) return;
      const added = arrivedAfter(rows, previous);
      if (added > 0) untracked(() => this.unseen.update((n) => n + added));
    });

    // A page too short to scroll cannot be scrolled up to ask for more: ask now.
    afterRenderEffect(() => {
      this.virtualizer.getTotalSize();
      const el = this.scroller()?.nativeElement;
      if (el && this.hasOlder() && !this.loadingOlder() && el.scrollHeight <= el.clientHeight + 8) untracked(() => this.loadOlder.emit());
    });

    const destroyRef = inject(DestroyRef);
    afterNextRender(() => {
      const el = this.scroller()!.nativeElement;
      const onScroll = () => this.scrolled(el);
      el.addEventListener('scroll', onScroll, { passive: true });
      destroyRef.onDestroy(() => el.removeEventListener('scroll', onScroll));
    });
    destroyRef.onDestroy(() => {
      if (this.highlightTimer) clearTimeout(this.highlightTimer);
    });
  }

  scrollToBottom(): void {
    const count = this.rows().length;
    if (count > 0) this.virtualizer.scrollToIndex(count - 1, { align: 'end' });
    this.unseen.set(0);
  }

  /** Brings a loaded message into view and flashes it; false when it is not loaded. */
  scrollToMessage(messageId: string): boolean {
    const index = this.rows().findIndex((r) => r.kind === 'message' && r.message.id === messageId);
    if (index < 0) return false;
    this.virtualizer.scrollToIndex(index, { align: 'center' });
    this.highlighted.set(this.rows()[index]!.key);
    if (this.highlightTimer) clearTimeout(this.highlightTimer);
    this.highlightTimer = setTimeout(() => this.highlighted.set(null), HIGHLIGHT_MS);
    return true;
  }

  private scrolled(el: HTMLElement): void {
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_THRESHOLD_PX;
    if (atBottom !== this.atBottom()) {
      this.atBottom.set(atBottom);
      this.atBottomChange.emit(atBottom);
    }
    if (atBottom) this.unseen.set(0);
    if (el.scrollTop < LOAD_OLDER_THRESHOLD_PX && this.hasOlder() && !this.loadingOlder()) this.loadOlder.emit();
  }
}
