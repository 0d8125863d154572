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
import { estimateAttachmentsHeight } from '../files/attachment-layout';
import { ListRow, MessageAction, MessageItem } from '../message-item/message-item';
import { EventCard } from '../../calendar/event-card/event-card';
import { SystemLine } from '../system-line/system-line';
import { BottomPin } from './bottom-pin';
import { RowBox, lastSeqInView, rowPlace } from './read-position';

/** Closer than this to the top loads the previous page (to the bottom: the next one, when not at the end). */
const LOAD_MORE_THRESHOLD_PX = 400;
const HIGHLIGHT_MS = 1600;
/** A row scrolled to the top (the "New messages" line) keeps this much of the conversation above it in view. */
const SCROLL_CONTEXT_PX = 48;

/**
 * Room above the first row for "Loading earlier messages…" or "This is the beginning…". It is padding, not a
 * row, so that the first message (not this banner) is what stays in place when older messages come in.
 */
const EDGE_PX = 44;

/** A first guess at a row's height (every row is measured once it renders). */
function estimateRowHeight(row: ListRow | undefined): number {
  if (row?.kind === 'system') return row.message.event?.type === 'event_scheduled' ? 170 : 36;
  if (row?.kind !== 'message') return 40;
  return (row.message.body.length > 80 ? 84 : 52) + estimateAttachmentsHeight(row.message.deletedAt ? [] : row.message.attachments);
}

/** Calls back once the element's scroll position and height have held for two frames (or after about a second). */
function whenStill(el: HTMLElement, done: () => void): void {
  let last = '';
  let still = 0;
  let frames = 0;
  const look = () => {
    const now = `${el.scrollTop}/${el.scrollHeight}/${el.clientHeight}`;
    still = now === last ? still + 1 : 0;
    last = now;
    if (still >= 2 || ++frames > 60) done();
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}

/**
 * The conversation, virtually scrolled (only the rows on screen exist in the DOM; heights are measured as
 * they render). It opens at the "New messages" line when there is one, else at the bottom; stays at the
 * bottom while it was there, whatever changes size; keeps its place when older pages are put in front; and
 * reports the newest message the reader has had in view, so that only what was on screen counts as read.
 */
@Component({
  selector: 'app-message-list',
  imports: [MessageItem, SystemLine, EventCard],
  templateUrl: './message-list.html',
  styleUrl: './message-list.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MessageList {
  readonly rows = input.required<ListRow[]>();
  /** The first page is in: the list may take its opening position. */
  readonly ready = input(false);
  readonly hasOlder = input(false);
  readonly loadingOlder = input(false);
  /** Newer messages exist that are not loaded (the list opened at the first unread of a long backlog). */
  readonly hasNewer = input(false);
  readonly loadingNewer = input(false);
  /** Unread messages in the room (below what the reader has seen): the count on the "jump down" button. */
  readonly unreadBelow = input(0);
  /** Where the "New messages" line belongs (my read position at opening), even when its page is not loaded. */
  readonly unreadAfter = input<number | null>(null);
  readonly direct = input(false);
  readonly moderator = input(false);
  readonly offline = input(false);
  readonly archived = input(false);
  /** A message to bring into view and flash once it is loaded (a search result opened in this room). */
  readonly focusSeq = input<number | null>(null);

  readonly loadOlder = output<void>();
  readonly loadNewer = output<void>();
  /** The latest messages are not loaded: the room page loads them, then the list goes to the bottom. */
  readonly loadLatest = output<void>();
  /** The first unread message is not loaded: the room page loads the page around it. */
  readonly loadFirstUnread = output<void>();
  /** The highest seq of a message in view, whenever it changes (the room page decides whether it counts as read). */
  readonly seen = output<number>();
  readonly action = output<MessageAction>();

  private readonly scroller = viewChild<ElementRef<HTMLDivElement>>('scroller');
  private readonly sizer = viewChild<ElementRef<HTMLDivElement>>('sizer');
  private readonly rowElements = viewChildren<ElementRef<HTMLElement>>('rowEl');

  /** Following the end of the conversation (the "jump down" button shows when not). */
  protected readonly atBottom = signal(true);
  /** The "New messages" line is above the viewport (or not loaded yet). */
  protected readonly unreadAbove = signal(false);
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
      scrollPaddingStart: SCROLL_CONTEXT_PX,
      // Older pages go in front without moving what is on screen; following the end is BottomPin's job.
      anchorTo: 'end',
      // Measure in the next frame: resizing rows inside the ResizeObserver callback makes the browser report a loop.
      useAnimationFrameWithResizeObserver: true,
      // Its changes (a scroll, a measured row, the end of a scroll) mark the list for the next change detection,
      // one pass a frame, instead of ticking the whole app after each of them.
      useApplicationRefTick: false,
    };
  });

  private pin: BottomPin | null = null;
  private readonly pinReady = signal(false);
  private opened = false;
  /** Opening scrolls first: what flashes by meanwhile is not "seen". */
  private settled = false;
  private lastSeen = 0;
  private pending: 'latest' | 'unread' | null = null;
  private checkFrame: number | null = null;
  private highlightTimer: ReturnType<typeof setTimeout> | null = null;
  /** The focusSeq already brought into view. */
  private focusedSeq: number | null = null;

  constructor() {
    // Every rendered row is measured (and re-measured by a ResizeObserver when it changes size).
    afterRenderEffect(() => {
      for (const el of this.rowElements()) this.virtualizer.measureElement(el.nativeElement);
    });

    // Opens at the "New messages" line, or else at the newest message.
    afterRenderEffect(() => {
      const rows = this.rows();
      if (this.opened || !this.pinReady() || !this.ready() || rows.length === 0) return;
      this.opened = true;
      untracked(() => {
        const unread = rows.findIndex((r) => r.kind === 'unread');
        if (unread >= 0) this.scrollToRow(unread);
        else this.pin?.pin();
        // Once the virtualizer has measured and placed the rows it scrolled to.
        whenStill(this.scroller()!.nativeElement, () => {
          this.settled = true;
          this.scheduleCheck();
        });
      });
    });

    // A search result opened here: to that message once its page is in, in place of the usual opening position.
    afterRenderEffect(() => {
      const seq = this.focusSeq();
      const rows = this.rows();
      if (seq === null) {
        this.focusedSeq = null;
        return;
      }
      if (!this.pinReady() || seq === this.focusedSeq) return;
      const row = rows.find((r) => r.kind === 'message' && r.message.seq === seq);
      if (!row || row.kind !== 'message') return;
      untracked(() => {
        this.focusedSeq = seq;
        this.opened = true;
        this.pending = null;
        this.scrollToMessage(row.message.id);
        whenStill(this.scroller()!.nativeElement, () => {
          this.settled = true;
          this.scheduleCheck();
        });
      });
    });

    // A jump that had to load its page first goes on once the page is in.
    afterRenderEffect(() => {
      const rows = this.rows();
      const hasNewer = this.hasNewer();
      untracked(() => {
        if (this.pending === 'latest' && !hasNewer) {
          this.pending = null;
          this.pin?.pin();
        } else if (this.pending === 'unread') {
          const unread = rows.findIndex((r) => r.kind === 'unread');
          if (unread >= 0) {
            this.pending = null;
            this.scrollToRow(unread);
          }
        }
        this.scheduleCheck();
      });
    });

    // A page too short to scroll cannot be scrolled to ask for more: ask now.
    afterRenderEffect(() => {
      const total = this.virtualizer.getTotalSize();
      const older = this.hasOlder() && !this.loadingOlder();
      const newer = this.hasNewer() && !this.loadingNewer();
      if (!older && !newer) return;
      // The scroller's scrollHeight costs a layout after every arrival: not read when the rows are known to be
      // taller than the viewport (the sizer is that tall, so the scroller can scroll).
      const viewport = this.virtualizer.scrollRect()?.height;
      if (viewport && total > viewport + 8) return;
      const el = this.scroller()?.nativeElement;
      if (!el || el.scrollHeight > el.clientHeight + 8) return;
      if (older) untracked(() => this.loadOlder.emit());
      if (newer) untracked(() => this.loadNewer.emit());
    });

    // At the end of what is loaded is not the end of the conversation while newer pages are missing.
    effect(() => {
      if (this.hasNewer()) untracked(() => this.pin?.unpin());
    });

    const destroyRef = inject(DestroyRef);
    afterNextRender(() => {
      const el = this.scroller()!.nativeElement;
      this.pin = new BottomPin(el, this.sizer()!.nativeElement, {
        canPin: () => !this.hasNewer(),
        changed: (pinned) => this.atBottom.set(pinned),
      });
      this.pinReady.set(true);
      const onScroll = () => this.scrolled(el);
      const onFocus = () => this.scheduleCheck();
      el.addEventListener('scroll', onScroll, { passive: true });
      window.addEventListener('focus', onFocus);
      destroyRef.onDestroy(() => {
        el.removeEventListener('scroll', onScroll);
        window.removeEventListener('focus', onFocus);
        this.pin?.destroy();
      });
    });
    destroyRef.onDestroy(() => {
      if (this.highlightTimer) clearTimeout(this.highlightTimer);
      if (this.checkFrame !== null) cancelAnimationFrame(this.checkFrame);
    });
  }

  /** To the newest message (loading it first when it is not held), and stay there. */
  scrollToBottom(): void {
    if (this.hasNewer()) {
      this.pending = 'latest';
      this.loadLatest.emit();
      return;
    }
    this.pending = null;
    this.pin?.pin();
  }

  /** To the "New messages" line (loading its page first when it is not held). */
  scrollToFirstUnread(): void {
    const index = this.rows().findIndex((r) => r.kind === 'unread');
    if (index >= 0) {
      this.pending = null;
      this.scrollToRow(index);
      return;
    }
    this.pending = 'unread';
    this.loadFirstUnread.emit();
  }

  /** Brings a loaded message into view and flashes it; false when it is not loaded. */
  scrollToMessage(messageId: string): boolean {
    const index = this.rows().findIndex((r) => r.kind === 'message' && r.message.id === messageId);
    if (index < 0) return false;
    this.pin?.unpin();
    this.virtualizer.scrollToIndex(index, { align: 'center' });
    this.highlighted.set(this.rows()[index]!.key);
    if (this.highlightTimer) clearTimeout(this.highlightTimer);
    this.highlightTimer = setTimeout(() => this.highlighted.set(null), HIGHLIGHT_MS);
    return true;
  }

  private scrollToRow(index: number): void {
    this.pin?.unpin();
    this.virtualizer.scrollToIndex(index, { align: 'start' });
  }

  private scrolled(el: HTMLElement): void {
    this.pin?.scrolled();
    if (el.scrollTop < LOAD_MORE_THRESHOLD_PX && this.hasOlder() && !this.loadingOlder()) this.loadOlder.emit();
    const fromEnd = el.scrollHeight - el.scrollTop - el.clientHeight;
    if (fromEnd < LOAD_MORE_THRESHOLD_PX && this.hasNewer() && !this.loadingNewer()) this.loadNewer.emit();
    this.scheduleCheck();
  }

  /** Once a frame at most: what is in view (for the read position and the "first unread" button). */
  private scheduleCheck(): void {
    if (this.checkFrame !== null) return;
    this.checkFrame = requestAnimationFrame(() => {
      this.checkFrame = null;
      this.checkView();
    });
  }

  private checkView(): void {
    const el = this.scroller()?.nativeElement;
    if (!el || !this.opened) return;
    this.pin?.recheck();
    const view = el.getBoundingClientRect();
    const rows = this.rows();
    const boxes: RowBox[] = [];
    let unreadPlace: 'above' | 'in-view' | 'below' | null = null;
    let firstRendered = Infinity;
    for (const ref of this.rowElements()) {
      const index = Number(ref.nativeElement.dataset['index']);
      const row = rows[index];
      if (!row) continue;
      firstRendered = Math.min(firstRendered, index);
      const rect = ref.nativeElement.getBoundingClientRect();
      if (row.kind === 'unread') unreadPlace = rowPlace(rect, view.top, view.bottom);
      // A system line read is read too: the marker moves over it (it never counted as unread).
      if (row.kind === 'message' || row.kind === 'system') {
        boxes.push({ seq: row.message.state === 'sent' ? row.message.seq : null, top: rect.top, bottom: rect.bottom });
      }
    }
    this.unreadAbove.set(this.isUnreadAbove(rows, unreadPlace, firstRendered));
    if (!this.settled) return;
    const seq = lastSeqInView(boxes, view.top, view.bottom);
    if (seq > 0 && seq !== this.lastSeen) {
      this.lastSeen = seq;
      this.seen.emit(seq);
    }
  }

  private isUnreadAbove(rows: readonly ListRow[], place: 'above' | 'in-view' | 'below' | null, firstRendered: number): boolean {
    if (place !== null) return place === 'above';
    const index = rows.findIndex((r) => r.kind === 'unread');
    if (index >= 0) return index < firstRendered;
    // Not loaded: above when the held messages all come after it.
    const after = this.unreadAfter();
    const first = rows.find((r) => r.kind === 'message' || r.kind === 'system');
    return after !== null && this.hasOlder() && (first?.kind === 'message' || first?.kind === 'system') && first.message.seq > after + 1;
  }
}
