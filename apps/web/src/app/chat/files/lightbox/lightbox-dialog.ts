import { DIALOG_DATA, DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, Injector, afterNextRender, computed, inject, signal, viewChild } from '@angular/core';
import { labelDialog } from '../../../shared/dialog/dialog-label';
import { formatFileSize } from '../../../shared/file-size';
import { FileSources } from '../file-sources';
import { LightboxData } from './lightbox';
import { Size, ZOOM_STEPS, shownSize, zoomIn, zoomOut } from './zoom';

/** The stage's padding in lightbox-dialog.css. */
const STAGE_PADDING = 12;

/**
 * Pictures full size, one at a time, over everything: previous/next (buttons, ← →), zoom (buttons, + − 0, or a
 * click on the picture), download, and Escape to close. Focus stays inside while it is open and goes back to
 * the picture it was opened from (the dialog does both).
 */
@Component({
  selector: 'app-lightbox-dialog',
  templateUrl: './lightbox-dialog.html',
  styleUrl: './lightbox-dialog.css',
  host: { '(keydown)': 'handleKey($event)' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LightboxDialog {
  private readonly dialogRef = inject(DialogRef);
  private readonly data = inject<LightboxData>(DIALOG_DATA);
  private readonly stageRef = viewChild.required<ElementRef<HTMLElement>>('stage');
  private readonly injector = inject(Injector);

  protected readonly titleId = labelDialog('lightbox');
  protected readonly images = this.data.images;
  protected readonly index = signal(this.data.index);
  protected readonly zoom = signal(1);
  private readonly stage = signal<Size>({ width: 0, height: 0 });
  /** Pixels of pictures whose size the message did not say, once they load. */
  private readonly loadedSizes = signal<Readonly<Record<string, Size>>>({});

  protected readonly image = computed(() => this.images[this.index()]!);
  protected readonly sources = inject(FileSources);
  /** The picture (for an encrypted one, once it is decrypted here; its thumbnail shows meanwhile). */
  protected readonly src = computed(() => this.sources.content(this.image()));
  protected readonly placeholder = computed(() => (this.image().thumbnail ? this.sources.thumbnail(this.image()) : null));
  protected readonly download = computed(() => this.sources.download(this.image()));
  protected readonly problem = computed(() => this.sources.problem(this.image(), 'file'));
  protected readonly details = computed(() => {
    const image = this.image();
    const size = image.width && image.height ? ` · ${image.width} × ${image.height}` : '';
    return `${formatFileSize(image.size)}${size}`;
  });
  protected readonly position = computed(() => `${this.index() + 1} of ${this.images.length}`);
  protected readonly hasPrevious = computed(() => this.index() > 0);
  protected readonly hasNext = computed(() => this.index() < this.images.length - 1);
  protected readonly canZoomIn = computed(() => this.zoom() < ZOOM_STEPS[ZOOM_STEPS.length - 1]!);
  protected readonly canZoomOut = computed(() => this.zoom() > ZOOM_STEPS[0]);
  protected readonly zoomText = computed(() => `${Math.round(this.zoom() * 100)}%`);
  protected readonly shown = computed(() => {
    const image = this.image();
    const own = image.width && image.height ? { width: image.width, height: image.height } : (this.loadedSizes()[image.id] ?? null);
    return shownSize(own, this.stage(), this.zoom());
  });

  constructor() {
    const destroyRef = inject(DestroyRef);
    afterNextRender(() => {
      const el = this.stageRef().nativeElement;
      // The picture keeps a margin of STAGE_PADDING all round (the stage's padding).
      const measure = () => this.stage.set({ width: el.clientWidth - 2 * STAGE_PADDING, height: el.clientHeight - 2 * STAGE_PADDING });
      measure();
      const observer = new ResizeObserver(measure);
      observer.observe(el);
      destroyRef.onDestroy(() => observer.disconnect());
    });
  }

  protected previous(): void {
    this.go(this.index() - 1);
  }

  protected next(): void {
    this.go(this.index() + 1);
  }

  protected zoomIn(): void {
    this.setZoom(zoomIn(this.zoom()));
  }

  protected zoomOut(): void {
    this.setZoom(zoomOut(this.zoom()));
  }

  /** A click on the picture: in to twice the fitted size, or back out. */
  protected toggleZoom(): void {
    this.setZoom(this.zoom() === 1 ? 2 : 1);
  }

  protected loaded(event: Event): void {
    const img = event.target as HTMLImageElement;
    const id = this.image().id;
    if (!this.loadedSizes()[id] && img.naturalWidth > 0) {
      this.loadedSizes.update((all) => ({ ...all, [id]: { width: img.naturalWidth, height: img.naturalHeight } }));
    }
  }

  protected close(): void {
    this.dialogRef.close();
  }

  protected handleKey(event: KeyboardEvent): void {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const actions: Record<string, () => void> = {
      ArrowLeft: () => this.previous(),
      ArrowRight: () => this.next(),
      '+': () => this.zoomIn(),
      '=': () => this.zoomIn(),
      '-': () => this.zoomOut(),
      '0': () => this.setZoom(1),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }

  /** Zooms about the middle of what is in view. */
  private setZoom(zoom: number): void {
    const before = this.zoom();
    if (zoom === before) return;
    const el = this.stageRef().nativeElement;
    const centre = { x: (el.scrollLeft + el.clientWidth / 2) / Math.max(1, el.scrollWidth), y: (el.scrollTop + el.clientHeight / 2) / Math.max(1, el.scrollHeight) };
    this.zoom.set(zoom);
    afterNextRender(
      () => el.scrollTo({ left: centre.x * el.scrollWidth - el.clientWidth / 2, top: centre.y * el.scrollHeight - el.clientHeight / 2 }),
      { injector: this.injector },
    );
  }

  private go(index: number): void {
    if (index < 0 || index >= this.images.length || index === this.index()) return;
    this.index.set(index);
    this.zoom.set(1);
    this.stageRef().nativeElement.scrollTo({ top: 0, left: 0 });
  }
}
