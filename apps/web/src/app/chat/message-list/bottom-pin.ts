/** Within this many pixels of the end counts as "at the bottom". */
export const BOTTOM_THRESHOLD_PX = 48;

/**
 * Whether a scroll position leaves the list pinned to its end. Only the reader moving up unpins it: a
 * position that moved down (the list catching up with content that grew) never does, and anything within
 * the threshold of the end pins it again.
 */
export function stillPinned(pinned: boolean, previousTop: number, top: number, distanceFromEnd: number): boolean {
  if (distanceFromEnd <= BOTTOM_THRESHOLD_PX) return true;
  return pinned && top >= previousTop;
}

export interface BottomPinOptions {
  /** False while the end of the list is not the end of the conversation (newer messages not loaded yet). */
  canPin: () => boolean;
  /** Pinned or not, after the reader's scrolling. */
  changed: (pinned: boolean) => void;
}

/**
 * Keeps a scroll container at its end while it was at its end before, whatever changes its size: new or
 * re-measured content (messages arriving, a sync inserting before a pending message, images, "Seen by")
 * and the viewport itself (a window resize, the offline banner going, the composer growing). It watches
 * both sizes with ResizeObservers, which run after layout and before paint, so the reader never sees the
 * list drift away from its last message.
 */
export class BottomPin {
  private pinnedState = true;
  private lastTop: number;
  private readonly observer: ResizeObserver;

  constructor(
    private readonly scroller: HTMLElement,
    content: HTMLElement,
    private readonly options: BottomPinOptions,
  ) {
    this.lastTop = scroller.scrollTop;
    this.observer = new ResizeObserver(() => this.keep());
    this.observer.observe(scroller);
    this.observer.observe(content);
  }

  get pinned(): boolean {
    return this.pinnedState;
  }

  /** To the end now, and stay there. */
  pin(): void {
    this.set(true);
    this.keep();
  }

  /** The list moves elsewhere on purpose (a jump to a message): stop following the end. */
  unpin(): void {
    this.set(false);
  }

  /** Call on every scroll event. */
  scrolled(): void {
    const el = this.scroller;
    const top = el.scrollTop;
    const next = stillPinned(this.pinnedState, this.lastTop, top, this.distanceFromEnd()) && this.options.canPin();
    this.lastTop = top;
    this.set(next);
    if (next) this.keep();
  }

  /** A list too short to scroll is at its end, whatever moved it there (no scroll event says so). */
  recheck(): void {
    const el = this.scroller;
    if (!this.pinnedState && el.scrollHeight <= el.clientHeight + 1 && this.options.canPin()) this.set(true);
  }

  /** Pinned: make sure the end is in view (after a change of size or content). */
  keep(): void {
    if (!this.pinnedState) return;
    const el = this.scroller;
    const end = el.scrollHeight - el.clientHeight;
    if (end - el.scrollTop > 0.5) el.scrollTop = end;
    this.lastTop = el.scrollTop;
  }

  distanceFromEnd(): number {
    const el = this.scroller;
    return el.scrollHeight - el.scrollTop - el.clientHeight;
  }

  destroy(): void {
    this.observer.disconnect();
  }

  private set(pinned: boolean): void {
    if (pinned === this.pinnedState) return;
    this.pinnedState = pinned;
    this.options.changed(pinned);
  }
}
